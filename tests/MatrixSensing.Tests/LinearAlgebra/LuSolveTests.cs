using System.Numerics;
using MatrixSensing.LinearAlgebra;
using RefMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;

namespace MatrixSensing.Tests.LinearAlgebra;

/// <summary>Lapack.Solve: LU with partial pivoting (gesv).</summary>
[TestFixture(typeof(float))]
[TestFixture(typeof(double))]
public class LuSolveTests<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static double Tolerance => Dense.LapackTolerance<T>();

    [TestCase(1, 1, 0)]
    [TestCase(6, 1, 0)]
    [TestCase(6, 3, 2)]
    [TestCase(3, 7, 1)]
    [TestCase(30, 2, 0)]
    public void Solve_matches_MathNet_and_leaves_P_A_equal_to_L_U(int n, int nrhs, int pad)
    {
        var a = Dense.Random<T>(n, n, 51) + RefMatrix.Build.DenseIdentity(n) * 2; // well away from singular
        a = Dense.RoundTo<T>(a);
        var b = Dense.Random<T>(n, nrhs, 52);
        int ld = n + pad;
        T[] lu = Dense.Pack<T>(a, ld), x = Dense.Pack<T>(b, ld, Dense.Sentinel);
        int[] pivots = new int[n];

        Lapack.Solve<T>(lu, n, ld, pivots, x, nrhs, ld);

        Dense.AssertClose(Dense.Unpack<T>(x, n, nrhs, ld), a.LU().Solve(b), Tolerance * n, "X");
        Dense.AssertPaddingIs<T>(x, n, nrhs, ld);

        // Pivots are 1-based row numbers at or below the diagonal; applying them to A gives L·U.
        var pa = a.Clone();
        for (int i = 0; i < n; i++)
        {
            Assert.That(pivots[i], Is.InRange(i + 1, n), $"pivot {i}");
            var row = pa.Row(i);
            pa.SetRow(i, pa.Row(pivots[i] - 1));
            pa.SetRow(pivots[i] - 1, row);
        }
        var factors = Dense.Unpack<T>(lu, n, n, ld);
        var l = factors.StrictlyLowerTriangle() + RefMatrix.Build.DenseIdentity(n);
        Dense.AssertClose(l * factors.UpperTriangle(), pa, Tolerance, "P·A = L·U");
    }

    [Test]
    public void Solve_on_a_singular_matrix_raises_SingularMatrixException()
    {
        // [[1, 2], [2, 4]]: the second row is twice the first; elimination leaves U(2,2) exactly zero.
        T[] a = [T.One, T.CreateTruncating(2), T.CreateTruncating(2), T.CreateTruncating(4)];
        var ex = Assert.Throws<SingularMatrixException>(() => Lapack.Solve<T>(a, 2, 2, new int[2], new T[2], 1, 2));
        Assert.That(ex!.Info, Is.EqualTo(2));
        Assert.That(ex.Routine, Does.Contain("gesv"));
    }

    [TestCase(0)]
    [TestCase(3)]
    public void Solve_reports_the_first_zero_pivot_of_a_zero_column(int column)
    {
        var a = Dense.Random<T>(5, 5, 53);
        a.ClearColumn(column);
        var ex = Assert.Throws<SingularMatrixException>(() => Lapack.Solve<T>(Dense.Pack<T>(a, 5), 5, 5, new int[5], new T[5], 1, 5));
        Assert.That(ex!.Info, Is.EqualTo(column + 1));
    }

    [Test]
    public void Solve_without_right_hand_sides_leaves_A_unchanged()
    {
        // Backend-independent: OpenBLAS's gesv returns early for nrhs = 0, reference LAPACK factors.
        T[] singular = new T[4];
        Assert.That(() => Lapack.Solve<T>(singular, 2, 2, new int[2], [], 0, 2), Throws.Nothing);
        T[] a = Dense.Pack<T>(Dense.Random<T>(3, 3, 54), 3), before = (T[])a.Clone();
        Lapack.Solve<T>(a, 3, 3, new int[3], [], 0, 3);
        Assert.That(a, Is.EqualTo(before));
    }

    [TestCase("negative n", typeof(ArgumentOutOfRangeException), "n")]
    [TestCase("negative nrhs", typeof(ArgumentOutOfRangeException), "nrhs")]
    [TestCase("lda below n", typeof(ArgumentOutOfRangeException), "lda")]
    [TestCase("ldb below n", typeof(ArgumentOutOfRangeException), "ldb")]
    [TestCase("a too short", typeof(ArgumentException), "a")]
    [TestCase("b too short", typeof(ArgumentException), "b")]
    [TestCase("pivots too short", typeof(ArgumentException), "pivots")]
    [TestCase("b overlaps a", typeof(ArgumentException), "b")]
    public void Solve_rejects_invalid_arguments(string @case, Type exception, string parameter)
    {
        T[] a = new T[9], b = new T[6], shared = new T[20];
        int[] pivots = new int[3];
        Action call = @case switch
        {
            "negative n" => () => Lapack.Solve<T>(a, -1, 3, pivots, b, 2, 3),
            "negative nrhs" => () => Lapack.Solve<T>(a, 3, 3, pivots, b, -1, 3),
            "lda below n" => () => Lapack.Solve<T>(a, 3, 2, pivots, b, 2, 3),
            "ldb below n" => () => Lapack.Solve<T>(a, 3, 3, pivots, b, 2, 2),
            "a too short" => () => Lapack.Solve<T>(a.AsSpan(1), 3, 3, pivots, b, 2, 3),
            "b too short" => () => Lapack.Solve<T>(a, 3, 3, pivots, b.AsSpan(1), 2, 3),
            "pivots too short" => () => Lapack.Solve<T>(a, 3, 3, pivots.AsSpan(1), b, 2, 3),
            "b overlaps a" => () => Lapack.Solve<T>(shared.AsSpan(0, 9), 3, 3, pivots, shared.AsSpan(4, 6), 2, 3),
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };
        Dense.AssertRejects(call, exception, parameter);
    }
}
