using BenchmarkDotNet.Attributes;
using MatrixSensing.LinearAlgebra;
using RefMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;

namespace MatrixSensing.Benchmarks.LinearAlgebra;

/// <summary>C = A·B for square n×n doubles: OpenBLAS dgemm through <see cref="Blas.Gemm{T}"/> vs MathNet managed, into preallocated C.</summary>
[MemoryDiagnoser]
[Config(typeof(TwoCoreShortConfig))]
public class GemmSquareBenchmarks
{
    private double[] _a = [], _b = [], _c = [];
    private RefMatrix _ma = null!, _mb = null!, _mc = null!;

    /// <summary>Order of the matrices.</summary>
    [Params(64, 256, 512)]
    public int N { get; set; }

    /// <summary>OpenBLAS threads (and MathNet's MaxDegreeOfParallelism).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        BenchmarkData.UseThreads(Threads);
        _a = BenchmarkData.Random(N, N, 1);
        _b = BenchmarkData.Random(N, N, 2);
        _c = new double[N * N];
        _ma = RefMatrix.Build.DenseOfColumnMajor(N, N, _a);
        _mb = RefMatrix.Build.DenseOfColumnMajor(N, N, _b);
        _mc = RefMatrix.Build.Dense(N, N);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("A·B")]
    public void MathNetManaged() => _ma.Multiply(_mb, _mc);

    [Benchmark]
    [BenchmarkCategory("A·B")]
    public void OpenBlas() => Blas.Gemm(Transpose.None, Transpose.None, N, N, N, 1.0, _a, N, _b, N, 0.0, _c, N);
}

/// <summary>
/// The low-rank reconstruction X = U·Vᵀ (U, V n×h, X n×n) of a factorized solver. n = 1000 only: at n = 10000
/// X alone is 800 MB, more than a shared 2-core machine should hold twice.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(TwoCoreShortConfig))]
public class GemmLowRankProductBenchmarks
{
    private double[] _u = [], _v = [], _x = [];
    private RefMatrix _mu = null!, _mv = null!, _mx = null!;

    /// <summary>Rows of U and V.</summary>
    [Params(1000)]
    public int N { get; set; }

    /// <summary>Rank (columns of U and V).</summary>
    [Params(5, 10, 32)]
    public int H { get; set; }

    /// <summary>OpenBLAS threads (and MathNet's MaxDegreeOfParallelism).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        BenchmarkData.UseThreads(Threads);
        _u = BenchmarkData.Random(N, H, 3);
        _v = BenchmarkData.Random(N, H, 4);
        _x = new double[N * N];
        _mu = RefMatrix.Build.DenseOfColumnMajor(N, H, _u);
        _mv = RefMatrix.Build.DenseOfColumnMajor(N, H, _v);
        _mx = RefMatrix.Build.Dense(N, N);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("U·Vᵀ")]
    public void MathNetManaged() => _mu.TransposeAndMultiply(_mv, _mx);

    [Benchmark]
    [BenchmarkCategory("U·Vᵀ")]
    public void OpenBlas() => Blas.Gemm(Transpose.None, Transpose.Transposed, N, N, H, 1.0, _u, N, _v, N, 0.0, _x, N);
}

/// <summary>The h×h cross product Aᵀ·B of two tall-skinny n×h factors (Gram matrices, UᵀU − VᵀV balancing, projections).</summary>
[MemoryDiagnoser]
[Config(typeof(TwoCoreShortConfig))]
public class GemmCrossProductBenchmarks
{
    private double[] _a = [], _b = [], _c = [];
    private RefMatrix _ma = null!, _mb = null!, _mc = null!;

    /// <summary>Rows of A and B.</summary>
    [Params(1000, 10000)]
    public int N { get; set; }

    /// <summary>Columns of A and B.</summary>
    [Params(5, 10, 32)]
    public int H { get; set; }

    /// <summary>OpenBLAS threads (and MathNet's MaxDegreeOfParallelism).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        BenchmarkData.UseThreads(Threads);
        _a = BenchmarkData.Random(N, H, 5);
        _b = BenchmarkData.Random(N, H, 6);
        _c = new double[H * H];
        _ma = RefMatrix.Build.DenseOfColumnMajor(N, H, _a);
        _mb = RefMatrix.Build.DenseOfColumnMajor(N, H, _b);
        _mc = RefMatrix.Build.Dense(H, H);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Aᵀ·B")]
    public void MathNetManaged() => _ma.TransposeThisAndMultiply(_mb, _mc);

    [Benchmark]
    [BenchmarkCategory("Aᵀ·B")]
    public void OpenBlas() => Blas.Gemm(Transpose.Transposed, Transpose.None, H, H, N, 1.0, _a, N, _b, N, 0.0, _c, H);
}
