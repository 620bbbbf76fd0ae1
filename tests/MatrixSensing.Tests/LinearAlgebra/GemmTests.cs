using System.Numerics;
using MatrixSensing.LinearAlgebra;
using RefMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;

namespace MatrixSensing.Tests.LinearAlgebra;

[TestFixture(typeof(float))]
[TestFixture(typeof(double))]
public class GemmTests<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly T Alpha = T.CreateTruncating(1.5), Beta = T.CreateTruncating(-0.5);

    [TestCaseSource(typeof(GemmCases), nameof(GemmCases.Values))]
    public void Gemm_matches_MathNet(int m, int n, int k, Transpose transA, Transpose transB, int pad)
    {
        var a = transA == Transpose.None ? Dense.Random<T>(m, k, 1) : Dense.Random<T>(k, m, 1);
        var b = transB == Transpose.None ? Dense.Random<T>(k, n, 2) : Dense.Random<T>(n, k, 2);
        var c0 = Dense.Random<T>(m, n, 3);
        int lda = a.RowCount + pad, ldb = b.RowCount + pad, ldc = m + pad;
        T[] aBuf = Dense.Pack<T>(a, lda), bBuf = Dense.Pack<T>(b, ldb), cBuf = Dense.Pack<T>(c0, ldc, Dense.Sentinel);

        Blas.Gemm(transA, transB, m, n, k, Alpha, aBuf, lda, bBuf, ldb, Beta, cBuf, ldc);

        var opA = transA == Transpose.None ? a : a.Transpose();
        var opB = transB == Transpose.None ? b : b.Transpose();
        var expected = 1.5 * (opA * opB) - 0.5 * c0;
        Dense.AssertClose(Dense.Unpack<T>(cBuf, m, n, ldc), expected, Dense.BlasTolerance<T>() * k, "C");
        Dense.AssertPaddingIs<T>(cBuf, m, n, ldc);
    }

    [Test]
    public void Gemm_with_zero_beta_ignores_NaN_in_C()
    {
        var a = Dense.Random<T>(4, 3, 1);
        var b = Dense.Random<T>(3, 5, 2);
        T[] c = new T[20];
        Array.Fill(c, T.NaN);
        Blas.Gemm(Transpose.None, Transpose.None, 4, 5, 3, T.One, Dense.Pack<T>(a, 4), 4, Dense.Pack<T>(b, 3), 3, T.Zero, c, 4);
        Dense.AssertClose(Dense.Unpack<T>(c, 4, 5, 4), a * b, Dense.BlasTolerance<T>() * 3);
    }

    [Test]
    public void Gemm_with_empty_inner_dimension_scales_C_by_beta()
    {
        var c0 = Dense.Random<T>(3, 4, 3);
        T[] c = Dense.Pack<T>(c0, 3);
        Blas.Gemm(Transpose.None, Transpose.None, 3, 4, 0, T.One, [], 3, [], 1, Beta, c, 3);
        Dense.AssertClose(Dense.Unpack<T>(c, 3, 4, 3), -0.5 * c0, Dense.BlasTolerance<T>());
    }

    [Test]
    public void Gemm_with_empty_inner_dimension_and_zero_beta_zeroes_C()
    {
        T[] c = [T.NaN, T.NaN, T.NaN, T.NaN];
        Blas.Gemm(Transpose.Transposed, Transpose.None, 2, 2, 0, T.One, [], 1, [], 1, T.Zero, c, 2);
        Assert.That(c, Is.All.EqualTo(T.Zero));
    }

    [Test]
    public void Gemm_with_empty_output_does_nothing()
    {
        T[] c = [T.CreateTruncating(Dense.Sentinel)];
        Blas.Gemm(Transpose.None, Transpose.None, 0, 5, 3, T.One, [], 1, new T[15], 3, T.Zero, c, 1);
        Assert.That(c[0], Is.EqualTo(T.CreateTruncating(Dense.Sentinel)));
    }

    [TestCase("negative m", typeof(ArgumentOutOfRangeException), "m")]
    [TestCase("negative n", typeof(ArgumentOutOfRangeException), "n")]
    [TestCase("negative k", typeof(ArgumentOutOfRangeException), "k")]
    [TestCase("lda below m", typeof(ArgumentOutOfRangeException), "lda")]
    [TestCase("lda below k for transposed A", typeof(ArgumentOutOfRangeException), "lda")]
    [TestCase("ldb below k", typeof(ArgumentOutOfRangeException), "ldb")]
    [TestCase("ldb below n for transposed B", typeof(ArgumentOutOfRangeException), "ldb")]
    [TestCase("ldc below m", typeof(ArgumentOutOfRangeException), "ldc")]
    [TestCase("a too short", typeof(ArgumentException), "a")]
    [TestCase("a too short for its leading dimension", typeof(ArgumentException), "a")]
    [TestCase("b too short", typeof(ArgumentException), "b")]
    [TestCase("c too short", typeof(ArgumentException), "c")]
    [TestCase("c overlaps a", typeof(ArgumentException), "c")]
    [TestCase("c overlaps b", typeof(ArgumentException), "c")]
    public void Gemm_rejects_invalid_arguments(string @case, Type exception, string parameter)
    {
        // C (4×3) = A (4×2) · B (2×3) unless a case changes it.
        T[] a = new T[8], b = new T[6], c = new T[12], shared = new T[40];
        const Transpose N = Transpose.None, Tr = Transpose.Transposed;
        Action call = @case switch
        {
            "negative m" => () => Blas.Gemm(N, N, -1, 3, 2, T.One, a, 4, b, 2, T.Zero, c, 4),
            "negative n" => () => Blas.Gemm(N, N, 4, -1, 2, T.One, a, 4, b, 2, T.Zero, c, 4),
            "negative k" => () => Blas.Gemm(N, N, 4, 3, -1, T.One, a, 4, b, 2, T.Zero, c, 4),
            "lda below m" => () => Blas.Gemm(N, N, 4, 3, 2, T.One, a, 3, b, 2, T.Zero, c, 4),
            "lda below k for transposed A" => () => Blas.Gemm(Tr, N, 2, 3, 4, T.One, a, 2, new T[12], 4, T.Zero, new T[6], 2),
            "ldb below k" => () => Blas.Gemm(N, N, 4, 3, 2, T.One, a, 4, b, 1, T.Zero, c, 4),
            "ldb below n for transposed B" => () => Blas.Gemm(N, Tr, 4, 3, 2, T.One, a, 4, b, 2, T.Zero, c, 4),
            "ldc below m" => () => Blas.Gemm(N, N, 4, 3, 2, T.One, a, 4, b, 2, T.Zero, c, 3),
            "a too short" => () => Blas.Gemm(N, N, 4, 3, 2, T.One, a.AsSpan(0, 7), 4, b, 2, T.Zero, c, 4),
            "a too short for its leading dimension" => () => Blas.Gemm(N, N, 4, 3, 2, T.One, a, 5, b, 2, T.Zero, c, 4),
            "b too short" => () => Blas.Gemm(N, N, 4, 3, 2, T.One, a, 4, b.AsSpan(1), 2, T.Zero, c, 4),
            "c too short" => () => Blas.Gemm(N, N, 4, 3, 2, T.One, a, 4, b, 2, T.Zero, c.AsSpan(0, 11), 4),
            "c overlaps a" => () => Blas.Gemm(N, N, 4, 3, 2, T.One, shared.AsSpan(0, 8), 4, b, 2, T.Zero, shared.AsSpan(7, 12), 4),
            "c overlaps b" => () => Blas.Gemm(N, N, 4, 3, 2, T.One, a, 4, shared.AsSpan(20, 6), 2, T.Zero, shared.AsSpan(14, 12), 4),
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };
        Dense.AssertRejects(call, exception, parameter);
    }

    [Test]
    public void Gemm_accepts_adjacent_non_overlapping_buffers()
    {
        T[] shared = new T[8 + 6 + 12];
        shared.AsSpan(0, 14).Fill(T.One);
        Blas.Gemm(Transpose.None, Transpose.None, 4, 3, 2, T.One, shared.AsSpan(0, 8), 4, shared.AsSpan(8, 6), 2, T.Zero, shared.AsSpan(14), 4);
        Assert.That(shared[14..], Is.All.EqualTo(T.CreateTruncating(2)));
    }
}

internal static class GemmCases
{
    /// <summary>(m, n, k): square, tall, wide, 1×n, n×1 and an outer product (k = 1); every transpose; ld = rows or rows + 3.</summary>
    public static IEnumerable<TestCaseData> Values()
    {
        (int m, int n, int k)[] shapes = [(7, 7, 7), (13, 3, 5), (3, 13, 5), (1, 9, 4), (9, 1, 4), (6, 5, 1)];
        foreach (var (m, n, k) in shapes)
            foreach (var ta in new[] { Transpose.None, Transpose.Transposed })
                foreach (var tb in new[] { Transpose.None, Transpose.Transposed })
                    foreach (int pad in new[] { 0, 3 })
                        yield return new TestCaseData(m, n, k, ta, tb, pad);
    }
}
