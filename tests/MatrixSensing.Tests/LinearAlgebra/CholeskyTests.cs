using System.Numerics;
using MatrixSensing.LinearAlgebra;
using RefMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;

namespace MatrixSensing.Tests.LinearAlgebra;

/// <summary>CholeskyFactor, TryCholeskyFactor, CholeskySolve and PositiveDefiniteSolve (potrf, potrs, posv).</summary>
[TestFixture(typeof(float))]
[TestFixture(typeof(double))]
public class CholeskyTests<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static double Tolerance => Dense.LapackTolerance<T>();

    [TestCase(1, 0)]
    [TestCase(5, 0)]
    [TestCase(5, 3)]
    [TestCase(20, 1)]
    public void CholeskyFactor_matches_MathNet_and_leaves_the_upper_triangle(int n, int pad)
    {
        var a = Dense.SymmetricPositiveDefinite<T>(n, 41);
        int lda = n + pad;
        T[] buffer = Dense.Pack<T>(a, lda);

        Lapack.CholeskyFactor<T>(buffer, n, lda);

        var l = a.Cholesky().Factor;
        var actual = Dense.Unpack<T>(buffer, n, n, lda);
        Dense.AssertClose(actual.LowerTriangle(), l, Tolerance, "L");
        Dense.AssertClose(actual.StrictlyUpperTriangle(), a.StrictlyUpperTriangle(), 0, "strict upper triangle");
        Dense.AssertPaddingIs<T>(buffer, n, n, lda, double.NaN);
    }

    [Test]
    public void TryCholeskyFactor_succeeds_on_a_positive_definite_matrix()
    {
        var a = Dense.SymmetricPositiveDefinite<T>(6, 42);
        T[] buffer = Dense.Pack<T>(a, 6);
        Assert.That(Lapack.TryCholeskyFactor<T>(buffer, 6, 6, out int order), Is.True);
        Assert.That(order, Is.Zero);
        var l = Dense.Unpack<T>(buffer, 6, 6, 6).LowerTriangle();
        Dense.AssertClose(l * l.Transpose(), a, Tolerance, "L·Lᵀ");
    }

    [TestCase(1, 1, 0)]
    [TestCase(6, 1, 0)]
    [TestCase(6, 3, 2)]
    [TestCase(3, 7, 1)]
    public void CholeskySolve_matches_MathNet(int n, int nrhs, int pad)
    {
        var a = Dense.SymmetricPositiveDefinite<T>(n, 43);
        var b = Dense.Random<T>(n, nrhs, 44);
        int ld = n + pad;
        T[] factor = Dense.Pack<T>(a, ld), x = Dense.Pack<T>(b, ld, Dense.Sentinel);

        Lapack.CholeskyFactor<T>(factor, n, ld);
        Lapack.CholeskySolve<T>(factor, n, ld, x, nrhs, ld);

        Dense.AssertClose(Dense.Unpack<T>(x, n, nrhs, ld), a.Cholesky().Solve(b), Tolerance, "X");
        Dense.AssertPaddingIs<T>(x, n, nrhs, ld);
    }

    [TestCase(1, 1, 0)]
    [TestCase(6, 1, 0)]
    [TestCase(6, 3, 2)]
    [TestCase(3, 7, 1)]
    public void PositiveDefiniteSolve_matches_MathNet_and_leaves_the_factor(int n, int nrhs, int pad)
    {
        var a = Dense.SymmetricPositiveDefinite<T>(n, 45);
        var b = Dense.Random<T>(n, nrhs, 46);
        int ld = n + pad;
        T[] aBuf = Dense.Pack<T>(a, ld), x = Dense.Pack<T>(b, ld, Dense.Sentinel);

        Lapack.PositiveDefiniteSolve<T>(aBuf, n, ld, x, nrhs, ld);

        Dense.AssertClose(Dense.Unpack<T>(x, n, nrhs, ld), a.Solve(b), Tolerance, "X");
        Dense.AssertClose(Dense.Unpack<T>(aBuf, n, n, ld).LowerTriangle(), a.Cholesky().Factor, Tolerance, "L");
        Dense.AssertPaddingIs<T>(x, n, nrhs, ld);
    }

    /// <summary>diag(1, …, −1 at index k, …): the first non-positive leading minor has order k + 1.</summary>
    private static T[] NegativeAt(int n, int k)
    {
        var d = RefMatrix.Build.DenseIdentity(n);
        for (int i = 0; i < n; i++) d[i, i] = i + 1;
        d[k, k] = -1;
        return Dense.Pack<T>(d, n);
    }

    [TestCase(0)]
    [TestCase(2)]
    [TestCase(4)]
    public void CholeskyFactor_reports_the_failing_leading_minor(int k)
    {
        var ex = Assert.Throws<NotPositiveDefiniteException>(() => Lapack.CholeskyFactor<T>(NegativeAt(5, k), 5, 5));
        Assert.That(ex!.Order, Is.EqualTo(k + 1));
        Assert.That(ex.Routine, Does.Contain("potrf"));
        Assert.That(ex.Message, Does.Contain($"order {k + 1}"));
    }

    [TestCase(0)]
    [TestCase(3)]
    public void TryCholeskyFactor_returns_false_with_the_failing_order(int k)
    {
        Assert.That(Lapack.TryCholeskyFactor<T>(NegativeAt(5, k), 5, 5, out int order), Is.False);
        Assert.That(order, Is.EqualTo(k + 1));
    }

    [Test]
    public void Indefinite_matrix_with_positive_diagonal_fails_at_order_two()
    {
        // [[1, 2], [2, 1]]: the first minor is 1 > 0, the second is 1 − 4 < 0.
        T[] a = [T.One, T.CreateTruncating(2), T.CreateTruncating(2), T.One];
        Assert.That(Lapack.TryCholeskyFactor<T>(a, 2, 2, out int order), Is.False);
        Assert.That(order, Is.EqualTo(2));
    }

    [Test]
    public void PositiveDefiniteSolve_reports_the_failing_leading_minor()
    {
        var ex = Assert.Throws<NotPositiveDefiniteException>(() => Lapack.PositiveDefiniteSolve<T>(NegativeAt(4, 2), 4, 4, new T[4], 1, 4));
        Assert.That(ex!.Order, Is.EqualTo(3));
        Assert.That(ex.Routine, Does.Contain("posv"));
    }

    [Test]
    public void PositiveDefiniteSolve_without_right_hand_sides_leaves_A_unchanged()
    {
        T[] a = NegativeAt(3, 1), before = (T[])a.Clone();
        Assert.That(() => Lapack.PositiveDefiniteSolve<T>(a, 3, 3, [], 0, 3), Throws.Nothing);
        Assert.That(a, Is.EqualTo(before));
    }

    [TestCase("factor: negative n", typeof(ArgumentOutOfRangeException), "n")]
    [TestCase("factor: lda below n", typeof(ArgumentOutOfRangeException), "lda")]
    [TestCase("factor: a too short", typeof(ArgumentException), "a")]
    [TestCase("try: lda below n", typeof(ArgumentOutOfRangeException), "lda")]
    [TestCase("try: a too short", typeof(ArgumentException), "a")]
    [TestCase("solve: negative nrhs", typeof(ArgumentOutOfRangeException), "nrhs")]
    [TestCase("solve: ldFactor below n", typeof(ArgumentOutOfRangeException), "ldFactor")]
    [TestCase("solve: ldb below n", typeof(ArgumentOutOfRangeException), "ldb")]
    [TestCase("solve: factor too short", typeof(ArgumentException), "factor")]
    [TestCase("solve: b too short", typeof(ArgumentException), "b")]
    [TestCase("solve: b overlaps factor", typeof(ArgumentException), "b")]
    [TestCase("posv: negative n", typeof(ArgumentOutOfRangeException), "n")]
    [TestCase("posv: lda below n", typeof(ArgumentOutOfRangeException), "lda")]
    [TestCase("posv: b too short", typeof(ArgumentException), "b")]
    [TestCase("posv: b overlaps a", typeof(ArgumentException), "b")]
    public void Cholesky_rejects_invalid_arguments(string @case, Type exception, string parameter)
    {
        // A is 3×3, B is 3×2 unless a case changes it.
        T[] a = new T[9], b = new T[6], shared = new T[20];
        Action call = @case switch
        {
            "factor: negative n" => () => Lapack.CholeskyFactor<T>(a, -1, 3),
            "factor: lda below n" => () => Lapack.CholeskyFactor<T>(a, 3, 2),
            "factor: a too short" => () => Lapack.CholeskyFactor<T>(a.AsSpan(1), 3, 3),
            "try: lda below n" => () => Lapack.TryCholeskyFactor<T>(a, 3, 2, out _),
            "try: a too short" => () => Lapack.TryCholeskyFactor<T>(a.AsSpan(1), 3, 3, out _),
            "solve: negative nrhs" => () => Lapack.CholeskySolve<T>(a, 3, 3, b, -1, 3),
            "solve: ldFactor below n" => () => Lapack.CholeskySolve<T>(a, 3, 2, b, 2, 3),
            "solve: ldb below n" => () => Lapack.CholeskySolve<T>(a, 3, 3, b, 2, 2),
            "solve: factor too short" => () => Lapack.CholeskySolve<T>(a.AsSpan(1), 3, 3, b, 2, 3),
            "solve: b too short" => () => Lapack.CholeskySolve<T>(a, 3, 3, b.AsSpan(1), 2, 3),
            "solve: b overlaps factor" => () => Lapack.CholeskySolve<T>(shared.AsSpan(0, 9), 3, 3, shared.AsSpan(8, 6), 2, 3),
            "posv: negative n" => () => Lapack.PositiveDefiniteSolve<T>(a, -1, 3, b, 2, 3),
            "posv: lda below n" => () => Lapack.PositiveDefiniteSolve<T>(a, 3, 2, b, 2, 3),
            "posv: b too short" => () => Lapack.PositiveDefiniteSolve<T>(a, 3, 3, b.AsSpan(1), 2, 3),
            "posv: b overlaps a" => () => Lapack.PositiveDefiniteSolve<T>(shared.AsSpan(0, 9), 3, 3, shared.AsSpan(3, 6), 2, 3),
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };
        Dense.AssertRejects(call, exception, parameter);
    }
}
