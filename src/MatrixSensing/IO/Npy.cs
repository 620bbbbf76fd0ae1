using System.Runtime.InteropServices;

namespace MatrixSensing.IO;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0), the single-array format of
/// <c>np.save</c> and <c>np.load</c>.
/// </summary>
/// <remarks>
/// <para>
/// Writing produces the bytes <c>np.save</c> produces: version 1.0 (2.0 if the header would not fit), this
/// machine's byte order in the type string (<c>&lt;f8</c> on every little-endian machine), and the header padded
/// with spaces to a multiple of 64 bytes with room for the growth axis.
/// </para>
/// <para>
/// Reading accepts either byte order: big-endian data (<c>&gt;f8</c>) is converted on load, so
/// <see cref="NpyArray.ElementType"/> never records it. Any damage (bad magic, unparsable or inconsistent header,
/// unsupported dtype, data shorter than the shape declares, sizes beyond <see cref="NpyReadOptions.MaxBytes"/>)
/// throws <see cref="NpyFormatException"/> before any large allocation: on a seekable stream the declared size is
/// compared with the stream's remaining length; on other streams large data is read in chunks and assembled only
/// once it has all arrived.
/// </para>
/// </remarks>
public static class Npy
{
    /// <summary>Reads the array in the file at <paramref name="path"/>.</summary>
    /// <exception cref="NpyFormatException">The file is not a valid, supported .npy file, or is larger than allowed.</exception>
    /// <exception cref="IOException">The file cannot be opened or read.</exception>
    public static NpyArray Read(string path, NpyReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Read(file, path, options);
    }

    /// <summary>Reads one array from the current position of <paramref name="stream"/>, leaving it just after the data.</summary>
    /// <exception cref="NpyFormatException">The data is not a valid, supported .npy image, or is larger than allowed.</exception>
    public static NpyArray Read(Stream stream, NpyReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Read(stream, stream is FileStream f ? f.Name : "<stream>", options);
    }

    private static NpyArray Read(Stream stream, string location, NpyReadOptions? options)
    {
        long max = (options ?? NpyReadOptions.Default).MaxBytes;
        long budget = max;
        if (stream.CanSeek)
            return NpyReader.Read(stream, location, Math.Max(0, stream.Length - stream.Position), long.MaxValue, ref budget, max);
        return NpyReader.Read(stream, location, -1, NpyReader.UnknownSourceDirectLimit, ref budget, max);
    }

    /// <summary>Writes <paramref name="array"/> to a new file at <paramref name="path"/> (replacing any file there).</summary>
    public static void Write(string path, NpyArray array)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(array);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        Write(file, array);
    }

    /// <summary>Writes <paramref name="array"/> at the current position of <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        WriteArray(stream, array, version: 0);
    }

    /// <summary>Writes <paramref name="data"/> as an array of the given shape to a new file at <paramref name="path"/>.</summary>
    /// <typeparam name="T"><see cref="double"/> (<c>&lt;f8</c>), <see cref="float"/> (<c>&lt;f4</c>), or another type of <see cref="NpyElementType"/>.</typeparam>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="data">The elements, in Fortran order if <paramref name="fortranOrder"/>, else in C order.</param>
    /// <param name="shape">The extent of each axis; its product must equal the length of <paramref name="data"/>.</param>
    /// <param name="fortranOrder">True if <paramref name="data"/> is column-major (first index fastest), as this library stores matrices.</param>
    /// <exception cref="ArgumentException">The shape is invalid or does not match the data.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no .npy element type.</exception>
    public static void Write<T>(string path, ReadOnlySpan<T> data, ReadOnlySpan<long> shape, bool fortranOrder = false) where T : unmanaged
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        NpyDType.Require<T>();
        NpyArray.CheckShape(data.Length, shape);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        Write(file, data, shape, fortranOrder);
    }

    /// <summary>Writes <paramref name="data"/> as an array of the given shape at the current position of <paramref name="stream"/>.</summary>
    /// <typeparam name="T"><see cref="double"/> (<c>&lt;f8</c>), <see cref="float"/> (<c>&lt;f4</c>), or another type of <see cref="NpyElementType"/>.</typeparam>
    /// <param name="stream">The destination.</param>
    /// <param name="data">The elements, in Fortran order if <paramref name="fortranOrder"/>, else in C order.</param>
    /// <param name="shape">The extent of each axis; its product must equal the length of <paramref name="data"/>.</param>
    /// <param name="fortranOrder">True if <paramref name="data"/> is column-major (first index fastest), as this library stores matrices.</param>
    /// <exception cref="ArgumentException">The shape is invalid or does not match the data.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no .npy element type.</exception>
    public static void Write<T>(Stream stream, ReadOnlySpan<T> data, ReadOnlySpan<long> shape, bool fortranOrder = false) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(stream);
        WriteData(stream, data, shape, fortranOrder, version: 0);
    }

    /// <summary>Writes with a chosen format version (1 or 2); tests use it to produce version 2.0 files.</summary>
    internal static void WriteData<T>(Stream stream, ReadOnlySpan<T> data, ReadOnlySpan<long> shape, bool fortranOrder, int version) where T : unmanaged
    {
        NpyElementType type = NpyDType.Require<T>();
        NpyArray.CheckShape(data.Length, shape);
        stream.Write(NpyHeader.Format(type, fortranOrder, shape, version));
        const int chunkBytes = 16 << 20;
        int perChunk = chunkBytes / System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        for (int start = 0; start < data.Length; start += perChunk)
            stream.Write(MemoryMarshal.AsBytes(data.Slice(start, Math.Min(perChunk, data.Length - start))));
    }

    internal static void WriteArray(Stream stream, NpyArray array, int version)
    {
        ReadOnlySpan<long> shape = array.Shape.AsSpan();
        bool f = array.FortranOrder;
        switch (array.Data)
        {
            case byte[] a when array.ElementType == NpyElementType.Bool: WriteData<bool>(stream, MemoryMarshal.Cast<byte, bool>(a), shape, f, version); break;
            case double[] a: WriteData<double>(stream, a, shape, f, version); break;
            case float[] a: WriteData<float>(stream, a, shape, f, version); break;
            case Half[] a: WriteData<Half>(stream, a, shape, f, version); break;
            case byte[] a: WriteData<byte>(stream, a, shape, f, version); break;
            case sbyte[] a: WriteData<sbyte>(stream, a, shape, f, version); break;
            case short[] a: WriteData<short>(stream, a, shape, f, version); break;
            case ushort[] a: WriteData<ushort>(stream, a, shape, f, version); break;
            case int[] a: WriteData<int>(stream, a, shape, f, version); break;
            case uint[] a: WriteData<uint>(stream, a, shape, f, version); break;
            case long[] a: WriteData<long>(stream, a, shape, f, version); break;
            case ulong[] a: WriteData<ulong>(stream, a, shape, f, version); break;
            default: throw new InvalidOperationException("Unknown element storage (internal error).");
        }
    }
}
