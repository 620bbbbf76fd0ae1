using MatrixSensing.IO;
using static MatrixSensing.Tests.IO.NpyTestSupport;

namespace MatrixSensing.Tests.IO;

public class NpyRoundTripTests
{
    internal static readonly long[][] Shapes =
    [
        [7], [3, 5], [4, 3, 2], [0], [0, 4], [3, 0, 2], [1, 6], [6, 1], [], [2, 1, 3], [1, 1, 1],
    ];

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (long[] shape in Shapes)
            foreach (bool fortran in new[] { false, true })
                foreach (bool useF4 in new[] { false, true })
                    yield return new TestCaseData(shape, fortran, useF4)
                        .SetArgDisplayNames(ShapeName(shape), fortran ? "F" : "C", useF4 ? "f4" : "f8");
    }

    [TestCaseSource(nameof(Cases))]
    public void Round_trip_keeps_shape_order_type_and_every_bit(long[] shape, bool fortran, bool useF4)
    {
        double[] rowMajor = RowMajorValues(Product(shape));
        double[] stored = fortran ? ColumnMajorOf(rowMajor, shape) : rowMajor;
        using var ms = new MemoryStream();
        if (useF4) Npy.Write<float>(ms, ToSingle(stored), shape, fortran);
        else Npy.Write<double>(ms, stored, shape, fortran);

        ms.Position = 0;
        NpyArray a = Npy.Read(ms);
        Assert.Multiple(() =>
        {
            Assert.That(a.Shape, Is.EqualTo(shape));
            Assert.That(a.Rank, Is.EqualTo(shape.Length));
            Assert.That(a.FortranOrder, Is.EqualTo(fortran));
            Assert.That(a.ElementType, Is.EqualTo(useF4 ? NpyElementType.Float32 : NpyElementType.Float64));
            Assert.That(a.Length, Is.EqualTo(rowMajor.Length));
            Assert.That(ms.Position, Is.EqualTo(ms.Length), "reader stops right after the data");
            if (useF4)
            {
                Assert.That(Bits(a.AsSpan<float>().ToArray()), Is.EqualTo(Bits(ToSingle(stored))));
                Assert.That(Bits(a.ToRowMajor<float>()), Is.EqualTo(Bits(ToSingle(rowMajor))));
                Assert.That(Bits(a.ToColumnMajor<float>()), Is.EqualTo(Bits(ToSingle(ColumnMajorOf(rowMajor, shape)))));
            }
            else
            {
                Assert.That(Bits(a.ToArray<double>()), Is.EqualTo(Bits(stored)));
                Assert.That(Bits(a.ToRowMajor<double>()), Is.EqualTo(Bits(rowMajor)));
                Assert.That(Bits(a.ToColumnMajor<double>()), Is.EqualTo(Bits(ColumnMajorOf(rowMajor, shape))));
            }
        });
    }

    [Test]
    public void Special_floating_values_survive_bit_for_bit()
    {
        double[] d = [double.NaN, BitConverter.Int64BitsToDouble(0x7ff0_0000_0000_1234), -0.0, 0.0, double.PositiveInfinity,
            double.NegativeInfinity, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, 2.2250738585072009e-308, 1.0 / 3];
        float[] f = [float.NaN, -0.0f, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, float.MaxValue, 1.17549421e-38f, 1f / 3];
        using var md = new MemoryStream();
        using var mf = new MemoryStream();
        Npy.Write<double>(md, d, [d.Length]);
        Npy.Write<float>(mf, f, [2, 4], fortranOrder: true);
        md.Position = mf.Position = 0;
        Assert.Multiple(() =>
        {
            Assert.That(Bits(Npy.Read(md).ToArray<double>()), Is.EqualTo(Bits(d)));
            Assert.That(Bits(Npy.Read(mf).ToArray<float>()), Is.EqualTo(Bits(f)));
        });
    }

    [Test]
    public void Header_is_padded_so_data_starts_on_a_64_byte_boundary()
    {
        foreach (long[] shape in Shapes.Append([123456789012, 0]).Append(Enumerable.Repeat(2L, 20).ToArray()))
        {
            foreach (bool fortran in new[] { false, true })
            {
                using var ms = new MemoryStream();
                long n = Product(shape);
                Npy.Write<double>(ms, new double[n], shape, fortran);
                byte[] bytes = ms.ToArray();
                int headerLength = BitConverter.ToUInt16(bytes, 8);
                int dataStart = 10 + headerLength;
                Assert.Multiple(() =>
                {
                    Assert.That(dataStart % 64, Is.Zero, ShapeName(shape));
                    Assert.That(bytes[dataStart - 1], Is.EqualTo((byte)'\n'));
                    Assert.That(bytes.Length, Is.EqualTo(dataStart + (n * 8)));
                    Assert.That(bytes[6..8], Is.EqualTo(new byte[] { 1, 0 }), "version 1.0");
                });
            }
        }
    }

    [Test]
    public void Version_2_header_round_trips()
    {
        double[] v = RowMajorValues(12);
        using var ms = new MemoryStream();
        Npy.WriteData<double>(ms, v, [3, 4], fortranOrder: true, version: 2);
        byte[] bytes = ms.ToArray();
        ms.Position = 0;
        NpyArray a = Npy.Read(ms);
        Assert.Multiple(() =>
        {
            Assert.That(bytes[6], Is.EqualTo(2));
            Assert.That((12 + BitConverter.ToInt32(bytes, 8)) % 64, Is.Zero);
            Assert.That(a.Shape, Is.EqualTo(new long[] { 3, 4 }));
            Assert.That(a.FortranOrder, Is.True);
            Assert.That(Bits(a.ToArray<double>()), Is.EqualTo(Bits(v)));
        });
    }

    [Test]
    public void Integer_and_bool_arrays_round_trip()
    {
        int[] i32 = [0, -1, int.MaxValue, int.MinValue, 42, 7];
        long[] i64 = [long.MinValue, -5, 0, 5, long.MaxValue, 1L << 40];
        bool[] b = [true, false, false, true];
        byte[] u8 = [0, 1, 254, 255];
        Half[] f2 = [(Half)1.5, Half.NegativeInfinity, (Half)(-0.25), Half.MaxValue];
        using var ms = new MemoryStream();
        Npy.Write<int>(ms, i32, [2, 3]);
        Npy.Write<long>(ms, i64, [3, 2], fortranOrder: true);
        Npy.Write<bool>(ms, b, [4]);
        Npy.Write<byte>(ms, u8, [4]);
        Npy.Write<Half>(ms, f2, [2, 2]);
        ms.Position = 0;
        NpyArray a = Npy.Read(ms), l = Npy.Read(ms), t = Npy.Read(ms), u = Npy.Read(ms), h = Npy.Read(ms);
        Assert.Multiple(() =>
        {
            Assert.That(a.ElementType, Is.EqualTo(NpyElementType.Int32));
            Assert.That(a.AsSpan<int>().ToArray(), Is.EqualTo(i32));
            Assert.That(a.ToArray<double>(), Is.EqualTo(i32.Select(x => (double)x).ToArray()));
            Assert.That(l.ElementType, Is.EqualTo(NpyElementType.Int64));
            Assert.That(l.ToArray<long>(), Is.EqualTo(i64));
            Assert.That(l.ToRowMajor<long>(), Is.EqualTo(ColumnMajorOf(i64, [2, 3])), "F-stored (3,2) read row-major is the transpose order");
            Assert.That(t.ElementType, Is.EqualTo(NpyElementType.Bool));
            Assert.That(t.AsSpan<bool>().ToArray(), Is.EqualTo(b));
            Assert.That(t.ToArray<double>(), Is.EqualTo(new double[] { 1, 0, 0, 1 }));
            Assert.That(u.ToArray<int>(), Is.EqualTo(new[] { 0, 1, 254, 255 }));
            Assert.That(h.ElementType, Is.EqualTo(NpyElementType.Float16));
            Assert.That(h.ToArray<float>(), Is.EqualTo(f2.Select(x => (float)x).ToArray()));
        });
    }

    [Test]
    public void Several_arrays_in_one_stream_read_in_sequence()
    {
        using var ms = new MemoryStream();
        for (int k = 1; k <= 3; k++) Npy.Write<double>(ms, RowMajorValues(k * 5), [k, 5]);
        ms.Position = 0;
        for (int k = 1; k <= 3; k++)
            Assert.That(Npy.Read(ms).ToArray<double>(), Is.EqualTo(RowMajorValues(k * 5)));
    }

    [Test]
    public void Non_seekable_stream_reads_the_same_values()
    {
        double[] v = RowMajorValues(4 * 3 * 2);
        using var ms = new MemoryStream();
        Npy.Write<double>(ms, v, [4, 3, 2], fortranOrder: true);
        using var pipe = new NonSeekableStream(new MemoryStream(ms.ToArray()));
        NpyArray a = Npy.Read(pipe);
        Assert.That(Bits(a.ToArray<double>()), Is.EqualTo(Bits(v)));
    }

    [Test]
    public void Path_overloads_round_trip_and_write_the_same_bytes_as_the_stream_overloads()
    {
        using var dir = new TempDirectory();
        double[] v = RowMajorValues(15);
        string p = dir.File("m.npy");
        Npy.Write<double>(p, v, [3, 5], fortranOrder: true);
        NpyArray a = Npy.Read(p);
        string q = dir.File("copy.npy");
        Npy.Write(q, a);
        using var ms = new MemoryStream();
        Npy.Write<double>(ms, v, [3, 5], fortranOrder: true);
        Assert.Multiple(() =>
        {
            Assert.That(Bits(a.ToArray<double>()), Is.EqualTo(Bits(v)));
            Assert.That(File.ReadAllBytes(p), Is.EqualTo(ms.ToArray()));
            Assert.That(File.ReadAllBytes(q), Is.EqualTo(ms.ToArray()));
        });
    }

    [Test]
    public void Writing_rejects_a_shape_that_does_not_match_the_data()
    {
        using var ms = new MemoryStream();
        double[] v = new double[6];
        Assert.Multiple(() =>
        {
            Assert.That(() => Npy.Write<double>(ms, v, [4, 2]), Throws.ArgumentException.With.Message.Contains("(4, 2)"));
            Assert.That(() => Npy.Write<double>(ms, v, [-2, -3]), Throws.ArgumentException.With.Message.Contains("negative"));
            Assert.That(() => Npy.Write<double>(ms, v, [long.MaxValue, 4]), Throws.ArgumentException);
            Assert.That(() => Npy.Write<double>(ms, v, Enumerable.Repeat(1L, 65).ToArray()), Throws.ArgumentException.With.Message.Contains("64"));
            Assert.That(() => Npy.Write<decimal>(ms, new decimal[6], [6]), Throws.TypeOf<NotSupportedException>());
            Assert.That(ms.Length, Is.Zero, "nothing is written when the arguments are wrong");
        });
    }
}
