using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using MatrixSensing.IO;
using static MatrixSensing.Tests.IO.NpyTestSupport;

namespace MatrixSensing.Tests.IO;

/// <summary>
/// Seeded mutations of valid .npy and .npz images. Every read must either succeed with a self-consistent array or
/// throw <see cref="NpyFormatException"/>; any other exception (IndexOutOfRange, OutOfMemory, Overflow, a raw zip
/// exception...) fails the test with the seed and mutation that caused it.
/// </summary>
public class NpyFuzzTests
{
    private const int Seed = 20240611;
    private const int MutationsPerImage = 400;

    private static readonly string[] HugeNumbers =
    [
        "999999999999", "-1", "0", "1", "18446744073709551616", "4294967296", "2147483647", "2147483648",
        "2305843009213693952", "99999999999999999999999", "9223372036854775807", "-9223372036854775808", "1000000000",
    ];

    private static readonly (string From, string To)[] TokenEdits =
    [
        ("False", "True"), ("True", "False"), ("'<f8'", "'<c16'"), ("'<f8'", "'|O'"), ("'<f8'", "'>f8'"), ("'<f4'", "'<f8'"),
        ("'<f8'", "'<f4'"), ("'<i8'", "'|b1'"), ("'descr'", "'descx'"), ("'shape': (", "'shape': ["), ("'<f4'", "'<U4'"),
        (", }", ", 'x': 1, }"), ("'fortran_order'", "'fortran_order': 0, 'f'"), ("(", "(((((((((((((((((((("), ("}", ""),
    ];

    private sealed record Image(string Name, byte[] Bytes, bool IsZip);

    private static byte[] NpyImage(NpyArray a, int version = 0)
    {
        using var ms = new MemoryStream();
        Npy.WriteArray(ms, a, version);
        return ms.ToArray();
    }

