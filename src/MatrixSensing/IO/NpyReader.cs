using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace MatrixSensing.IO;

/// <summary>
/// Reads one <c>.npy</c> image from the current position of a stream, checking every declared size against what the
/// source can hold before allocating for it.
/// </summary>
internal static class NpyReader
{
    /// <summary>For sources of unknown length, declarations up to this size are allocated at once.</summary>
    internal const long UnknownSourceDirectLimit = 64L << 20;

    /// <summary>Read granularity; a multiple of every item size.</summary>
    private const int ChunkBytes = 16 << 20;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads and checks the magic string, version and header, leaving the stream at the first data byte.</summary>
    /// <param name="stream">The source, positioned at the magic string.</param>
    /// <param name="location">How messages name the source.</param>
    /// <param name="available">Bytes from the current position to the end of the source, or -1 if unknown.</param>
    /// <param name="used">Bytes consumed (prefix, length field and header).</param>
    internal static NpyHeader.Parsed ReadHeader(Stream stream, string location, long available, out long used) =>
        NpyHeader.Parse(ReadHeaderText(stream, location, available, out used), location);

    /// <summary>As <see cref="ReadHeader"/>, but returns the header dict's text unparsed (for string-valued entries).</summary>
    internal static string ReadHeaderText(Stream stream, string location, long available, out long used)
    {
        Span<byte> prefix = stackalloc byte[NpyHeader.PrefixLength + 4];
        int got = ReadAtMost(stream, prefix[..NpyHeader.PrefixLength]);
        if (got == 0)
            throw NpyFormatException.At(location, "the file is empty; a .npy file starts with the magic string \\x93NUMPY");
        int magicBytes = Math.Min(got, NpyHeader.Magic.Length);
        if (!prefix[..magicBytes].SequenceEqual(NpyHeader.Magic[..magicBytes]))
            throw NpyFormatException.At(location, $"not a .npy file: it starts with {Hex(prefix[..magicBytes])} instead of the magic string \\x93NUMPY");
        if (got < NpyHeader.PrefixLength)
            throw NpyFormatException.At(location, Inv($"truncated: the file ends after {got} bytes, inside the magic string and version"));

        byte major = prefix[6], minor = prefix[7];
        if (major is not (1 or 2 or 3) || minor != 0)
            throw NpyFormatException.At(location, Inv($"unsupported .npy format version {major}.{minor}; versions 1.0, 2.0 and 3.0 are read"));

        int lengthBytes = major == 1 ? 2 : 4;
        got = ReadAtMost(stream, prefix.Slice(NpyHeader.PrefixLength, lengthBytes));
        if (got < lengthBytes)
            throw NpyFormatException.At(location, "truncated: the file ends inside the header length field");
        long headerLength = major == 1
            ? BinaryPrimitives.ReadUInt16LittleEndian(prefix[NpyHeader.PrefixLength..])
            : BinaryPrimitives.ReadUInt32LittleEndian(prefix[NpyHeader.PrefixLength..]);
        used = NpyHeader.PrefixLength + lengthBytes;
        if (headerLength > NpyHeader.MaxHeaderLength)
            throw NpyFormatException.At(location, Inv($"the header length field says {headerLength} bytes; headers over {NpyHeader.MaxHeaderLength} bytes are refused"));
        if (available >= 0 && headerLength > available - used)
            throw NpyFormatException.At(location, Inv($"the header length field says {headerLength} bytes, but only {Math.Max(0, available - used)} bytes follow it"));

        var headerBytes = new byte[headerLength];
        got = ReadAtMost(stream, headerBytes);
        if (got < headerLength)
            throw NpyFormatException.At(location, Inv($"truncated: the header should be {headerLength} bytes, but the file ends after {got} of them"));
        used += headerLength;

        string text;
        try
        {
            text = major == 3 ? StrictUtf8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        }
        catch (DecoderFallbackException e)
        {
            throw NpyFormatException.At(location, "the version 3.0 header is not valid UTF-8", e);
        }

        return text;
    }

