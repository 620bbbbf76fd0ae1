using System.Numerics;
using MatrixSensing.LinearAlgebra;
using RefMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;

namespace MatrixSensing.Tests.LinearAlgebra;

[TestFixture(typeof(float))]
[TestFixture(typeof(double))]
public class QrWorkspaceTests<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static double Tolerance => Dense.LapackTolerance<T>();

    /// <summary>R: the upper triangle (trapezoid when wide) of the first min(m, n) rows of the factored matrix.</summary>
    private static RefMatrix R(T[] factored, int m, int n, int lda) =>
        Dense.Unpack<T>(factored, Math.Min(m, n), n, lda).UpperTriangle();

    [TestCase(6, 6, 0)]
    [TestCase(10, 4, 2)]
    [TestCase(4, 10, 0)]
    [TestCase(1, 7, 1)]
    [TestCase(7, 1, 0)]
    [TestCase(1, 1, 0)]
    public void Factor_gives_R_with_RᵀR_equal_to_AᵀA(int m, int n, int pad)
    {
        // AᵀA = Rᵀ·Qᵀ·Q·R = RᵀR holds for every shape and is independent of the signs the Householder steps choose.
        var a = Dense.Random<T>(m, n, 81);
        int lda = m + pad;
        T[] buffer = Dense.Pack<T>(a, lda);
        var qr = new QrWorkspace<T>(m, n);

        qr.Factor(buffer, lda);

        var r = R(buffer, m, n, lda);
        Dense.AssertClose(r.TransposeThisAndMultiply(r), a.TransposeThisAndMultiply(a), Tolerance, "RᵀR = AᵀA");
        Assert.That(qr.Tau.Length, Is.EqualTo(Math.Min(m, n)));
        Dense.AssertPaddingIs<T>(buffer, m, n, lda, double.NaN);
    }

    [TestCase(6, 6, 0)]
    [TestCase(10, 4, 2)]
    [TestCase(7, 1, 0)]
    [TestCase(1, 1, 0)]
    public void FormQ_gives_orthonormal_Q_with_Q_R_equal_to_A_and_R_matching_MathNet(int m, int n, int pad)
    {
        var a = Dense.Random<T>(m, n, 82);
        int lda = m + pad;
        T[] buffer = Dense.Pack<T>(a, lda);
        var qr = new QrWorkspace<T>(m, n);

        qr.Factor(buffer, lda);
        var r = R(buffer, m, n, lda);
        qr.FormQ(buffer, lda);
        var q = Dense.Unpack<T>(buffer, m, n, lda);

        Dense.AssertOrthonormalColumns(q, Tolerance, "QᵀQ = I");
        Dense.AssertClose(q * r, a, Tolerance, "Q·R = A");
        var expected = a.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin).R;
        for (int i = 0; i < n; i++)
            Assert.That(Math.Abs(r[i, i]), Is.EqualTo(Math.Abs(expected[i, i])).Within(Tolerance * a.L2Norm()), $"|R[{i},{i}]| vs MathNet");
    }

    [TestCase(9, 3, 0)]
    [TestCase(5, 5, 2)]
    public void Orthonormalize_spans_the_range_of_A(int m, int n, int pad)
    {
        var a = Dense.Random<T>(m, n, 83);
        int lda = m + pad;
        T[] buffer = Dense.Pack<T>(a, lda);

        new QrWorkspace<T>(m, n).Orthonormalize(buffer, lda);

        var q = Dense.Unpack<T>(buffer, m, n, lda);
        Dense.AssertOrthonormalColumns(q, Tolerance, "QᵀQ = I");
        Dense.AssertClose(q * q.TransposeThisAndMultiply(a), a, Tolerance, "Q·Qᵀ·A = A");
    }

    [Test]
    public void One_workspace_factors_many_matrices()
    {
        var qr = new QrWorkspace<T>(8, 3);
        for (int seed = 84; seed < 87; seed++)
        {
            var a = Dense.Random<T>(8, 3, seed);
            T[] buffer = Dense.Pack<T>(a, 8);
            qr.Factor(buffer, 8);
            var r = R(buffer, 8, 3, 8);
            qr.FormQ(buffer, 8);
            Dense.AssertClose(Dense.Unpack<T>(buffer, 8, 3, 8) * r, a, Tolerance, $"seed {seed}");
        }
    }

    [Test]
    public void FormQ_on_a_wide_workspace_is_rejected() =>
        Assert.Throws<InvalidOperationException>(() => new QrWorkspace<T>(3, 5).FormQ(new T[15], 3));

    [Test]
    public void Orthonormalize_on_a_wide_workspace_is_rejected_before_touching_the_input()
    {
        T[] a = Dense.Pack<T>(Dense.Random<T>(3, 5, 88), 3), before = (T[])a.Clone();
        Assert.Throws<InvalidOperationException>(() => new QrWorkspace<T>(3, 5).Orthonormalize(a, 3));
        Assert.That(a, Is.EqualTo(before), "the input must not be factored when the call is rejected");
    }

    [TestCase(0, 3, "rows")]
    [TestCase(3, 0, "columns")]
    public void Constructor_rejects_empty_shapes(int rows, int columns, string parameter) =>
        Dense.AssertRejects(() => _ = new QrWorkspace<T>(rows, columns), typeof(ArgumentOutOfRangeException), parameter);

    [TestCase("factor: lda below rows", typeof(ArgumentOutOfRangeException), "lda")]
    [TestCase("factor: a too short", typeof(ArgumentException), "a")]
    [TestCase("formQ: lda below rows", typeof(ArgumentOutOfRangeException), "lda")]
    [TestCase("formQ: a too short", typeof(ArgumentException), "a")]
    [TestCase("orthonormalize: lda below rows", typeof(ArgumentOutOfRangeException), "lda")]
    [TestCase("orthonormalize: a too short for its leading dimension", typeof(ArgumentException), "a")]
    public void Qr_rejects_invalid_arguments(string @case, Type exception, string parameter)
    {
        var qr = new QrWorkspace<T>(5, 3);
        T[] a = new T[15];
        Action call = @case switch
        {
            "factor: lda below rows" => () => qr.Factor(a, 4),
            "factor: a too short" => () => qr.Factor(a.AsSpan(1), 5),
            "formQ: lda below rows" => () => qr.FormQ(a, 4),
            "formQ: a too short" => () => qr.FormQ(a.AsSpan(1), 5),
            "orthonormalize: lda below rows" => () => qr.Orthonormalize(a, 4),
            "orthonormalize: a too short for its leading dimension" => () => qr.Orthonormalize(a, 6),
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };
        Dense.AssertRejects(call, exception, parameter);
    }
}
