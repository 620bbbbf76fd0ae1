using BenchmarkDotNet.Attributes;
using MatrixSensing.Random;

namespace MatrixSensing.Benchmarks.Random;

/// <summary>
/// Normals per second of the bulk fillers (one operation = one normal; read the Op/s column), float and double, on
/// one and two threads, against the scalar ziggurat. Run:
/// <c>dotnet run -c Release --project perf/MatrixSensing.Benchmarks -- --filter *NormalFill*</c>.
/// </summary>
[MemoryDiagnoser]
[OperationsPerSecond]
[ShortRunJob]
public class NormalFillBenchmarks
{
    private const int Length = 10_000_000;
    private const int ScalarLength = 1_000_000;

    private float[] _single = [];
    private double[] _double = [];
    private RandomStream _stream = new(0);

    /// <summary>Threads for the parallel fill (1 = the calling thread only).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _single = new float[Length];
        _double = new double[Length];
        _stream = new RandomStream(1);
        ParallelNormal.Fill<float>(_single, 1, 1f, Threads);
        ParallelNormal.Fill<double>(_double, 1, 1.0, Threads);
    }

    [Benchmark(OperationsPerInvoke = Length)]
    public void FillFloat() => ParallelNormal.Fill<float>(_single, 42, 1f, Threads);

    [Benchmark(OperationsPerInvoke = Length)]
    public void FillDouble() => ParallelNormal.Fill<double>(_double, 42, 1.0, Threads);

    [Benchmark(OperationsPerInvoke = ScalarLength)]
    public double ScalarNextNormal()
    {
        double sum = 0;
        for (int i = 0; i < ScalarLength; i++)
        {
            sum += _stream.NextNormal();
        }

        return sum;
    }
}
