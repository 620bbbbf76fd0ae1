using MatrixSensing.Random;

namespace MatrixSensing.Tests.Random;

public class ValidationTests
{
    private static void ThrowsFor(string parameter, Action action) =>
        Assert.That(action, Throws.TypeOf<ArgumentOutOfRangeException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo(parameter));

    [Test]
    public void Integer_bounds_are_checked()
    {
        var r = new RandomStream(1);
        using (Assert.EnterMultipleScope())
        {
            ThrowsFor("maxExclusive", () => r.NextInt(0));
            ThrowsFor("maxExclusive", () => r.NextInt(-5));
            ThrowsFor("maxExclusive", () => r.NextInt(3, 3));
            ThrowsFor("maxExclusive", () => r.NextInt64(0));
        }
    }

    [TestCase(0.0)]
    [TestCase(-1.0)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void Standard_deviation_must_be_positive_and_finite(double sigma)
    {
        var r = new RandomStream(2);
        var d = new double[10];
        var f = new float[10];
        using (Assert.EnterMultipleScope())
        {
            ThrowsFor("standardDeviation", () => r.FillNormal<double>(d, sigma));
            ThrowsFor("standardDeviation", () => r.FillNormal<float>(f, (float)sigma));
            ThrowsFor("standardDeviation", () => ParallelNormal.Fill<double>(d, 1, sigma));
            ThrowsFor("standardDeviation", () => ParallelNormal.Fill<float>(f, 1, (float)sigma, 1));
            ThrowsFor("standardDeviation", () => ParallelNormal.FillRange<double>(d, 1, 0, sigma));
        }
    }

    [Test]
    public void Degree_of_parallelism_and_start_are_checked()
    {
        var d = new double[10];
        var r = new RandomStream(3);
        using (Assert.EnterMultipleScope())
        {
            ThrowsFor("maxDegreeOfParallelism", () => ParallelNormal.Fill<double>(d, 1, 1.0, 0));
            ThrowsFor("maxDegreeOfParallelism", () => ParallelNormal.Fill<double>(d, 1, 1.0, -2));
            ThrowsFor("maxDegreeOfParallelism", () => r.FillNormal<double>(d, 1.0, 0));
            ThrowsFor("start", () => ParallelNormal.FillRange<double>(d, 1, -1, 1.0));
        }
    }

    [Test]
    public void Sample_sizes_are_checked()
    {
        var r = new RandomStream(4);
        var four = new int[4];
        using (Assert.EnterMultipleScope())
        {
            ThrowsFor("populationSize", () => r.SampleWithoutReplacement(-1, four));
            ThrowsFor("populationSize", () => r.SampleWithoutReplacement(3, four));
            ThrowsFor("populationSize", () => r.SampleWithoutReplacementSorted(3, four));
            ThrowsFor("populationSize", () => r.SampleWithoutReplacementSorted(-1L, new long[1]));
            Assert.DoesNotThrow(() => r.SampleWithoutReplacement(0, Span<int>.Empty));
        }
    }

    [Test]
    public void EpochSampler_arguments_are_checked()
    {
        var r = new RandomStream(5);
        var sampler = new EpochSampler(10, r);
        using (Assert.EnterMultipleScope())
        {
            ThrowsFor("populationSize", () => _ = new EpochSampler(0, r));
            ThrowsFor("batchSize", () => sampler.NextBatch(0));
            ThrowsFor("batchSize", () => sampler.NextBatch(11));
            ThrowsFor("destination", () => sampler.NextBatch(Span<int>.Empty));
            ThrowsFor("destination", () => sampler.NextBatch(new int[11]));
            Assert.That(() => new EpochSampler(5, null!), Throws.ArgumentNullException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("random"));
        }
    }

    [Test]
    public void Unsupported_element_types_are_refused()
    {
        var r = new RandomStream(6);
        var h = new Half[4];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => r.FillNormal<Half>(h, Half.One), Throws.TypeOf<NotSupportedException>());
            Assert.That(() => r.FillUniform<Half>(h), Throws.TypeOf<NotSupportedException>());
            Assert.That(() => ParallelNormal.Fill<Half>(h, 1, Half.One), Throws.TypeOf<NotSupportedException>());
        }
    }

    [Test]
    public void Empty_destinations_are_fine()
    {
        var r = new RandomStream(7);
        Assert.DoesNotThrow(() =>
        {
            r.FillNormal<double>(Span<double>.Empty, 1.0);
            r.FillUniform<float>(Span<float>.Empty);
            r.FillRademacherBits(Span<ulong>.Empty);
            ParallelNormal.Fill<float>(Span<float>.Empty, 1, 1f, 2);
            ParallelNormal.FillRange<float>(Span<float>.Empty, 1, 10, 1f);
            r.Shuffle(Span<int>.Empty);
        });
    }
}
