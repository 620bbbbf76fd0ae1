using System.Numerics;
using MatrixSensing.LinearAlgebra;
using RefMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;

namespace MatrixSensing.Tests.LinearAlgebra;

[TestFixture(typeof(float))]
[TestFixture(typeof(double))]
public class MatrixTests<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static T V(double value) => T.CreateTruncating(value);

    private static Matrix<T> From(RefMatrix m) => new(m.RowCount, m.ColumnCount, Dense.Pack<T>(m, Math.Max(1, m.RowCount)));

    [Test]
    public void Indexer_reads_and_writes_column_major_storage()
    {
        var m = new Matrix<T>(2, 3);
        m[1, 2] = V(7);
        m[0, 1] = V(-2);
        Assert.Multiple(() =>
        {
            Assert.That(m.Data[1 + 2 * 2], Is.EqualTo(V(7)));
            Assert.That(m.Data[0 + 1 * 2], Is.EqualTo(V(-2)));
            Assert.That(m[1, 2], Is.EqualTo(V(7)));
            Assert.That(m.Span.Length, Is.EqualTo(6));
            Assert.That(m.Data.Count(x => x != T.Zero), Is.EqualTo(2));
        });
    }

    [Test]
    public void FromArray_reads_a_row_major_literal()
    {
        var m = Matrix.FromArray(new[,] { { V(1), V(2), V(3) }, { V(4), V(5), V(6) } });
        Assert.Multiple(() =>
        {
            Assert.That(m.Rows, Is.EqualTo(2));
            Assert.That(m.Columns, Is.EqualTo(3));
            Assert.That(m.Data, Is.EqualTo(new[] { V(1), V(4), V(2), V(5), V(3), V(6) }), "column-major");
            Assert.That(m[1, 0], Is.EqualTo(V(4)));
        });
    }

    [TestCase(5, 5, 5)]
    [TestCase(9, 3, 4)]
    [TestCase(3, 4, 9)]
    [TestCase(1, 6, 1)]
    [TestCase(6, 1, 6)]
    [TestCase(1, 5, 7)]
    public void Multiply_matches_MathNet(int m, int k, int n)
    {
        var a = Dense.Random<T>(m, k, 101);
        var b = Dense.Random<T>(k, n, 102);
        var c = From(a).Multiply(From(b));
        Assert.That((c.Rows, c.Columns), Is.EqualTo((m, n)));
        Dense.AssertClose(Dense.Unpack<T>(c.Data, m, n, m), a * b, Dense.BlasTolerance<T>() * k);
    }

    [Test]
    public void Multiply_with_empty_inner_dimension_gives_zeros()
    {
        var c = new Matrix<T>(3, 0).Multiply(new Matrix<T>(0, 2));
        Assert.That((c.Rows, c.Columns), Is.EqualTo((3, 2)));
        Assert.That(c.Data, Is.All.EqualTo(T.Zero));
    }

    [Test]
    public void Multiply_rejects_mismatched_shapes_naming_other()
    {
        Dense.AssertRejects(() => new Matrix<T>(2, 3).Multiply(new Matrix<T>(2, 3)), typeof(ArgumentException), "other");
        Dense.AssertRejects(() => new Matrix<T>(2, 3).Multiply(null!), typeof(ArgumentNullException), "other");
    }

    [TestCase(-1, 0, "i")]
    [TestCase(2, 0, "i")]
    [TestCase(0, -1, "j")]
    [TestCase(0, 3, "j")]
    public void Indexer_rejects_out_of_range_indices(int i, int j, string parameter)
    {
        var m = new Matrix<T>(2, 3);
        Dense.AssertRejects(() => _ = m[i, j], typeof(ArgumentOutOfRangeException), parameter);
        Dense.AssertRejects(() => m[i, j] = T.One, typeof(ArgumentOutOfRangeException), parameter);
    }

    [Test]
    public void Constructors_reject_bad_shapes_and_storage()
    {
        Dense.AssertRejects(() => _ = new Matrix<T>(-1, 2), typeof(ArgumentOutOfRangeException), "rows");
        Dense.AssertRejects(() => _ = new Matrix<T>(2, -1), typeof(ArgumentOutOfRangeException), "columns");
        Dense.AssertRejects(() => _ = new Matrix<T>(2, 3, new T[5]), typeof(ArgumentException), "columnMajor");
        Dense.AssertRejects(() => _ = new Matrix<T>(2, 3, null!), typeof(ArgumentNullException), "columnMajor");
        Dense.AssertRejects(() => _ = Matrix.FromArray<T>(null!), typeof(ArgumentNullException), "values");
    }

    [Test]
    public void Column_is_a_live_view_and_checks_its_index()
    {
        var m = new Matrix<T>(3, 2);
        m.Column(1)[2] = V(9);
        Assert.That(m[2, 1], Is.EqualTo(V(9)));
        Dense.AssertRejects(() => m.Column(2), typeof(ArgumentOutOfRangeException), "j");
        Dense.AssertRejects(() => m.Column(-1), typeof(ArgumentOutOfRangeException), "j");
    }

    [Test]
    public void Clone_Transposed_and_FrobeniusNorm_agree_with_MathNet()
    {
        var reference = Dense.Random<T>(4, 3, 103);
        var m = From(reference);
        var clone = m.Clone();
        clone[0, 0] = V(100);
        Assert.Multiple(() =>
        {
            Assert.That(m[0, 0], Is.EqualTo(V(reference[0, 0])), "Clone is deep");
            Dense.AssertClose(Dense.Unpack<T>(m.Transposed().Data, 3, 4, 3), reference.Transpose(), 0, "Transposed");
            Assert.That(double.CreateTruncating(m.FrobeniusNorm()), Is.EqualTo(reference.FrobeniusNorm()).Within(Dense.BlasTolerance<T>() * 10));
            Assert.That(m.ToString(), Does.StartWith("4×3 matrix"));
        });
    }
}
