using System.IO.Compression;
using MatrixSensing.IO;
using static MatrixSensing.Tests.IO.NpyTestSupport;

namespace MatrixSensing.Tests.IO;

public class NpzTests
{
    /// <summary>A problem bundle as SPEC §8 describes it: A (m×n1×n2), y, M_star, U0, V0.</summary>
    internal static Dictionary<string, NpyArray> Bundle(int m = 6, int n1 = 3, int n2 = 4, int h = 2)
    {
        double[] a = RowMajorValues((long)m * n1 * n2);
        return new Dictionary<string, NpyArray>
        {
            ["A"] = NpyArray.Create<float>(ToSingle(a), [m, n1, n2]),
            ["y"] = NpyArray.Create<double>(RowMajorValues(m), [m]),
            ["M_star"] = NpyArray.Create<double>(ColumnMajorOf(RowMajorValues(n1 * n2), [n1, n2]), [n1, n2], fortranOrder: true),
            ["U0"] = NpyArray.Create<double>(RowMajorValues(n1 * h), [n1, h], fortranOrder: true),
            ["V0"] = NpyArray.Create<double>(RowMajorValues(n2 * h), [n2, h]),
            ["omega"] = NpyArray.Create<long>([0, 5, 7], [3]),
        };
    }

    private static byte[] Zip(bool compress, params (string Name, byte[] Bytes)[] entries)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using Stream s = zip.CreateEntry(name, compress ? CompressionLevel.Optimal : CompressionLevel.NoCompression).Open();
                s.Write(bytes);
            }
        }

        return ms.ToArray();
    }

    private static byte[] NpyBytes(NpyArray a)
    {
        using var ms = new MemoryStream();
        Npy.Write(ms, a);
        return ms.ToArray();
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Round_trip_keeps_names_order_types_and_values(bool compress)
    {
        var bundle = Bundle();
        using var ms = new MemoryStream();
        Npz.Write(ms, bundle, compress);
        ms.Position = 0;
        var read = Npz.Read(ms);
        Assert.Multiple(() =>
        {
            Assert.That(read.Keys, Is.EqualTo(bundle.Keys));
            foreach (var (name, a) in bundle)
            {
                NpyArray b = read[name];
                Assert.That(b.Shape, Is.EqualTo(a.Shape), name);
                Assert.That(b.ElementType, Is.EqualTo(a.ElementType), name);
                Assert.That(b.FortranOrder, Is.EqualTo(a.FortranOrder), name);
                Assert.That(NpyBytes(b), Is.EqualTo(NpyBytes(a)), name);
            }
        });
    }

    [Test]
    public void Compression_is_used_only_when_asked_and_output_is_deterministic()
    {
        // A constant array compresses enormously; stored it keeps its size.
        var big = new Dictionary<string, NpyArray> { ["z"] = NpyArray.Create<double>(new double[20000], [100, 200]) };
        using var stored = new MemoryStream();
        using var packed = new MemoryStream();
        using var again = new MemoryStream();
        Npz.Write(stored, big, compress: false);
        Npz.Write(packed, big, compress: true);
        Npz.Write(again, big, compress: true);
        using var zs = new ZipArchive(new MemoryStream(stored.ToArray()));
        using var zp = new ZipArchive(new MemoryStream(packed.ToArray()));
        Assert.Multiple(() =>
        {
            Assert.That(zs.Entries.Single().FullName, Is.EqualTo("z.npy"));
            Assert.That(zs.Entries.Single().CompressedLength, Is.EqualTo(zs.Entries.Single().Length));
            Assert.That(zp.Entries.Single().CompressedLength, Is.LessThan(zp.Entries.Single().Length / 20));
            Assert.That(again.ToArray(), Is.EqualTo(packed.ToArray()));
        });
    }

    [Test]
    public void Path_overloads_round_trip()
    {
        using var dir = new TempDirectory();
        string path = dir.File("bundle.npz");
        Npz.Write(path, Bundle(), compress: true);
        var read = Npz.Read(path);
        Assert.Multiple(() =>
        {
            Assert.That(read["A"].ToMeasurementRows<double>(), Is.EqualTo(MeasurementRowsOf(ToSingle(RowMajorValues(72)).Select(x => (double)x).ToArray(), [6, 3, 4])));
            Assert.That(read["M_star"].ToColumnMajor<double>(), Is.EqualTo(ColumnMajorOf(RowMajorValues(12), [3, 4])));
            Assert.That(read["omega"].ToArray<int>(), Is.EqualTo(new[] { 0, 5, 7 }));
        });
    }

    [Test]
    public void Non_seekable_archive_reads_the_same()
    {
        using var ms = new MemoryStream();
        Npz.Write(ms, Bundle(), compress: true);
        var read = Npz.Read(new NonSeekableStream(new MemoryStream(ms.ToArray())));
        Assert.That(read["y"].ToArray<double>(), Is.EqualTo(RowMajorValues(6)));
    }

    [Test]
    public void Directories_and_other_files_are_skipped()
    {
        byte[] zip = Zip(false, ("notes.txt", "hello"u8.ToArray()), ("sub/", []), ("sub/x.npy", NpyBytes(NpyArray.Create<double>([1.0], [1]))));
        var read = Npz.Read(new MemoryStream(zip));
        Assert.That(read.Keys, Is.EqualTo(new[] { "sub/x" }));
    }

    [Test]
    public void Empty_archive_gives_no_arrays() =>
        Assert.That(Npz.Read(new MemoryStream(Zip(true))), Is.Empty);

    [Test]
    public void Writing_rejects_bad_names()
    {
        NpyArray a = NpyArray.Create<double>([1.0], [1]);
        using var ms = new MemoryStream();
        Assert.Multiple(() =>
        {
            Assert.That(() => Npz.Write(ms, [new("", a)]), Throws.ArgumentException);
            Assert.That(() => Npz.Write(ms, [new("a", a), new("a", a)]), Throws.ArgumentException.With.Message.Contains("twice"));
            Assert.That(() => Npz.Write(ms, [new("a", null!)]), Throws.ArgumentException);
            Assert.That(ms.Length, Is.Zero);
        });
    }

    // ---- bad archives: all NpyFormatException, naming archive and entry ----

    private static NpyFormatException Fails(byte[] image, NpyReadOptions? options = null) =>
        Assert.Throws<NpyFormatException>(() => Npz.Read(new MemoryStream(image), options))!;

    [Test]
    public void Not_a_zip_archive()
    {
        byte[] npy = NpyBytes(NpyArray.Create<double>([1.0], [1]));
        Assert.That(Fails(npy).Message, Does.StartWith("<stream>: damaged or unsupported zip data"));
    }

    [Test]
    public void Truncated_archive()
    {
        using var ms = new MemoryStream();
        Npz.Write(ms, Bundle(), compress: true);
        byte[] image = ms.ToArray();
        foreach (int cut in new[] { 0, 10, image.Length / 2, image.Length - 30 })
            Assert.That(Fails(image[..cut]).Message, Does.StartWith("<stream>"), $"cut at {cut}");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Damaged_entry_is_named(bool compress)
    {
        byte[] good = NpyBytes(NpyArray.Create<double>([1.0, 2.0], [2]));
        byte[] bad = NpyBadFileTests.Image(NpyBadFileTests.Dict("'<f8'", "(5,)"), new byte[16]);
        var e = Fails(Zip(compress, ("good.npy", good), ("A.npy", bad)));
        Assert.Multiple(() =>
        {
            Assert.That(e.Message, Does.StartWith("<stream>[A.npy]: ").And.Contain("only 16 bytes follow the header"));
            Assert.That(e.Location, Is.EqualTo("<stream>[A.npy]"));
        });
    }

    [Test]
    public void Damaged_entry_in_a_file_names_path_and_entry()
    {
        using var dir = new TempDirectory();
        string path = dir.File("broken.npz");
        File.WriteAllBytes(path, Zip(true, ("X.npy", NpyBadFileTests.Image(NpyBadFileTests.Dict("'|O'", "(1,)"), new byte[8]))));
        Assert.That(() => Npz.Read(path), Throws.TypeOf<NpyFormatException>().With.Message.StartsWith(path + "[X.npy]: ").And.Message.Contains("Python objects"));
    }

    [Test]
    public void Duplicate_entries_are_refused()
    {
        byte[] npy = NpyBytes(NpyArray.Create<double>([1.0], [1]));
        Assert.That(Fails(Zip(false, ("a.npy", npy), ("a.npy", npy))).Message, Does.Contain("[a.npy]").And.Contain("twice"));
    }

    [Test]
    public void Size_limit_applies_to_the_sum_of_entries()
    {
        byte[] npy = NpyBytes(NpyArray.Create<double>(new double[10], [10]));
        byte[] zip = Zip(true, ("a.npy", npy), ("b.npy", npy));
        string message = Fails(zip, new NpyReadOptions { MaxBytes = 150 }).Message;
        Assert.Multiple(() =>
        {
            Assert.That(message, Does.StartWith("<stream>[b.npy]: ").And.Contain("needs 80 bytes").And.Contain("only 70 of the NpyReadOptions.MaxBytes limit of 150 remain"));
            Assert.That(Npz.Read(new MemoryStream(zip), new NpyReadOptions { MaxBytes = 160 }), Has.Count.EqualTo(2));
        });
    }

    [Test]
    public void Entry_longer_than_declared_in_the_directory_is_refused()
    {
        // The npy header declares 10^7 doubles; the entry has 8 bytes of data. Patch the zip's uncompressed sizes to
        // claim 80 MB so only the chunked read can notice; the read must fail without allocating what is claimed.
        byte[] npy = NpyBadFileTests.Image(NpyBadFileTests.Dict("'<f8'", "(10000000,)"), new byte[8]);
        byte[] zip = Zip(true, ("A.npy", npy));
        PatchUncompressedSize(zip, 80_000_128);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Fails(zip);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Multiple(() =>
        {
            Assert.That(e.Message, Does.StartWith("<stream>[A.npy]: "));
            Assert.That(allocated, Is.LessThan(40L << 20), e.Message);
        });
    }

    /// <summary>Rewrites the uncompressed size in every local and central header of a small (non-zip64) archive.</summary>
    internal static void PatchUncompressedSize(byte[] zip, uint size)
    {
        for (int k = 0; k + 4 <= zip.Length; k++)
        {
            uint sig = BitConverter.ToUInt32(zip, k);
            if (sig == 0x04034b50) BitConverter.GetBytes(size).CopyTo(zip, k + 22);
            else if (sig == 0x02014b50) BitConverter.GetBytes(size).CopyTo(zip, k + 24);
        }
    }
}
