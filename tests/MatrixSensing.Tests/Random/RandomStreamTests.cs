using MatrixSensing.Random;

namespace MatrixSensing.Tests.Random;

public class RandomStreamTests
{
    [Test]
    public void Normals_have_the_moments_and_distribution_of_a_standard_normal()
    {
        var x = new double[200_000];
        new RandomStream(1).FillNormal<double>(x, 1.0);
        double mean = x.Average(), variance = x.Select(v => (v - mean) * (v - mean)).Average();
        double kurtosis = x.Select(v => Math.Pow(v - mean, 4)).Average() / (variance * variance);
        double tail = x.Count(v => Math.Abs(v) > 3) / (double)x.Length;
        Array.Sort(x);
        double ks = 0;
        for (int i = 0; i < x.Length; i++)
            ks = Math.Max(ks, Math.Abs((i + 0.5) / x.Length - NormalCdf(x[i])));
        Assert.Multiple(() =>
        {
            Assert.That(mean, Is.EqualTo(0).Within(0.01));
            Assert.That(variance, Is.EqualTo(1).Within(0.01));
            Assert.That(kurtosis, Is.EqualTo(3).Within(0.05));
            Assert.That(tail, Is.EqualTo(0.0027).Within(0.0006));
            Assert.That(ks, Is.LessThan(1.95 / Math.Sqrt(x.Length)), "Kolmogorov–Smirnov at the 0.001 level");
        });
    }

    [Test]
    public void Float_normals_are_scaled_by_the_standard_deviation()
    {
        var x = new float[100_001];
        new RandomStream(2).FillNormal<float>(x, 0.5f);
        double variance = x.Select(v => (double)v * v).Average();
        Assert.That(variance, Is.EqualTo(0.25).Within(0.005));
    }

    [Test]
    public void Uniforms_fill_equal_bins()
    {
        var u = new double[100_000];
        new RandomStream(3).FillUniform<double>(u);
        var bins = new int[20];
        foreach (var v in u) bins[(int)(v * 20)]++;
        double expected = u.Length / 20.0;
        double chi2 = bins.Sum(b => (b - expected) * (b - expected) / expected);
        Assert.That(chi2, Is.LessThan(43.8), "chi-square with 19 degrees of freedom at the 0.001 level");
    }

    [Test]
    public void Rademacher_bits_are_balanced_and_adjacent_words_uncorrelated()
    {
        var words = new ulong[20_000];
        new RandomStream(4).FillRademacherBits(words);
        long ones = words.Sum(w => (long)ulong.PopCount(w));
        long agreements = 0;
        for (int i = 1; i < words.Length; i++) agreements += (long)ulong.PopCount(~(words[i] ^ words[i - 1]));
        long bits = 64L * words.Length;
        Assert.That(ones / (double)bits, Is.EqualTo(0.5).Within(0.002));
        Assert.That(agreements / (double)(bits - 64), Is.EqualTo(0.5).Within(0.002));
    }

    [Test]
    public void Same_seed_and_stream_repeat_and_others_differ()
    {
        ulong[] Draw(ulong seed, ulong stream) { var r = new RandomStream(seed, stream); return [.. Enumerable.Range(0, 8).Select(_ => r.NextUInt64())]; }
        var first = Draw(5, 0);
        Assert.That(Draw(5, 0), Is.EqualTo(first));
        Assert.That(Draw(5, 0), Is.Not.EqualTo(Draw(5, 1)));
        Assert.That(Draw(5, 0), Is.Not.EqualTo(Draw(6, 0)));
    }

    [Test]
    public void Parallel_fill_is_independent_of_the_thread_count()
    {
        var one = new double[3 * ParallelNormal.BlockLength + 17];
        var two = new double[one.Length];
        ParallelNormal.Fill(one, 9, 1.0, maxDegreeOfParallelism: 1);
        ParallelNormal.Fill(two, 9, 1.0, maxDegreeOfParallelism: 2);
        var sequential = new double[one.Length];
        ParallelNormal.FillSequential<double>(sequential, 9, 1.0, new RandomStream(0));
        Assert.That(two, Is.EqualTo(one));
        Assert.That(sequential, Is.EqualTo(one));
        Assert.That(one.Distinct().Count(), Is.EqualTo(one.Length), "blocks draw from different streams");
    }

    [Test]
    public void Sampling_without_replacement_gives_distinct_indices_with_uniform_marginals()
    {
        var counts = new int[50];
        var rng = new RandomStream(10);
        var sample = new int[5];
        for (int trial = 0; trial < 4000; trial++)
        {
            rng.SampleWithoutReplacement(50, sample);
            Assert.That(sample.Distinct().Count(), Is.EqualTo(5));
            foreach (var s in sample) counts[s]++;
        }
        var dense = new int[40];
        rng.SampleWithoutReplacement(50, dense);
        Assert.That(dense.Distinct().Count(), Is.EqualTo(40));
        Assert.That(dense.All(i => i is >= 0 and < 50));
        double expected = 4000 * 5 / 50.0;
        double chi2 = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.That(chi2, Is.LessThan(85.4), "chi-square with 49 degrees of freedom at the 0.001 level");
    }

    [Test]
    public void Epoch_sampler_covers_every_index_once_per_epoch_without_allocating()
    {
        var sampler = new EpochSampler(100, new RandomStream(11));
        var seen = new List<int>();
        for (int b = 0; b < 10; b++) seen.AddRange(sampler.NextBatch(10).ToArray());
        Assert.That(seen.Order(), Is.EqualTo(Enumerable.Range(0, 100)));
        Assert.That(sampler.Epoch, Is.Zero);
        sampler.NextBatch(10);
        Assert.That(sampler.Epoch, Is.EqualTo(1));
        Assert.That(AllocationProbe.Measure(() => { for (int i = 0; i < 1000; i++) sampler.NextBatch(7); }), Is.Zero);
    }

    [Test]
    public void Bad_arguments_name_themselves()
    {
        var rng = new RandomStream(1);
        Assert.Multiple(() =>
        {
            Assert.That(() => rng.FillNormal<double>(new double[3], 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("standardDeviation"));
            Assert.That(() => rng.NextInt(0), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => rng.SampleWithoutReplacement(3, new int[4]), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("populationSize"));
            Assert.That(() => new EpochSampler(0, rng), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new EpochSampler(5, rng).NextBatch(6), Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }

    private static double NormalCdf(double x) => 0.5 * (1 + Erf(x / Math.Sqrt(2)));

    // Abramowitz–Stegun 7.1.26 is too coarse for a KS test on 2e5 samples; use the series/continued fraction via MathNet.
    private static double Erf(double x) => MathNet.Numerics.SpecialFunctions.Erf(x);
}
