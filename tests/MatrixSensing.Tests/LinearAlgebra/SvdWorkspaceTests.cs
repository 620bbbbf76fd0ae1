using System.Numerics;
using MatrixSensing.LinearAlgebra;
using RefMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;
using RefVector = MathNet.Numerics.LinearAlgebra.Vector<double>;

namespace MatrixSensing.Tests.LinearAlgebra;

[TestFixture(typeof(float))]
[TestFixture(typeof(double))]
public class SvdWorkspaceTests<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static double Tolerance => Dense.LapackTolerance<T>();

    private sealed record Result(RefVector S, RefMatrix U, RefMatrix Vt);

    private static Result Decompose(SvdWorkspace<T> svd, RefMatrix a, int pad)
    {
        int m = a.RowCount, n = a.ColumnCount, r = Math.Min(m, n);
        int lda = m + pad, ldu = m + pad, ldvt = r + pad;
        T[] aBuf = Dense.Pack<T>(a, lda), before = (T[])aBuf.Clone();
        T[] s = new T[r], u = Dense.Output<T>(m, r, ldu), vt = Dense.Output<T>(r, n, ldvt);

        svd.Decompose(aBuf, lda, s, u, ldu, vt, ldvt);

        Assert.That(aBuf, Is.EqualTo(before).Using<T>((x, y) => x == y || (T.IsNaN(x) && T.IsNaN(y))), "the input must be left unchanged");
        Dense.AssertPaddingIs<T>(u, m, r, ldu);
        Dense.AssertPaddingIs<T>(vt, r, n, ldvt);
        return new Result(Dense.Unpack<T>(s), Dense.Unpack<T>(u, m, r, ldu), Dense.Unpack<T>(vt, r, n, ldvt));
    }

    [TestCaseSource(typeof(SvdCases), nameof(SvdCases.Values))]
    public void Decompose_reconstructs_and_matches_MathNet(int m, int n, SvdAlgorithm algorithm, int pad)
    {
        var a = Dense.Random<T>(m, n, 61);
        var svd = new SvdWorkspace<T>(m, n, algorithm);
        var (s, u, vt) = Decompose(svd, a, pad);

        double scale = a.L2Norm();
        Dense.AssertClose(s, a.Svd(computeVectors: false).S, Tolerance * scale, "singular values vs MathNet");
        for (int i = 1; i < s.Count; i++) Assert.That(s[i], Is.LessThanOrEqualTo(s[i - 1]), "descending");
        Assert.That(s.Minimum(), Is.GreaterThanOrEqualTo(0));
        Dense.AssertOrthonormalColumns(u, Tolerance, "UᵀU = I");
        Dense.AssertOrthonormalColumns(vt.Transpose(), Tolerance, "Vᵀ·V = I");
        Dense.AssertClose(u * RefMatrix.Build.DiagonalOfDiagonalVector(s) * vt, a, Tolerance * scale, "U·diag(s)·Vᵀ = A");
    }

    [TestCaseSource(typeof(SvdCases), nameof(SvdCases.Values))]
    public void SingularValues_match_MathNet(int m, int n, SvdAlgorithm algorithm, int pad)
    {
        var a = Dense.Random<T>(m, n, 62);
        var svd = new SvdWorkspace<T>(m, n, algorithm);
        int lda = m + pad;
        T[] s = new T[Math.Min(m, n)];
        svd.SingularValues(Dense.Pack<T>(a, lda), lda, s);
        Dense.AssertClose(Dense.Unpack<T>(s), a.Svd(computeVectors: false).S, Tolerance * a.L2Norm(), "singular values");
    }

    [TestCase(SvdAlgorithm.DivideAndConquer)]
    [TestCase(SvdAlgorithm.QrIteration)]
    public void Rank_deficient_matrix_has_zero_trailing_singular_values(SvdAlgorithm algorithm)
    {
        var a = Dense.RoundTo<T>(Dense.Random<T>(8, 2, 63) * Dense.Random<T>(2, 5, 64)); // rank 2
        var (s, u, vt) = Decompose(new SvdWorkspace<T>(8, 5, algorithm), a, 0);
        Assert.That(s[1], Is.GreaterThan(0.1));
        Assert.That(s[2], Is.LessThan(Tolerance * s[0]));
        Dense.AssertClose(u * RefMatrix.Build.DiagonalOfDiagonalVector(s) * vt, a, Tolerance * s[0], "reconstruction");
    }

    [Test]
    public void One_workspace_decomposes_many_matrices_and_TryDecompose_reports_success()
    {
        var svd = new SvdWorkspace<T>(7, 3);
        for (int seed = 70; seed < 73; seed++)
        {
            var a = Dense.Random<T>(7, 3, seed);
            T[] s = new T[3], u = new T[21], vt = new T[9];
            Assert.That(svd.TryDecompose(Dense.Pack<T>(a, 7), 7, s, u, 7, vt, 3, out int info), Is.True);
            Assert.That(info, Is.Zero);
            Dense.AssertClose(Dense.Unpack<T>(s), a.Svd(computeVectors: false).S, Tolerance * a.L2Norm(), $"seed {seed}");
        }
        Assert.Multiple(() =>
        {
            Assert.That(svd.Rows, Is.EqualTo(7));
            Assert.That(svd.Columns, Is.EqualTo(3));
            Assert.That(svd.Rank, Is.EqualTo(3));
            Assert.That(svd.Algorithm, Is.EqualTo(SvdAlgorithm.DivideAndConquer));
        });
    }

    [TestCase(SvdAlgorithm.DivideAndConquer, double.NaN)]
    [TestCase(SvdAlgorithm.QrIteration, double.NaN)]
    [TestCase(SvdAlgorithm.DivideAndConquer, double.PositiveInfinity)]
    [TestCase(SvdAlgorithm.QrIteration, double.NegativeInfinity)]
    public void Non_finite_input_is_rejected_by_every_entry_point(SvdAlgorithm algorithm, double bad)
    {
        var svd = new SvdWorkspace<T>(4, 3, algorithm);
        T[] a = Dense.Pack<T>(Dense.Random<T>(4, 3, 65), 4);
        a[5] = T.CreateTruncating(bad);
        T[] s = new T[3], u = new T[12], vt = new T[9];
        Assert.Multiple(() =>
        {
            Dense.AssertRejects(() => svd.Decompose(a, 4, s, u, 4, vt, 3), typeof(ArgumentException), "a");
            Dense.AssertRejects(() => svd.TryDecompose(a, 4, s, u, 4, vt, 3, out _), typeof(ArgumentException), "a");
            Dense.AssertRejects(() => svd.SingularValues(a, 4, s), typeof(ArgumentException), "a");
        });
    }

    [Test]
    public void NaN_in_the_leading_dimension_padding_is_ignored()
    {
        var a = Dense.Random<T>(4, 3, 66);
        T[] s = new T[3];
        new SvdWorkspace<T>(4, 3).SingularValues(Dense.Pack<T>(a, 6, double.NaN), 6, s);
        Dense.AssertClose(Dense.Unpack<T>(s), a.Svd(computeVectors: false).S, Tolerance * a.L2Norm());
    }

    [TestCase(0, 3, "rows")]
    [TestCase(3, 0, "columns")]
    [TestCase(-2, 3, "rows")]
    public void Constructor_rejects_empty_shapes(int rows, int columns, string parameter) =>
        Dense.AssertRejects(() => _ = new SvdWorkspace<T>(rows, columns), typeof(ArgumentOutOfRangeException), parameter);

    [TestCase("lda below rows", typeof(ArgumentOutOfRangeException), "lda")]
    [TestCase("a too short", typeof(ArgumentException), "a")]
    [TestCase("s too short", typeof(ArgumentException), "s")]
    [TestCase("u too short", typeof(ArgumentException), "u")]
    [TestCase("ldu below rows", typeof(ArgumentOutOfRangeException), "ldu")]
    [TestCase("vt too short", typeof(ArgumentException), "vt")]
    [TestCase("ldvt below rank", typeof(ArgumentOutOfRangeException), "ldvt")]
    [TestCase("u overlaps vt", typeof(ArgumentException), "u")]
    [TestCase("s overlaps u", typeof(ArgumentException), "s")]
    [TestCase("s overlaps vt", typeof(ArgumentException), "s")]
    [TestCase("values: lda below rows", typeof(ArgumentOutOfRangeException), "lda")]
    [TestCase("values: s too short", typeof(ArgumentException), "s")]
    public void Decompose_rejects_invalid_arguments(string @case, Type exception, string parameter)
    {
        // A is 5×3: s has 3, U is 5×3, Vᵀ is 3×3.
        var svd = new SvdWorkspace<T>(5, 3);
        T[] a = Dense.Pack<T>(Dense.Random<T>(5, 3, 67), 5), s = new T[3], u = new T[15], vt = new T[9], shared = new T[40];
        Action call = @case switch
        {
            "lda below rows" => () => svd.Decompose(a, 4, s, u, 5, vt, 3),
            "a too short" => () => svd.Decompose(a.AsSpan(1), 5, s, u, 5, vt, 3),
            "s too short" => () => svd.Decompose(a, 5, s.AsSpan(1), u, 5, vt, 3),
            "u too short" => () => svd.Decompose(a, 5, s, u.AsSpan(1), 5, vt, 3),
            "ldu below rows" => () => svd.Decompose(a, 5, s, u, 4, vt, 3),
            "vt too short" => () => svd.Decompose(a, 5, s, u, 5, vt.AsSpan(1), 3),
            "ldvt below rank" => () => svd.Decompose(a, 5, s, u, 5, vt, 2),
            "u overlaps vt" => () => svd.Decompose(a, 5, s, shared.AsSpan(0, 15), 5, shared.AsSpan(10, 9), 3),
            "s overlaps u" => () => svd.Decompose(a, 5, shared.AsSpan(14, 3), shared.AsSpan(0, 15), 5, vt, 3),
            "s overlaps vt" => () => svd.Decompose(a, 5, shared.AsSpan(0, 3), u, 5, shared.AsSpan(2, 9), 3),
            "values: lda below rows" => () => svd.SingularValues(a, 4, s),
            "values: s too short" => () => svd.SingularValues(a, 5, s.AsSpan(1)),
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };
        Dense.AssertRejects(call, exception, parameter);
    }
}

internal static class SvdCases
{
    /// <summary>(m, n): square, tall, wide, 1×n, n×1; both drivers; leading dimensions equal to or beyond the rows.</summary>
    public static IEnumerable<TestCaseData> Values()
    {
        (int m, int n)[] shapes = [(6, 6), (10, 4), (4, 10), (1, 7), (7, 1)];
        foreach (var (m, n) in shapes)
            foreach (var algorithm in new[] { SvdAlgorithm.DivideAndConquer, SvdAlgorithm.QrIteration })
                foreach (int pad in new[] { 0, 2 })
                    yield return new TestCaseData(m, n, algorithm, pad);
    }
}
