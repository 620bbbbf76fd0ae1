using BenchmarkDotNet.Attributes;
using MatrixSensing.Random;

namespace MatrixSensing.Benchmarks.Random;

/// <summary>The per-iteration draws of mini-batch SGD; all must show zero allocation.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class SamplingBenchmarks
{
    private const int Population = 100_000;
    private readonly int[] _batch = new int[64];
    private readonly int[] _permutation = new int[Population];
    private RandomStream _stream = new(0);
    private EpochSampler _sampler = new(1, new RandomStream(0));

    [GlobalSetup]
    public void Setup()
    {
        _stream = new RandomStream(3);
        _sampler = new EpochSampler(Population, new RandomStream(4));
        for (int i = 0; i < Population; i++)
        {
            _permutation[i] = i;
        }
    }

    [Benchmark]
    public int EpochSamplerNextBatch() => _sampler.NextBatch(_batch);

    [Benchmark]
    public void SampleWithoutReplacement64() => _stream.SampleWithoutReplacement(Population, _batch);

    [Benchmark]
    public void Shuffle100k() => _stream.Shuffle<int>(_permutation);
}
