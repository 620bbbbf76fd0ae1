using System.Numerics;
using Symmetricity = MathNet.Numerics.LinearAlgebra.Symmetricity;
using MatrixSensing.LinearAlgebra;
using RefMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;
using RefVector = MathNet.Numerics.LinearAlgebra.Vector<double>;

namespace MatrixSensing.Tests.LinearAlgebra;

[TestFixture(typeof(float))]
[TestFixture(typeof(double))]
public class SymmetricEigenWorkspaceTests<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static double Tolerance => Dense.LapackTolerance<T>();

    private static RefMatrix RandomSymmetric(int n, int seed)
    {
        var b = Dense.Random<T>(n, n, seed);
        return Dense.RoundTo<T>((b + b.Transpose()) / 2);
    }

    [TestCase(1, 0)]
    [TestCase(2, 0)]
    [TestCase(6, 3)]
    [TestCase(20, 1)]
    public void Decompose_gives_ascending_eigenpairs_matching_MathNet(int n, int pad)
    {
        var a = RandomSymmetric(n, 91);
        int lda = n + pad;
        T[] buffer = Dense.Pack<T>(a, lda);
        for (int j = 1; j < n; j++)
            for (int i = 0; i < j; i++)
                buffer[i + j * lda] = T.NaN; // the strict upper triangle must not be read
        T[] w = new T[n];

        new SymmetricEigenWorkspace<T>(n).Decompose(buffer, lda, w);

        var values = Dense.Unpack<T>(w);
        var q = Dense.Unpack<T>(buffer, n, n, lda);
        var expected = a.Evd(Symmetricity.Symmetric).EigenValues.Select(z => z.Real).Order().ToArray();
        double scale = a.L2Norm();
        for (int i = 1; i < n; i++) Assert.That(values[i], Is.GreaterThanOrEqualTo(values[i - 1]), "ascending");
        Dense.AssertClose(values, RefVector.Build.DenseOfArray(expected), Tolerance * scale, "eigenvalues vs MathNet");
        Dense.AssertOrthonormalColumns(q, Tolerance, "QᵀQ = I");
        Dense.AssertClose(a * q, q * RefMatrix.Build.DiagonalOfDiagonalVector(values), Tolerance * scale, "A·Q = Q·diag(w)");
        Dense.AssertPaddingIs<T>(buffer, n, n, lda, double.NaN);
    }

    [Test]
    public void Repeated_eigenvalues_still_give_an_orthonormal_basis()
    {
        var a = RefMatrix.Build.DenseIdentity(5) * 3;
        a[4, 4] = -1;
        T[] buffer = Dense.Pack<T>(a, 5), w = new T[5];
        new SymmetricEigenWorkspace<T>(5).Decompose(buffer, 5, w);
        Assert.That(w, Is.EqualTo(new[] { -1.0, 3, 3, 3, 3 }.Select(T.CreateTruncating)).Within(T.CreateTruncating(Tolerance)));
        Dense.AssertOrthonormalColumns(Dense.Unpack<T>(buffer, 5, 5, 5), Tolerance, "QᵀQ = I");
    }

    [Test]
    public void One_workspace_decomposes_many_matrices()
    {
        var eig = new SymmetricEigenWorkspace<T>(7);
        Assert.That(eig.Order, Is.EqualTo(7));
        for (int seed = 92; seed < 95; seed++)
        {
            var a = RandomSymmetric(7, seed);
            T[] buffer = Dense.Pack<T>(a, 7), w = new T[7];
            eig.Decompose(buffer, 7, w);
            var q = Dense.Unpack<T>(buffer, 7, 7, 7);
            Dense.AssertClose(a * q, q * RefMatrix.Build.DiagonalOfDiagonalVector(Dense.Unpack<T>(w)), Tolerance * a.L2Norm(), $"seed {seed}");
        }
    }

    [TestCase(0)]
    [TestCase(-1)]
    public void Constructor_rejects_empty_orders(int order) =>
        Dense.AssertRejects(() => _ = new SymmetricEigenWorkspace<T>(order), typeof(ArgumentOutOfRangeException), "order");

    [TestCase("lda below n", typeof(ArgumentOutOfRangeException), "lda")]
    [TestCase("a too short", typeof(ArgumentException), "a")]
    [TestCase("eigenvalues too short", typeof(ArgumentException), "eigenvalues")]
    [TestCase("eigenvalues overlap a", typeof(ArgumentException), "eigenvalues")]
    public void Decompose_rejects_invalid_arguments(string @case, Type exception, string parameter)
    {
        var eig = new SymmetricEigenWorkspace<T>(4);
        T[] a = new T[16], w = new T[4], shared = new T[24];
        Action call = @case switch
        {
            "lda below n" => () => eig.Decompose(a, 3, w),
            "a too short" => () => eig.Decompose(a.AsSpan(1), 4, w),
            "eigenvalues too short" => () => eig.Decompose(a, 4, w.AsSpan(1)),
            "eigenvalues overlap a" => () => eig.Decompose(shared.AsSpan(0, 16), 4, shared.AsSpan(15, 4)),
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };
        Dense.AssertRejects(call, exception, parameter);
    }
}
