namespace MatrixSensing.Interop;

/// <summary>A native library (OpenBLAS or LAPACKE) could not be loaded, or lacks an entry point the bindings need.</summary>
public sealed class NativeLibraryException : Exception
{
    /// <summary>Creates the exception with a message that lists what was tried and how to fix it.</summary>
    public NativeLibraryException(string message, IReadOnlyList<string> pathsTried) : base(message) => PathsTried = pathsTried;

    /// <summary>Creates the exception with a message only.</summary>
    public NativeLibraryException(string message) : this(message, []) { }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public NativeLibraryException(string message, Exception inner) : base(message, inner) => PathsTried = [];

    /// <summary>Creates the exception with no details.</summary>
    public NativeLibraryException() : this("The native linear algebra libraries could not be loaded.") { }

    /// <summary>Every file name or path the resolver tried, in order.</summary>
    public IReadOnlyList<string> PathsTried { get; }
}
