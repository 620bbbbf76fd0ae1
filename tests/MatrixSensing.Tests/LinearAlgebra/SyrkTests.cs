using System.Numerics;
using MatrixSensing.LinearAlgebra;

namespace MatrixSensing.Tests.LinearAlgebra;

[TestFixture(typeof(float))]
[TestFixture(typeof(double))]
public class SyrkTests<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [TestCaseSource(typeof(SyrkCases), nameof(SyrkCases.Values))]
    public void Syrk_writes_one_triangle_matching_MathNet(int n, int k, Triangle triangle, Transpose trans, int pad)
    {
        bool plain = trans == Transpose.None;
        var a = plain ? Dense.Random<T>(n, k, 21) : Dense.Random<T>(k, n, 21);
        var c0 = Dense.Random<T>(n, n, 22);
        int lda = a.RowCount + pad, ldc = n + pad;
        T[] cBuf = Dense.Pack<T>(c0, ldc, Dense.Sentinel);

        Blas.Syrk(triangle, trans, n, k, T.CreateTruncating(-1.25), Dense.Pack<T>(a, lda), lda, T.CreateTruncating(0.5), cBuf, ldc);

        var full = -1.25 * (plain ? a * a.Transpose() : a.Transpose() * a) + 0.5 * c0;
        var actual = Dense.Unpack<T>(cBuf, n, n, ldc);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
            {
                bool written = triangle == Triangle.Lower ? i >= j : i <= j;
                double expected = written ? full[i, j] : c0[i, j];
                Assert.That(actual[i, j], Is.EqualTo(expected).Within(Dense.BlasTolerance<T>() * k * Math.Max(1, Math.Abs(expected))),
                    $"C[{i},{j}] ({(written ? "written" : "other triangle, must be untouched")})");
            }
        Dense.AssertPaddingIs<T>(cBuf, n, n, ldc);
    }

    [TestCase(Transpose.None)]
    [TestCase(Transpose.Transposed)]
    public void Syrk_with_empty_inner_dimension_scales_its_triangle_by_beta(Transpose trans)
    {
        T nan = T.NaN, two = T.CreateTruncating(2), three = T.CreateTruncating(3), four = T.CreateTruncating(4);
        T[] c = [two, three, nan, four]; // lower triangle 2, 3, 4; the strict upper element is not referenced
        Blas.Syrk(Triangle.Lower, trans, 2, 0, T.One, [], trans == Transpose.None ? 2 : 1, T.CreateTruncating(0.5), c, 2);
        Assert.That(c[0], Is.EqualTo(T.One));
        Assert.That(c[1], Is.EqualTo(T.CreateTruncating(1.5)));
        Assert.That(T.IsNaN(c[2]), "the other triangle must be untouched");
        Assert.That(c[3], Is.EqualTo(two));
    }

    [TestCase("negative n", typeof(ArgumentOutOfRangeException), "n")]
    [TestCase("negative k", typeof(ArgumentOutOfRangeException), "k")]
    [TestCase("lda below n", typeof(ArgumentOutOfRangeException), "lda")]
    [TestCase("lda below k for transposed A", typeof(ArgumentOutOfRangeException), "lda")]
    [TestCase("ldc below n", typeof(ArgumentOutOfRangeException), "ldc")]
    [TestCase("a too short", typeof(ArgumentException), "a")]
    [TestCase("c too short", typeof(ArgumentException), "c")]
    [TestCase("c overlaps a", typeof(ArgumentException), "c")]
    public void Syrk_rejects_invalid_arguments(string @case, Type exception, string parameter)
    {
        // C (3×3) = A (3×2) · Aᵀ unless a case changes it.
        T[] a = new T[6], c = new T[9], shared = new T[20];
        const Triangle L = Triangle.Lower;
        const Transpose N = Transpose.None;
        Action call = @case switch
        {
            "negative n" => () => Blas.Syrk(L, N, -1, 2, T.One, a, 3, T.Zero, c, 3),
            "negative k" => () => Blas.Syrk(L, N, 3, -1, T.One, a, 3, T.Zero, c, 3),
            "lda below n" => () => Blas.Syrk(L, N, 3, 2, T.One, a, 2, T.Zero, c, 3),
            "lda below k for transposed A" => () => Blas.Syrk(L, Transpose.Transposed, 2, 3, T.One, a, 2, T.Zero, c, 2),
            "ldc below n" => () => Blas.Syrk(L, N, 3, 2, T.One, a, 3, T.Zero, c, 2),
            "a too short" => () => Blas.Syrk(L, N, 3, 2, T.One, a.AsSpan(1), 3, T.Zero, c, 3),
            "c too short" => () => Blas.Syrk(L, N, 3, 2, T.One, a, 3, T.Zero, c.AsSpan(1), 3),
            "c overlaps a" => () => Blas.Syrk(L, N, 3, 2, T.One, shared.AsSpan(0, 6), 3, T.Zero, shared.AsSpan(5, 9), 3),
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };
        Dense.AssertRejects(call, exception, parameter);
    }
}

internal static class SyrkCases
{
    /// <summary>(n, k): square, tall (k &lt; n), wide (k &gt; n), n = 1, k = 1; both triangles and transposes; ld padding.</summary>
    public static IEnumerable<TestCaseData> Values()
    {
        (int n, int k)[] shapes = [(6, 6), (7, 2), (2, 7), (1, 5), (5, 1)];
        foreach (var (n, k) in shapes)
            foreach (var triangle in new[] { Triangle.Lower, Triangle.Upper })
                foreach (var trans in new[] { Transpose.None, Transpose.Transposed })
                    foreach (int pad in new[] { 0, 2 })
                        yield return new TestCaseData(n, k, triangle, trans, pad);
    }
}
