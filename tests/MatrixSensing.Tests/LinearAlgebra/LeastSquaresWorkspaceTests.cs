using System.Numerics;
using MatrixSensing.LinearAlgebra;
using RefMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;

namespace MatrixSensing.Tests.LinearAlgebra;

/// <summary>LeastSquaresWorkspace (gelsd): the minimum-norm solution A^†·B against MathNet's pseudo-inverse, for full-rank and rank-deficient A.</summary>
[TestFixture(typeof(float))]
[TestFixture(typeof(double))]
public class LeastSquaresWorkspaceTests<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static double Tolerance => Dense.IsSingle<T>() ? 1e-3 : 1e-10;

    /// <summary>An m×n matrix of the given rank (product of Gaussian factors), rounded to T.</summary>
    private static RefMatrix OfRank(int m, int n, int rank, int seed) =>
        Dense.RoundTo<T>(Dense.Random<T>(m, rank, seed) * Dense.Random<T>(rank, n, seed + 1));

    [TestCase(6, 4, 4, 2, 0)]   // tall, full column rank: the least-squares fit
    [TestCase(4, 6, 4, 3, 1)]   // wide, full row rank: the minimum-norm exact solution
    [TestCase(5, 5, 5, 1, 2)]   // square
    [TestCase(5, 5, 3, 2, 0)]   // square, rank-deficient: the pseudo-inverse, not a blow-up
    [TestCase(1, 4, 1, 1, 0)]   // 1×n
    [TestCase(6, 6, 2, 6, 1)]   // the h×h Gram case of AGN: RᵀR of rank 2 < h
    public void Solve_gives_the_pseudo_inverse_solution(int m, int n, int rank, int nrhs, int pad)
    {
        var a = OfRank(m, n, rank, 61);
        var b = Dense.Random<T>(Math.Max(m, n), nrhs, 63);
        int lda = m + pad, ldb = Math.Max(m, n) + pad;
        T[] aBuffer = Dense.Pack<T>(a, lda), bBuffer = Dense.Pack<T>(b, ldb, Dense.Sentinel);
        var before = (T[])aBuffer.Clone();
        var workspace = new LeastSquaresWorkspace<T>(m, n, nrhs + 1);

        double rcond = Dense.IsSingle<T>() ? 1e-5 : 1e-10;
        int found = workspace.Solve(aBuffer, lda, bBuffer, nrhs, ldb, rcond);

        var expected = PseudoInverse(a, rcond) * b.SubMatrix(0, m, 0, nrhs);
        Assert.That(found, Is.EqualTo(rank), "effective rank");
        Dense.AssertClose(Dense.Unpack<T>(bBuffer, n, nrhs, ldb), expected, Tolerance, "X = A^†·B");
        Dense.AssertPaddingIs<T>(bBuffer, Math.Max(m, n), nrhs, ldb);
        Assert.That(aBuffer, Is.EqualTo(before).Using<T>((x, y) => x.Equals(y) || (T.IsNaN(x) && T.IsNaN(y))), "A is left unchanged");
        var s = a.Svd().S;
        for (int k = 0; k < rank; k++)
            Assert.That(double.CreateTruncating(workspace.SingularValues[k]), Is.EqualTo(s[k]).Within(Tolerance * s[0] * 10), $"σ_{k + 1}");
    }

    /// <summary>A^† from MathNet's SVD with singular values ≤ rcond·σ₁ dropped (A rounded to float is only numerically rank-deficient).</summary>
    private static RefMatrix PseudoInverse(RefMatrix a, double rcond)
    {
        var svd = a.Svd();
        var result = RefMatrix.Build.Dense(a.ColumnCount, a.RowCount);
        for (int k = 0; k < svd.S.Count; k++)
            if (svd.S[k] > rcond * svd.S[0])
                result += svd.VT.Row(k).ToColumnMatrix() * svd.U.Column(k).ToRowMatrix() / svd.S[k];
        return result;
    }

    [Test]
    public void Repeated_solves_allocate_nothing()
    {
        var a = Dense.Pack<T>(OfRank(5, 5, 3, 64), 5);
        var b = new T[5 * 5];
        var workspace = new LeastSquaresWorkspace<T>(5, 5, 5);
        void Call() { Array.Fill(b, T.One); workspace.Solve(a, 5, b, 5, 5); }
        Call();
        Assert.That(AllocationProbe.Measure(() => { for (int i = 0; i < 200; i++) Call(); }), Is.Zero);
    }

    [TestCase("too many right-hand sides", typeof(ArgumentOutOfRangeException), "nrhs")]
    [TestCase("negative nrhs", typeof(ArgumentOutOfRangeException), "nrhs")]
    [TestCase("lda below m", typeof(ArgumentOutOfRangeException), "lda")]
    [TestCase("ldb below max(m, n)", typeof(ArgumentOutOfRangeException), "ldb")]
    [TestCase("a too short", typeof(ArgumentException), "a")]
    [TestCase("b too short", typeof(ArgumentException), "b")]
    [TestCase("NaN in A", typeof(ArgumentException), "a")]
    [TestCase("NaN rcond", typeof(ArgumentOutOfRangeException), "rcond")]
    public void Solve_rejects_invalid_arguments(string @case, Type exception, string parameter)
    {
        // A 3×4, B 4×2 unless a case changes it.
        var workspace = new LeastSquaresWorkspace<T>(3, 4, 2);
        T[] a = new T[12], b = new T[8], nan = new T[12];
        nan[5] = T.NaN;
        Action call = @case switch
        {
            "too many right-hand sides" => () => workspace.Solve(a, 3, new T[12], 3, 4),
            "negative nrhs" => () => workspace.Solve(a, 3, b, -1, 4),
            "lda below m" => () => workspace.Solve(a, 2, b, 2, 4),
            "ldb below max(m, n)" => () => workspace.Solve(a, 3, b, 2, 3),
            "a too short" => () => workspace.Solve(a.AsSpan(1), 3, b, 2, 4),
            "b too short" => () => workspace.Solve(a, 3, b.AsSpan(1), 2, 4),
            "NaN in A" => () => workspace.Solve(nan, 3, b, 2, 4),
            "NaN rcond" => () => workspace.Solve(a, 3, b, 2, 4, double.NaN),
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };
        Dense.AssertRejects(call, exception, parameter);
    }

    [Test]
    public void Constructor_rejects_empty_shapes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeastSquaresWorkspace<T>(0, 3, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeastSquaresWorkspace<T>(3, 3, 0));
    }
}