    /// <param name="stream">The source, positioned at the magic string. It is left just after the array data.</param>
    /// <param name="location">How messages name the source.</param>
    /// <param name="available">Bytes from the current position to the end of the source, or -1 if unknown.</param>
    /// <param name="directLimit">
    /// Data of up to this many bytes is read straight into its final array. Larger declarations, where
    /// <paramref name="available"/> is not exact, are first read in chunks, so memory grows only with bytes that
    /// really arrive and a lying header fails at the end of the source instead of allocating what it claims.
    /// </param>
    /// <param name="budget">Bytes this read may still allocate; reduced by the array's size.</param>
    /// <param name="maxBytes">The configured limit, for messages.</param>
    internal static NpyArray Read(Stream stream, string location, long available, long directLimit, ref long budget, long maxBytes)
    {
        NpyHeader.Parsed header = ReadHeader(stream, location, available, out long used);
        string shapeText = NpyHeader.ShapeText(header.Shape);
        string typeName = NpyDType.Name(header.Type);
        int itemSize = NpyDType.ItemSize(header.Type);
        if (!NpyHeader.TryElementCount(header.Shape, out long count) || count > long.MaxValue / itemSize)
            throw NpyFormatException.At(location, $"the shape {shapeText} of {typeName} has more bytes than fit in 64 bits");
        long bytes = count * itemSize;
        if (bytes > budget)
        {
            string limit = budget == maxBytes
                ? Inv($"the limit NpyReadOptions.MaxBytes is {maxBytes}")
                : Inv($"only {budget} of the NpyReadOptions.MaxBytes limit of {maxBytes} remain");
            throw NpyFormatException.At(location, Inv($"the shape {shapeText} of {typeName} needs {bytes} bytes; {limit}"));
        }

        if (count > Array.MaxLength)
            throw NpyFormatException.At(location, Inv($"the shape {shapeText} has {count} elements; a .NET array holds at most {Array.MaxLength}"));
        if (available >= 0 && bytes > available - used)
            throw NpyFormatException.At(location, Inv($"the header declares shape {shapeText} of {typeName} = {bytes} bytes of data, but only {Math.Max(0, available - used)} bytes follow the header"));

        var ctx = new DataContext(stream, location, bytes, directLimit, header.SwapBytes);
        Array data = header.Type switch
        {
            NpyElementType.Bool => NormalizeBool(ReadData<byte>(ctx, (int)count)),
            NpyElementType.Int8 => ReadData<sbyte>(ctx, (int)count),
            NpyElementType.UInt8 => ReadData<byte>(ctx, (int)count),
            NpyElementType.Int16 => ReadData<short>(ctx, (int)count),
            NpyElementType.UInt16 => ReadData<ushort>(ctx, (int)count),
            NpyElementType.Int32 => ReadData<int>(ctx, (int)count),
            NpyElementType.UInt32 => ReadData<uint>(ctx, (int)count),
            NpyElementType.Int64 => ReadData<long>(ctx, (int)count),
            NpyElementType.UInt64 => ReadData<ulong>(ctx, (int)count),
            NpyElementType.Float16 => ReadData<Half>(ctx, (int)count),
            NpyElementType.Float32 => ReadData<float>(ctx, (int)count),
            _ => ReadData<double>(ctx, (int)count),
        };
        budget -= bytes;
        return new NpyArray(header.Type, header.FortranOrder, header.Shape, data);
    }

    private readonly record struct DataContext(Stream Stream, string Location, long Bytes, long DirectLimit, bool Swap);

    private static T[] ReadData<T>(DataContext ctx, int count) where T : unmanaged
    {
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        int perChunk = ChunkBytes / size;
        T[] result;
        if (ctx.Bytes <= ctx.DirectLimit)
        {
            result = GC.AllocateUninitializedArray<T>(count);
            for (int start = 0; start < count; start += perChunk)
            {
                Span<byte> target = MemoryMarshal.AsBytes(result.AsSpan(start, Math.Min(perChunk, count - start)));
                int got = ReadAtMost(ctx.Stream, target);
                if (got < target.Length)
                    throw Truncated(ctx, (long)start * size + got);
            }
        }
        else
        {
            // Collect what really arrives before committing to the declared size.
            var chunks = new List<byte[]>();
            long total = 0;
            while (total < ctx.Bytes)
            {
                var chunk = new byte[(int)Math.Min(ChunkBytes, ctx.Bytes - total)];
                int got = ReadAtMost(ctx.Stream, chunk);
                total += got;
                if (got < chunk.Length)
                    throw Truncated(ctx, total);
                chunks.Add(chunk);
            }

            result = GC.AllocateUninitializedArray<T>(count);
            for (int k = 0; k < chunks.Count; k++)
            {
                int start = k * perChunk;
                chunks[k].CopyTo(MemoryMarshal.AsBytes(result.AsSpan(start, chunks[k].Length / size)));
            }
        }

        if (ctx.Swap) Swap<T>(result);
        return result;
    }

    private static NpyFormatException Truncated(DataContext ctx, long got) =>
        NpyFormatException.At(ctx.Location, Inv($"truncated: the data should be {ctx.Bytes} bytes, but the file ends after {got} of them"));

    private static void Swap<T>(Span<T> data) where T : unmanaged
    {
        switch (System.Runtime.CompilerServices.Unsafe.SizeOf<T>())
        {
            case 2: { var s = MemoryMarshal.Cast<T, ushort>(data); BinaryPrimitives.ReverseEndianness(s, s); break; }
            case 4: { var s = MemoryMarshal.Cast<T, uint>(data); BinaryPrimitives.ReverseEndianness(s, s); break; }
            case 8: { var s = MemoryMarshal.Cast<T, ulong>(data); BinaryPrimitives.ReverseEndianness(s, s); break; }
            default: break;
        }
    }

    private static byte[] NormalizeBool(byte[] data)
    {
        for (int k = 0; k < data.Length; k++)
            if (data[k] > 1) data[k] = 1;
        return data;
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the source ends; returns the bytes read.</summary>
    internal static int ReadAtMost(Stream stream, Span<byte> buffer) =>
        buffer.IsEmpty ? 0 : stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);

    private static string Hex(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder();
        foreach (byte b in bytes)
            sb.Append(b is >= 0x20 and < 0x7f ? ((char)b).ToString() : Inv($"\\x{b:x2}"));
        return sb.ToString();
    }

    internal static string Inv(FormattableString s) => FormattableString.Invariant(s);
}
