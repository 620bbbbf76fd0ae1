using System.IO.Compression;

namespace MatrixSensing.IO;

/// <summary>
/// Reads and writes NumPy <c>.npz</c> archives (<c>np.savez</c>, <c>np.savez_compressed</c>): a zip file with one
/// <c>.npy</c> entry per named array, stored or deflated.
/// </summary>
/// <remarks>
/// Names are the entry names without the <c>.npy</c> suffix, as NumPy shows them (<c>A.npy</c> is <c>A</c>).
/// Directory entries and entries not ending in <c>.npy</c> are skipped. Every problem with the archive or an entry,
/// including zip-level damage, throws <see cref="NpyFormatException"/> whose message names the archive and entry.
/// <see cref="NpyReadOptions.MaxBytes"/> bounds the sum of all arrays. Each entry's declared data size is checked
/// against the entry's uncompressed length; a deflated entry whose declaration is far beyond its compressed size is
/// read in chunks first, so a lying header fails without allocating what it claims.
/// </remarks>
public static class Npz
{
    /// <summary>Declarations beyond this multiple of an entry's compressed size (plus a fixed allowance) are read in chunks.</summary>
    private const long TrustedExpansion = 4;

    /// <summary>Timestamp of written entries, fixed so that the same arrays give the same bytes.</summary>
    private static readonly DateTimeOffset EntryTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Reads every array of the archive at <paramref name="path"/>.</summary>
    /// <returns>The arrays by name (entry name without <c>.npy</c>), in archive order.</returns>
    /// <exception cref="NpyFormatException">The file is not a valid archive of supported .npy entries, or is larger than allowed.</exception>
    /// <exception cref="IOException">The file cannot be opened or read.</exception>
    public static IReadOnlyDictionary<string, NpyArray> Read(string path, NpyReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess);
        return ReadCore(file, path, options);
    }

    /// <summary>
    /// The headers (element type, order, shape) of every array of the archive, without reading any data, so a caller
    /// can estimate what loading will allocate before it inflates anything.
    /// </summary>
    /// <exception cref="NpyFormatException">The file is not a valid archive of supported .npy entries.</exception>
    /// <param name="path">The archive.</param>
    /// <param name="include">Which entries to read by name (string-valued ones, read by <see cref="ReadText"/>, are left out).</param>
    internal static IReadOnlyDictionary<string, NpyHeader.Parsed> ReadHeaders(string path, Func<string, bool> include)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess);
        var result = new Dictionary<string, NpyHeader.Parsed>(StringComparer.Ordinal);
        string current = path;
        try
        {
            using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
            foreach (ZipArchiveEntry entry in zip.Entries)
            {
                string full = entry.FullName;
                if (full.EndsWith('/') || !full.EndsWith(".npy", StringComparison.Ordinal))
                    continue;
                if (!include(full[..^4]))
                    continue;
                current = $"{path}[{full}]";
                using Stream entryStream = entry.Open();
                result[full[..^4]] = NpyReader.ReadHeader(entryStream, current, Math.Max(0, entry.Length), out _);
                current = path;
            }
        }
        catch (InvalidDataException e)
        {
            throw NpyFormatException.At(current, $"damaged or unsupported zip data: {e.Message}", e);
        }
        catch (EndOfStreamException e)
        {
            throw NpyFormatException.At(current, $"truncated zip data: {e.Message}", e);
        }

        return result;
    }

    /// <summary>As <see cref="Read(string, NpyReadOptions?)"/>, reading only the entries <paramref name="include"/> accepts.</summary>
    internal static IReadOnlyDictionary<string, NpyArray> Read(string path, NpyReadOptions? options, Func<string, bool> include)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess);
        return ReadCore(file, path, options, include);
    }

    /// <summary>
    /// The text of a small string-valued entry (a NumPy <c>str</c> or <c>bytes</c> scalar such as
    /// <c>np.savez(..., order='F')</c>, dtype <c>&lt;U1</c> or <c>|S1</c>, shape () or (1,)), or null when the archive
    /// has no such entry. Numeric .npy entries are refused with a message naming the entry.
    /// </summary>
    /// <param name="path">The archive.</param>
    /// <param name="name">The entry's name without <c>.npy</c>.</param>
    internal static string? ReadText(string path, string name)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess);
        string location = $"{path}[{name}.npy]";
        try
        {
            using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
            var entry = zip.GetEntry(name + ".npy");
            if (entry is null) return null;
            if (entry.Length > 1 << 16) throw NpyFormatException.At(location, $"'{name}' must be a short string such as 'C' or 'F'");
            using Stream stream = entry.Open();
            string header = NpyReader.ReadHeaderText(stream, location, entry.Length, out long used);
            return NpyText.Decode(header, stream, (int)(entry.Length - used), location, name);
        }
        catch (InvalidDataException e)
        {
            throw NpyFormatException.At(location, $"damaged or unsupported zip data: {e.Message}", e);
        }
    }

    /// <summary>
    /// Reads every array of the archive in <paramref name="stream"/>. A stream that cannot seek is first buffered in
    /// memory (up to <see cref="NpyReadOptions.MaxBytes"/> plus 64 MiB, and at most 2 GiB); prefer a file or seekable stream.
    /// </summary>
    /// <returns>The arrays by name (entry name without <c>.npy</c>), in archive order.</returns>
    /// <exception cref="NpyFormatException">The data is not a valid archive of supported .npy entries, or is larger than allowed.</exception>
    public static IReadOnlyDictionary<string, NpyArray> Read(Stream stream, NpyReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadCore(stream, stream is FileStream f ? f.Name : "<stream>", options);
    }

    /// <summary>Writes the arrays to a new archive at <paramref name="path"/>, atomically replacing any file there (<see cref="AtomicFile"/>).</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="entries">Name and array pairs; each becomes the entry <c>name.npy</c>.</param>
    /// <param name="compress">Deflate the entries (as <c>np.savez_compressed</c>); otherwise store them (as <c>np.savez</c>).</param>
    /// <exception cref="ArgumentException">A name is empty or repeated, or an array is null.</exception>
    public static void Write(string path, IEnumerable<KeyValuePair<string, NpyArray>> entries, bool compress = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var list = Validate(entries);
        // Through a temporary file and a rename: a full disk or a crash never leaves a truncated archive.
        AtomicFile.Write(path, file => WriteCore(file, list, compress));
    }

    /// <summary>Writes the arrays as an archive at the current position of <paramref name="stream"/>, leaving it open.</summary>
    /// <param name="stream">The destination.</param>
    /// <param name="entries">Name and array pairs; each becomes the entry <c>name.npy</c>.</param>
    /// <param name="compress">Deflate the entries (as <c>np.savez_compressed</c>); otherwise store them (as <c>np.savez</c>).</param>
    /// <exception cref="ArgumentException">A name is empty or repeated, or an array is null.</exception>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, NpyArray>> entries, bool compress = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        WriteCore(stream, Validate(entries), compress);
    }

    private static List<KeyValuePair<string, NpyArray>> Validate(IEnumerable<KeyValuePair<string, NpyArray>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var list = entries.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, array) in list)
        {
            if (string.IsNullOrEmpty(name))
                throw new ArgumentException("An entry name is empty.", nameof(entries));
            if (!names.Add(name))
                throw new ArgumentException($"The entry name '{name}' appears twice.", nameof(entries));
            if (array is null)
                throw new ArgumentException($"The array for '{name}' is null.", nameof(entries));
        }

        return list;
    }

    private static void WriteCore(Stream stream, List<KeyValuePair<string, NpyArray>> entries, bool compress)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);

        foreach (var (name, array) in entries)
        {
            ZipArchiveEntry entry = zip.CreateEntry(name + ".npy", compress ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            entry.LastWriteTime = EntryTime;
            using Stream entryStream = entry.Open();
            Npy.WriteArray(entryStream, array, version: 0);
        }
    }

    private static Dictionary<string, NpyArray> ReadCore(Stream stream, string location, NpyReadOptions? options, Func<string, bool>? include = null)
    {
        long max = (options ?? NpyReadOptions.Default).MaxBytes;
        long budget = max;
        using Stream? buffered = stream.CanSeek ? null : Buffer(stream, location, max);
        var result = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        string current = location;
        try
        {
            using var zip = new ZipArchive(buffered ?? stream, ZipArchiveMode.Read, leaveOpen: true);
            foreach (ZipArchiveEntry entry in zip.Entries)
            {
                string full = entry.FullName;
                if (full.EndsWith('/') || !full.EndsWith(".npy", StringComparison.Ordinal))
                    continue;
                current = $"{location}[{full}]";
                string name = full[..^4];
                if (include?.Invoke(name) == false)
                    continue;
                if (result.ContainsKey(name))
                    throw NpyFormatException.At(current, "the archive holds this entry twice");
                long compressed = Math.Max(0, entry.CompressedLength);
                long directLimit = compressed > long.MaxValue / TrustedExpansion / 2
                    ? long.MaxValue
                    : (compressed * TrustedExpansion) + NpyReader.UnknownSourceDirectLimit;
                using Stream entryStream = entry.Open();
                result.Add(name, NpyReader.Read(entryStream, current, Math.Max(0, entry.Length), directLimit, ref budget, max));
                current = location;
            }
        }
        catch (InvalidDataException e)
        {
            throw NpyFormatException.At(current, $"damaged or unsupported zip data: {e.Message}", e);
        }
        catch (EndOfStreamException e)
        {
            throw NpyFormatException.At(current, $"truncated zip data: {e.Message}", e);
        }

        return result;
    }

    /// <summary>Copies a non-seekable stream into memory, refusing sources beyond the limit.</summary>
    private static MemoryStream Buffer(Stream stream, string location, long maxBytes)
    {
        long limit = Math.Min(Array.MaxLength, maxBytes > long.MaxValue - NpyReader.UnknownSourceDirectLimit ? long.MaxValue : maxBytes + NpyReader.UnknownSourceDirectLimit);
        var memory = new MemoryStream();
        var chunk = new byte[81920];
        int got;
        while ((got = stream.Read(chunk)) > 0)
        {
            if (memory.Length + got > limit)
                throw NpyFormatException.At(location, FormattableString.Invariant($"the archive is longer than {limit} bytes, the most buffered from a non-seekable stream; pass a file or a seekable stream"));
            memory.Write(chunk, 0, got);
        }

        memory.Position = 0;
        return memory;
    }
}
