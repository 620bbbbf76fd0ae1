using System.Numerics;
using MatrixSensing.LinearAlgebra;
using RefMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;

namespace MatrixSensing.Tests.LinearAlgebra;

/// <summary>Blas.TriangularSolve (trsm) against MathNet's dense solves, both sides, triangles, transposes and diagonals.</summary>
[TestFixture(typeof(float))]
[TestFixture(typeof(double))]
public class TriangularSolveTests<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A well-conditioned triangular matrix (diagonal ≥ 2) stored with NaN in the triangle that must not be read.</summary>
    private static (RefMatrix Triangular, T[] Stored) Triangular(int order, Triangle triangle, Diagonal diagonal, int ld, int seed)
    {
        var random = Dense.Random<T>(order, order, seed) * 0.3;
        var t = triangle == Triangle.Lower ? random.LowerTriangle() : random.UpperTriangle();
        for (int i = 0; i < order; i++) t[i, i] = diagonal == Diagonal.Unit ? 1 : 2 + Math.Abs(random[i, i]);
        var stored = Dense.Pack<T>(t, ld);
        for (int j = 0; j < order; j++)
            for (int i = 0; i < order; i++)
            {
                bool other = triangle == Triangle.Lower ? i < j : i > j;
                if (other || (i == j && diagonal == Diagonal.Unit)) stored[i + j * ld] = T.NaN;
            }
        return (t, stored);
    }

    private static IEnumerable<TestCaseData> Cases()
    {
        (int m, int n)[] shapes = [(5, 3), (3, 5), (1, 4), (4, 1), (6, 6)];
        foreach (var (m, n) in shapes)
            foreach (var side in new[] { Side.Left, Side.Right })
                foreach (var triangle in new[] { Triangle.Lower, Triangle.Upper })
                    foreach (var trans in new[] { Transpose.None, Transpose.Transposed })
                        foreach (var diagonal in new[] { Diagonal.NonUnit, Diagonal.Unit })
                            yield return new TestCaseData(m, n, side, triangle, trans, diagonal, (m + n) % 2 * 2);
    }

    [TestCaseSource(nameof(Cases))]
    public void TriangularSolve_matches_MathNet(int m, int n, Side side, Triangle triangle, Transpose trans, Diagonal diagonal, int pad)
    {
        int order = side == Side.Left ? m : n, lda = order + pad, ldb = m + pad;
        var (t, stored) = Triangular(order, triangle, diagonal, lda, 51);
        var b = Dense.Random<T>(m, n, 52);
        T[] x = Dense.Pack<T>(b, ldb, Dense.Sentinel);
        const double alpha = 1.5;

        Blas.TriangularSolve(side, triangle, trans, diagonal, m, n, T.CreateTruncating(alpha), stored, lda, x, ldb);

        var op = trans == Transpose.None ? t : t.Transpose();
        // op(A)·X = α·B or X·op(A) = α·B, solved densely by MathNet.
        var expected = side == Side.Left ? op.Solve(b * alpha) : op.Transpose().Solve((b * alpha).Transpose()).Transpose();
        Dense.AssertClose(Dense.Unpack<T>(x, m, n, ldb), expected, Dense.LapackTolerance<T>(), "X");
        Dense.AssertPaddingIs<T>(x, m, n, ldb);
    }

    [Test]
    public void Right_solves_with_a_Cholesky_factor_apply_the_inverse_of_the_Gram_matrix()
    {
        // The preconditioner's use: D = G·(FᵀF + λI)⁻¹ as D·L·Lᵀ = G, with no transposes of the 9×3 G.
        var f = Dense.Random<T>(9, 3, 53);
        var g = Dense.Random<T>(9, 3, 54);
        var gram = f.TransposeThisAndMultiply(f) + RefMatrix.Build.DenseIdentity(3) * 0.5;
        T[] l = Dense.Pack<T>(gram, 3);
        Lapack.CholeskyFactor<T>(l, 3, 3);
        T[] d = Dense.Pack<T>(g, 9);
        Blas.TriangularSolve(Side.Right, Triangle.Lower, Transpose.Transposed, Diagonal.NonUnit, 9, 3, T.One, l, 3, d, 9);
        Blas.TriangularSolve(Side.Right, Triangle.Lower, Transpose.None, Diagonal.NonUnit, 9, 3, T.One, l, 3, d, 9);
        Dense.AssertClose(Dense.Unpack<T>(d, 9, 3, 9), g * gram.Inverse(), Dense.LapackTolerance<T>(), "G·(FᵀF + λI)⁻¹");
    }

    [Test]
    public void Empty_shapes_touch_nothing()
    {
        T[] b = [T.CreateTruncating(3)];
        Blas.TriangularSolve(Side.Left, Triangle.Lower, Transpose.None, Diagonal.NonUnit, 0, 1, T.One, [], 1, b, 1);
        Blas.TriangularSolve(Side.Right, Triangle.Lower, Transpose.None, Diagonal.NonUnit, 1, 0, T.One, [], 1, b, 1);
        Assert.That(b[0], Is.EqualTo(T.CreateTruncating(3)));
    }

    [Test]
    public void TriangularSolve_allocates_nothing()
    {
        var (_, stored) = Triangular(4, Triangle.Lower, Diagonal.NonUnit, 4, 55);
        T[] b = Dense.Pack<T>(Dense.Random<T>(6, 4, 56), 6);
        void Call() => Blas.TriangularSolve(Side.Right, Triangle.Lower, Transpose.Transposed, Diagonal.NonUnit, 6, 4, T.One, stored, 4, b, 6);
        Call();
        Assert.That(AllocationProbe.Measure(() => { for (int i = 0; i < 1000; i++) Call(); }), Is.Zero);
    }

    [TestCase("negative m", typeof(ArgumentOutOfRangeException), "m")]
    [TestCase("negative n", typeof(ArgumentOutOfRangeException), "n")]
    [TestCase("lda below the order of A", typeof(ArgumentOutOfRangeException), "lda")]
    [TestCase("ldb below m", typeof(ArgumentOutOfRangeException), "ldb")]
    [TestCase("a too short", typeof(ArgumentException), "a")]
    [TestCase("b too short", typeof(ArgumentException), "b")]
    [TestCase("b overlaps a", typeof(ArgumentException), "b")]
    public void TriangularSolve_rejects_invalid_arguments(string @case, Type exception, string parameter)
    {
        // B (4×3) · A⁻¹ with A 3×3 (right side) unless a case changes it.
        T[] a = new T[9], b = new T[12], shared = new T[30];
        const Side R = Side.Right;
        const Triangle L = Triangle.Lower;
        const Transpose N = Transpose.None;
        const Diagonal D = Diagonal.NonUnit;
        Action call = @case switch
        {
            "negative m" => () => Blas.TriangularSolve(R, L, N, D, -1, 3, T.One, a, 3, b, 4),
            "negative n" => () => Blas.TriangularSolve(R, L, N, D, 4, -1, T.One, a, 3, b, 4),
            "lda below the order of A" => () => Blas.TriangularSolve(R, L, N, D, 4, 3, T.One, a, 2, b, 4),
            "ldb below m" => () => Blas.TriangularSolve(R, L, N, D, 4, 3, T.One, a, 3, b, 3),
            "a too short" => () => Blas.TriangularSolve(R, L, N, D, 4, 3, T.One, a.AsSpan(1), 3, b, 4),
            "b too short" => () => Blas.TriangularSolve(R, L, N, D, 4, 3, T.One, a, 3, b.AsSpan(1), 4),
            "b overlaps a" => () => Blas.TriangularSolve(R, L, N, D, 4, 3, T.One, shared.AsSpan(0, 9), 3, shared.AsSpan(8, 12), 4),
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };
        Dense.AssertRejects(call, exception, parameter);
    }
}
