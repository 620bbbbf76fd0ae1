namespace MatrixSensing.IO;

/// <summary>
/// A <c>.npy</c> or <c>.npz</c> file is truncated, corrupt, inconsistent, of an unsupported kind, or larger than
/// <see cref="NpyReadOptions.MaxBytes"/> allows. Every such problem surfaces as this one exception type; the message
/// starts with the file (and, inside an archive, the entry) and then names the problem with its numbers.
/// </summary>
public class NpyFormatException : FormatException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public NpyFormatException() : base("The data is not a valid NumPy .npy/.npz file.") { }

    /// <summary>Creates the exception with a message.</summary>
    public NpyFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that revealed the problem.</summary>
    public NpyFormatException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The file, stream or archive entry being read, as it appears at the start of the message (<c>path</c> or <c>path[entry.npy]</c>).</summary>
    public string? Location { get; private init; }

    internal static NpyFormatException At(string location, string problem, Exception? inner = null) =>
        inner is null
            ? new NpyFormatException($"{location}: {problem}") { Location = location }
            : new NpyFormatException($"{location}: {problem}", inner) { Location = location };
}
