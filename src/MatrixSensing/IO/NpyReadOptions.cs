namespace MatrixSensing.IO;

/// <summary>Limits that keep a damaged or hostile file from causing a huge allocation.</summary>
public sealed class NpyReadOptions
{
    /// <summary>The default of <see cref="MaxBytes"/>: 8 GiB.</summary>
    public const long DefaultMaxBytes = 8L << 30;

    private readonly long _maxBytes = DefaultMaxBytes;

    /// <summary>The options used when none are given.</summary>
    public static NpyReadOptions Default { get; } = new();

    /// <summary>
    /// The largest number of array data bytes one read call may allocate: one array for
    /// <see cref="Npy.Read(Stream, NpyReadOptions?)"/>, the sum over all entries for
    /// <see cref="Npz.Read(Stream, NpyReadOptions?)"/>. Larger declarations are refused with
    /// <see cref="NpyFormatException"/> before anything is allocated. Must be positive.
    /// </summary>
    public long MaxBytes
    {
        get => _maxBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _maxBytes = value;
        }
    }
}
