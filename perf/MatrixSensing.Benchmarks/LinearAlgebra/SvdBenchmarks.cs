using BenchmarkDotNet.Attributes;
using MatrixSensing.LinearAlgebra;
using RefMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;

namespace MatrixSensing.Benchmarks.LinearAlgebra;

/// <summary>
/// SVD of an m×n double matrix: <see cref="SvdWorkspace{T}"/> (LAPACK gesdd / gesvd, thin factors, buffers sized
/// once) vs MathNet managed. MathNet has no thin SVD: with vectors it forms the full m×m U, so the "Vectors" group
/// favours us on tall shapes; the "Values" group (singular values only) is like for like.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(TwoCoreShortConfig))]
public class SvdBenchmarks
{
    private double[] _a = [], _s = [], _u = [], _vt = [];
    private RefMatrix _ma = null!;
    private SvdWorkspace<double> _gesdd = null!, _gesvd = null!;
    private int _m, _n;

    /// <summary>m×n.</summary>
    [Params("100x100", "500x50")]
    public string Shape { get; set; } = "100x100";

    /// <summary>OpenBLAS threads (and MathNet's MaxDegreeOfParallelism).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        BenchmarkData.UseThreads(Threads);
        string[] parts = Shape.Split('x');
        _m = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        _n = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        int r = Math.Min(_m, _n);
        _a = BenchmarkData.Random(_m, _n, 7);
        _s = new double[r];
        _u = new double[_m * r];
        _vt = new double[r * _n];
        _ma = RefMatrix.Build.DenseOfColumnMajor(_m, _n, _a);
        _gesdd = new SvdWorkspace<double>(_m, _n, SvdAlgorithm.DivideAndConquer);
        _gesvd = new SvdWorkspace<double>(_m, _n, SvdAlgorithm.QrIteration);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Vectors")]
    public object MathNetManaged() => _ma.Svd(computeVectors: true);

    [Benchmark]
    [BenchmarkCategory("Vectors")]
    public void Gesdd() => _gesdd.Decompose(_a, _m, _s, _u, _m, _vt, Math.Min(_m, _n));

    [Benchmark]
    [BenchmarkCategory("Vectors")]
    public void Gesvd() => _gesvd.Decompose(_a, _m, _s, _u, _m, _vt, Math.Min(_m, _n));

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Values")]
    public object MathNetManagedValues() => _ma.Svd(computeVectors: false);

    [Benchmark]
    [BenchmarkCategory("Values")]
    public void GesddValues() => _gesdd.SingularValues(_a, _m, _s);
}