    private static byte[] NpzImage(IEnumerable<KeyValuePair<string, byte[]>> entries, bool compress)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using Stream s = zip.CreateEntry(name, compress ? CompressionLevel.Fastest : CompressionLevel.NoCompression).Open();
                s.Write(bytes);
            }
        }

        return ms.ToArray();
    }

    private static List<Image> BaseImages()
    {
        double[] v = RowMajorValues(24);
        var entries = new Dictionary<string, byte[]>
        {
            ["A.npy"] = NpyImage(NpyArray.Create<float>(ToSingle(v), [2, 3, 4])),
            ["y.npy"] = NpyImage(NpyArray.Create<double>(v.AsSpan(0, 6), [6])),
            ["M_star.npy"] = NpyImage(NpyArray.Create<double>(v.AsSpan(0, 12), [3, 4], fortranOrder: true)),
        };
        return
        [
            new("f8 C 3x4", NpyImage(NpyArray.Create<double>(v.AsSpan(0, 12), [3, 4])), false),
            new("f4 F 2x3x4", NpyImage(NpyArray.Create<float>(ToSingle(v), [2, 3, 4], fortranOrder: true)), false),
            new("i8 5", NpyImage(NpyArray.Create<long>([1, -2, 3, long.MaxValue, 0], [5])), false),
            new("bool 2x2", NpyImage(NpyArray.Create<bool>([true, false, true, true], [2, 2])), false),
            new("f8 scalar", NpyImage(NpyArray.Create<double>([Math.PI], [])), false),
            new("f8 F 4x2 v2", NpyImage(NpyArray.Create<double>(v.AsSpan(0, 8), [4, 2], fortranOrder: true), version: 2), false),
            new("f8 empty 0x3", NpyImage(NpyArray.Create<double>([], [0, 3])), false),
            new("npz stored", NpzImage(entries, compress: false), true),
            new("npz deflated", NpzImage(entries, compress: true), true),
        ];
    }

    [Test]
    public void Mutated_files_either_read_consistently_or_throw_NpyFormatException()
    {
        var rng = new System.Random(Seed);
        var failures = new List<string>();
        int reads = 0, succeeded = 0, refused = 0;
        var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        foreach (Image image in BaseImages())
        {
            Assert.That(() => Read(image.Bytes, image.IsZip, seekable: true), Throws.Nothing, $"base image {image.Name} must be valid");
            for (int k = 0; k < MutationsPerImage; k++)
            {
                (byte[] mutated, string how) = image.IsZip && rng.Next(2) == 0
                    ? MutateInsideArchive(image.Bytes, rng)
                    : Mutate(image.Bytes, rng);
                foreach (bool seekable in k % 3 == 0 ? new[] { true, false } : new[] { true })
                {
                    reads++;
                    try
                    {
                        foreach (NpyArray a in Read(mutated, image.IsZip, seekable))
                        {
                            string? problem = Inconsistency(a);
                            if (problem is not null)
                                failures.Add($"{image.Name} #{k} ({how}, seekable {seekable}): read an inconsistent array: {problem}");
                        }

                        succeeded++;
                    }
                    catch (NpyFormatException e) when (e.Location is not null && e.Message.StartsWith(e.Location + ": ", StringComparison.Ordinal))
                    {
                        refused++;
                        string reason = string.Join(' ', e.Message[(e.Location.Length + 2)..].Split(' ').Take(3));
                        reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
                    }
#pragma warning disable CA1031 // the point of the test is to catch everything else
                    catch (Exception e)
#pragma warning restore CA1031
                    {
                        failures.Add($"{image.Name} #{k} ({how}, seekable {seekable}): {e.GetType().Name}: {e.Message}");
                    }
                }
            }
        }

        foreach (var (reason, count) in reasons.OrderByDescending(r => r.Value).Take(15))
            TestContext.Out.WriteLine($"{count,6}  {reason}");
        TestContext.Out.WriteLine($"{reads} reads of mutated images in {clock.Elapsed.TotalSeconds:F2} s: {succeeded} read, {refused} refused with NpyFormatException.");
        Assert.Multiple(() =>
        {
            Assert.That(failures, Is.Empty, string.Join("\n", failures.Take(20)));
            Assert.That(reads, Is.GreaterThanOrEqualTo(2000));
            Assert.That(succeeded, Is.GreaterThan(50), "some mutations (data bytes) must still read");
            Assert.That(refused, Is.GreaterThan(reads / 3), "most mutations must be refused");
        });
    }

    private static List<NpyArray> Read(byte[] bytes, bool isZip, bool seekable)
    {
        using Stream s = seekable ? new MemoryStream(bytes, writable: false) : new NonSeekableStream(new MemoryStream(bytes, writable: false));
        return isZip ? [.. Npz.Read(s).Values] : [Npy.Read(s)];
    }

    /// <summary>Null if the array is self-consistent: sizes agree, every accessor works, and it survives a write and read.</summary>
    private static string? Inconsistency(NpyArray a)
    {
        long product = 1;
        foreach (long d in a.Shape)
        {
            if (d < 0) return $"negative extent in {a}";
            product = d == 0 || product == 0 ? 0 : checked(product * d);
        }

        if (product != a.Length) return $"Length {a.Length} but shape product {product}";
        if (a.ByteCount != (long)a.Length * a.ItemSize) return "ByteCount";
        double[] stored = a.ToArray<double>();
        double[] columns = a.ToColumnMajor<double>();
        double[] rows = a.ToRowMajor<double>();
        if (stored.Length != a.Length || columns.Length != a.Length || rows.Length != a.Length) return "accessor lengths";
        long[] s1 = Bits(stored), s2 = Bits(columns), s3 = Bits(rows);
        Array.Sort(s1); Array.Sort(s2); Array.Sort(s3);
        if (!s1.SequenceEqual(s2) || !s1.SequenceEqual(s3)) return "reordering lost or invented elements";
        byte[] written = NpyImage(a);
        NpyArray again = Npy.Read(new MemoryStream(written));
        if (!NpyImage(again).AsSpan().SequenceEqual(written)) return "write/read round trip changed the array";
        return null;
    }

    private static (byte[] Bytes, string How) MutateInsideArchive(byte[] zipBytes, System.Random rng)
    {
        using var zip = new ZipArchive(new MemoryStream(zipBytes));
        var entries = new List<KeyValuePair<string, byte[]>>();
        foreach (ZipArchiveEntry e in zip.Entries)
        {
            using var s = e.Open();
            using var copy = new MemoryStream();
            s.CopyTo(copy);
            entries.Add(new(e.FullName, copy.ToArray()));
        }

        int victim = rng.Next(entries.Count);
        (byte[] mutated, string how) = Mutate(entries[victim].Value, rng);
        entries[victim] = new(entries[victim].Key, mutated);
        bool compress = rng.Next(2) == 0;
        return (NpzImage(entries, compress), $"entry {entries[victim].Key}: {how}, rezipped {(compress ? "deflated" : "stored")}");
    }

    private static (byte[] Bytes, string How) Mutate(byte[] original, System.Random rng)
    {
        var b = new List<byte>(original);
        int kind = rng.Next(8);
        switch (kind)
        {
            case 0:
            {
                int flips = rng.Next(1, 5);
                for (int k = 0; k < flips; k++) { int i = rng.Next(b.Count); b[i] ^= (byte)(1 << rng.Next(8)); }
                return ([.. b], $"{flips} bit flips");
            }

            case 1:
            {
                byte[] interesting = [0, 0xff, 0x7f, 0x80, (byte)'(', (byte)')', (byte)',', (byte)'-', (byte)'9', (byte)' ', (byte)'\n', (byte)'\'', (byte)'{', (byte)'}'];
                int n = rng.Next(1, 9);
                for (int k = 0; k < n; k++)
                    b[rng.Next(b.Count)] = rng.Next(2) == 0 ? interesting[rng.Next(interesting.Length)] : (byte)rng.Next(256);
                return ([.. b], $"{n} byte overwrites");
            }

            case 2:
            {
                int length = rng.Next(b.Count);
                return ([.. b.Take(length)], $"truncated to {length}");
            }

            case 3:
            {
                int at = rng.Next(b.Count + 1), n = rng.Next(1, 17);
                var extra = new byte[n];
                rng.NextBytes(extra);
                b.InsertRange(at, extra);
                return ([.. b], $"{n} bytes inserted at {at}");
            }

            case 4:
            {
                int at = rng.Next(b.Count), n = Math.Min(rng.Next(1, 17), b.Count - at);
                b.RemoveRange(at, n);
                return ([.. b], $"{n} bytes deleted at {at}");
            }

            case 5:
                return EditHeaderNumber(original, rng);

            case 6:
                return EditHeaderToken(original, rng);

            default:
            {
                int width = rng.Next(2) == 0 ? 2 : 4;
                int at = Math.Min(8, Math.Max(0, b.Count - width));
                var value = new byte[width];
                rng.NextBytes(value);
                for (int k = 0; k < width && at + k < b.Count; k++) b[at + k] = value[k];
                return ([.. b], $"length field {Convert.ToHexString(value)}");
            }
        }
    }

    /// <summary>Replaces a number in a shape tuple with a hostile one; half the time the header length is corrected so the lie is read.</summary>
    private static (byte[], string) EditHeaderNumber(byte[] original, System.Random rng)
    {
        string text = Encoding.Latin1.GetString(original);
        var spans = new List<(int Start, int Length)>();
        for (int at = text.IndexOf("'shape': (", StringComparison.Ordinal); at >= 0; at = text.IndexOf("'shape': (", at + 1, StringComparison.Ordinal))
        {
            int end = text.IndexOf(')', at);
            for (int i = at + 10; end > 0 && i < end; i++)
            {
                if (!char.IsAsciiDigit(text[i])) continue;
                int j = i;
                while (j < end && char.IsAsciiDigit(text[j])) j++;
                spans.Add((i, j - i));
                i = j;
            }
        }

        if (spans.Count == 0) return Mutate(original, rng);
        var (start, length) = spans[rng.Next(spans.Count)];
        string number = HugeNumbers[rng.Next(HugeNumbers.Length)];
        return Splice(original, start, length, number, rng, $"shape number -> {number}");
    }

    private static (byte[], string) EditHeaderToken(byte[] original, System.Random rng)
    {
        string text = Encoding.Latin1.GetString(original);
        var candidates = TokenEdits.Where(t => text.Contains(t.From, StringComparison.Ordinal)).ToList();
        if (candidates.Count == 0) return Mutate(original, rng);
        var (from, to) = candidates[rng.Next(candidates.Count)];
        return Splice(original, text.IndexOf(from, StringComparison.Ordinal), from.Length, to, rng, $"'{from}' -> '{to}'");
    }

    private static (byte[], string) Splice(byte[] original, int start, int length, string replacement, System.Random rng, string how)
    {
        byte[] insert = Encoding.Latin1.GetBytes(replacement);
        var b = new List<byte>(original);
        b.RemoveRange(start, length);
        b.InsertRange(start, insert);
        int delta = insert.Length - length;
        bool fix = rng.Next(2) == 0 && b.Count > 12 && b[0] == 0x93;
        if (fix)
        {
            // Keep the header length field truthful so the parser sees the whole edited dict.
            if (b[6] == 1) { int h = b[8] | (b[9] << 8); h += delta; b[8] = (byte)h; b[9] = (byte)(h >> 8); }
            else
            {
                byte[] h = BitConverter.GetBytes(BitConverter.ToInt32([.. b.GetRange(8, 4)]) + delta);
                for (int k = 0; k < 4; k++) b[8 + k] = h[k];
            }
        }

        return ([.. b], how + (fix ? ", length fixed" : ""));
    }
}
