using MatrixSensing.IO;
using static MatrixSensing.Tests.IO.NpyTestSupport;

namespace MatrixSensing.Tests.IO;

public class NpyArrayTests
{
    private static IEnumerable<TestCaseData> LayoutCases()
    {
        long[][] shapes = [[5, 3, 4], [1, 3, 4], [5, 1, 4], [5, 3, 1], [7, 12], [37, 41, 3], [2, 70, 33], [300, 2]];
        foreach (long[] shape in shapes)
            foreach (bool fortran in new[] { false, true })
                yield return new TestCaseData(shape, fortran).SetArgDisplayNames(ShapeName(shape), fortran ? "F" : "C");
    }

    [TestCaseSource(nameof(LayoutCases))]
    public void Every_layout_matches_the_index_oracle(long[] shape, bool fortran)
    {
        double[] rowMajor = RowMajorValues(Product(shape));
        double[] columnMajor = ColumnMajorOf(rowMajor, shape);
        NpyArray a = NpyArray.Create<double>(fortran ? columnMajor : rowMajor, shape, fortran);
        var rows = new float[a.Length + 3];
        a.CopyToMeasurementRows<float>(rows);
        Assert.Multiple(() =>
        {
            Assert.That(a.ToRowMajor<double>(), Is.EqualTo(rowMajor));
            Assert.That(a.ToColumnMajor<double>(), Is.EqualTo(columnMajor));
            Assert.That(a.ToMeasurementRows<double>(), Is.EqualTo(MeasurementRowsOf(rowMajor, shape)));
            Assert.That(rows[..a.Length], Is.EqualTo(ToSingle(MeasurementRowsOf(rowMajor, shape))));
            Assert.That(rows[a.Length..], Is.All.Zero, "nothing written past Length");
        });
    }

    [Test]
    public void Measurement_row_i_is_the_column_major_vec_of_A_i()
    {
        // A[i, r, c] = 100 i + 10 r + c, so each value names its own index.
        const int m = 3, n1 = 2, n2 = 4;
        var c = new double[m * n1 * n2];
        for (int i = 0; i < m; i++)
            for (int r = 0; r < n1; r++)
                for (int col = 0; col < n2; col++)
                    c[(i * n1 + r) * n2 + col] = (100 * i) + (10 * r) + col;
        double[] rows = NpyArray.Create<double>(c, [m, n1, n2]).ToMeasurementRows<double>();
        Assert.Multiple(() =>
        {
            Assert.That(rows[..8], Is.EqualTo(new double[] { 0, 10, 1, 11, 2, 12, 3, 13 }), "vec(A_0), column-major");
            Assert.That(rows[8..16], Is.EqualTo(new double[] { 100, 110, 101, 111, 102, 112, 103, 113 }), "vec(A_1)");
            Assert.That(rows[16 + 1 + (3 * n1)], Is.EqualTo(213), "A[2, 1, 3] at 2·n1n2 + 1 + 3·n1");
        });
    }

    [Test]
    public void Matrix_in_library_storage_is_column_major_of_the_numpy_shape()
    {
        // The library's n1×n2 matrix stores (i, j) at i + j·n1: ToColumnMajor of shape (n1, n2).
        double[] rowMajor = RowMajorValues(6);
        double[] lib = NpyArray.Create<double>(rowMajor, [2, 3]).ToColumnMajor<double>();
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                Assert.That(lib[i + (j * 2)], Is.EqualTo(rowMajor[(i * 3) + j]));
    }

    [Test]
    public void Measurement_rows_need_two_or_three_axes()
    {
        NpyArray v = NpyArray.Create<double>(new double[4], [4]);
        NpyArray t = NpyArray.Create<double>(new double[16], [2, 2, 2, 2]);
        Assert.Multiple(() =>
        {
            Assert.That(() => v.ToMeasurementRows<double>(), Throws.InvalidOperationException.With.Message.Contains("(4,)"));
            Assert.That(() => t.CopyToMeasurementRows<double>(new double[16]), Throws.InvalidOperationException);
        });
    }

    [Test]
    public void Conversions_follow_create_checked()
    {
        NpyArray d = NpyArray.Create<double>([1.5, -2.75, 1e300, double.NaN], [4]);
        NpyArray big = NpyArray.Create<long>([1L << 40], [1]);
        NpyArray ok = NpyArray.Create<long>([-7, 1 << 30], [2]);
        Assert.Multiple(() =>
        {
            Assert.That(d.ToArray<float>(), Is.EqualTo(new[] { 1.5f, -2.75f, float.PositiveInfinity, float.NaN }));
            Assert.That(() => d.ToArray<int>(), Throws.TypeOf<OverflowException>());
            Assert.That(() => big.ToArray<int>(), Throws.TypeOf<OverflowException>());
            Assert.That(ok.ToArray<int>(), Is.EqualTo(new[] { -7, 1 << 30 }));
            Assert.That(NpyArray.Create<double>([2.9, -2.9], [2]).ToArray<int>(), Is.EqualTo(new[] { 2, -2 }), "fractions truncate");
        });
    }

    [Test]
    public void Typed_access_checks_type_and_destination()
    {
        NpyArray a = NpyArray.Create<float>([1f, 2f, 3f], [3]);
        Assert.Multiple(() =>
        {
            Assert.That(a.AsSpan<float>().ToArray(), Is.EqualTo(new[] { 1f, 2f, 3f }));
            Assert.That(() => a.AsSpan<double>().Length, Throws.InvalidOperationException.With.Message.Contains("float32"));
            Assert.That(() => a.CopyTo<double>(new double[2]), Throws.ArgumentException.With.Message.Contains("3"));
            Assert.That(() => a.CopyToColumnMajor<double>(new double[2]), Throws.ArgumentException);
        });
    }

    [Test]
    public void Create_copies_and_validates()
    {
        double[] source = [1, 2, 3, 4];
        NpyArray a = NpyArray.Create<double>(source, [2, 2], fortranOrder: true);
        source[0] = 99;
        Assert.Multiple(() =>
        {
            Assert.That(a.ToArray<double>()[0], Is.EqualTo(1), "the array owns a copy");
            Assert.That(a.ByteCount, Is.EqualTo(32));
            Assert.That(a.ItemSize, Is.EqualTo(8));
            Assert.That(a.ToString(), Is.EqualTo("float64 (2, 2), Fortran order"));
            Assert.That(NpyArray.Create<double>([5.0], []).ToString(), Is.EqualTo("float64 (), C order"));
            Assert.That(() => NpyArray.Create<double>(source, [3]), Throws.ArgumentException);
            Assert.That(() => NpyArray.Create<char>(['x'], [1]), Throws.TypeOf<NotSupportedException>());
        });
    }

    [Test]
    public void Empty_arrays_copy_nothing_even_with_huge_other_extents()
    {
        NpyArray a = NpyArray.Create<double>([], [0, 999_999_999_999]);
        Assert.Multiple(() =>
        {
            Assert.That(a.Length, Is.Zero);
            Assert.That(a.ToColumnMajor<double>(), Is.Empty);
            Assert.That(a.ToMeasurementRows<float>(), Is.Empty);
        });
    }
}
