using System.Numerics;
using MatrixSensing.LinearAlgebra;

namespace MatrixSensing.Tests.LinearAlgebra;

[TestFixture(typeof(float))]
[TestFixture(typeof(double))]
public class GemvTests<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [TestCaseSource(typeof(GemvCases), nameof(GemvCases.Values))]
    public void Gemv_matches_MathNet(int m, int n, Transpose trans, int pad)
    {
        var a = Dense.Random<T>(m, n, 11);
        int lda = m + pad;
        bool plain = trans == Transpose.None;
        var x = Dense.RandomVector<T>(plain ? n : m, 12);
        var y0 = Dense.RandomVector<T>(plain ? m : n, 13);
        T[] yBuf = [.. Dense.Pack<T>(y0), T.CreateTruncating(Dense.Sentinel)]; // one spare element: must stay untouched

        Blas.Gemv(trans, m, n, T.CreateTruncating(2.0), Dense.Pack<T>(a, lda), lda, Dense.Pack<T>(x), T.CreateTruncating(0.25), yBuf);

        var expected = 2.0 * ((plain ? a : a.Transpose()) * x) + 0.25 * y0;
        Dense.AssertClose(Dense.Unpack<T>(yBuf.AsSpan(0, y0.Count)), expected, Dense.BlasTolerance<T>() * Math.Max(m, n), "y");
        Assert.That(yBuf[^1], Is.EqualTo(T.CreateTruncating(Dense.Sentinel)), "element past y's length was written");
    }

    [Test]
    public void Gemv_with_zero_beta_ignores_NaN_in_y()
    {
        var a = Dense.Random<T>(5, 3, 11);
        var x = Dense.RandomVector<T>(3, 12);
        T[] y = [T.NaN, T.NaN, T.NaN, T.NaN, T.NaN];
        Blas.Gemv(Transpose.None, 5, 3, T.One, Dense.Pack<T>(a, 5), 5, Dense.Pack<T>(x), T.Zero, y);
        Dense.AssertClose(Dense.Unpack<T>(y), a * x, Dense.BlasTolerance<T>() * 3);
    }

    [TestCase(Transpose.None)]
    [TestCase(Transpose.Transposed)]
    public void Gemv_with_empty_inner_dimension_scales_y_by_beta(Transpose trans)
    {
        // op(A) is 3×0: y ← α·op(A)·x + β·y = β·y, although BLAS itself returns early without scaling.
        bool plain = trans == Transpose.None;
        T[] y = [T.One, T.CreateTruncating(2), T.CreateTruncating(-4)];
        Blas.Gemv(trans, plain ? 3 : 0, plain ? 0 : 3, T.One, [], plain ? 3 : 1, [], T.CreateTruncating(0.5), y);
        Assert.That(y, Is.EqualTo(new[] { T.CreateTruncating(0.5), T.One, T.CreateTruncating(-2) }));
    }

    [Test]
    public void Gemv_with_empty_inner_dimension_and_zero_beta_zeroes_y()
    {
        T[] y = [T.NaN, T.NaN];
        Blas.Gemv(Transpose.None, 2, 0, T.One, [], 2, [], T.Zero, y);
        Assert.That(y, Is.All.EqualTo(T.Zero));
    }

    [TestCase("negative m", typeof(ArgumentOutOfRangeException), "m")]
    [TestCase("negative n", typeof(ArgumentOutOfRangeException), "n")]
    [TestCase("lda below m", typeof(ArgumentOutOfRangeException), "lda")]
    [TestCase("a too short", typeof(ArgumentException), "a")]
    [TestCase("x too short", typeof(ArgumentException), "x")]
    [TestCase("x too short for transposed A", typeof(ArgumentException), "x")]
    [TestCase("y too short", typeof(ArgumentException), "y")]
    [TestCase("y overlaps a", typeof(ArgumentException), "y")]
    [TestCase("y overlaps x", typeof(ArgumentException), "y")]
    public void Gemv_rejects_invalid_arguments(string @case, Type exception, string parameter)
    {
        // y (4) = A (4×3) · x (3) unless a case changes it.
        T[] a = new T[12], x = new T[3], y = new T[4], shared = new T[30];
        const Transpose N = Transpose.None;
        Action call = @case switch
        {
            "negative m" => () => Blas.Gemv(N, -1, 3, T.One, a, 4, x, T.Zero, y),
            "negative n" => () => Blas.Gemv(N, 4, -1, T.One, a, 4, x, T.Zero, y),
            "lda below m" => () => Blas.Gemv(N, 4, 3, T.One, a, 3, x, T.Zero, y),
            "a too short" => () => Blas.Gemv(N, 4, 3, T.One, a.AsSpan(1), 4, x, T.Zero, y),
            "x too short" => () => Blas.Gemv(N, 4, 3, T.One, a, 4, x.AsSpan(1), T.Zero, y),
            "x too short for transposed A" => () => Blas.Gemv(Transpose.Transposed, 4, 3, T.One, a, 4, x, T.Zero, y),
            "y too short" => () => Blas.Gemv(N, 4, 3, T.One, a, 4, x, T.Zero, y.AsSpan(1)),
            "y overlaps a" => () => Blas.Gemv(N, 4, 3, T.One, shared.AsSpan(0, 12), 4, x, T.Zero, shared.AsSpan(11, 4)),
            "y overlaps x" => () => Blas.Gemv(N, 4, 3, T.One, a, 4, shared.AsSpan(0, 3), T.Zero, shared.AsSpan(2, 4)),
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };
        Dense.AssertRejects(call, exception, parameter);
    }
}

internal static class GemvCases
{
    /// <summary>(m, n) as stored: square, tall, wide, 1×n, n×1; both transposes; ld = m or m + 3.</summary>
    public static IEnumerable<TestCaseData> Values()
    {
        (int m, int n)[] shapes = [(7, 7), (12, 4), (4, 12), (1, 8), (8, 1)];
        foreach (var (m, n) in shapes)
            foreach (var trans in new[] { Transpose.None, Transpose.Transposed })
                foreach (int pad in new[] { 0, 3 })
                    yield return new TestCaseData(m, n, trans, pad);
    }
}
