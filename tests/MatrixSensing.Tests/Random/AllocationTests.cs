using MatrixSensing.Random;

namespace MatrixSensing.Tests.Random;

/// <summary>The calls a training loop makes every iteration must not allocate.</summary>
[NonParallelizable]
public class AllocationTests
{
    private static long AllocatedBy(Action action, int calls)
    {
        action(); // warm up: JIT, static tables, cached job objects
        action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++)
        {
            action();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Test]
    public void Per_iteration_draws_allocate_nothing()
    {
        var r = new RandomStream(1);
        var sampler = new EpochSampler(1000, r);
        var dropSampler = new EpochSampler(1000, r, dropIncompleteBatch: true);
        var batch = new int[64];
        var bigSample = new int[300];
        var sorted = new long[300];
        var perm = Enumerable.Range(0, 500).ToArray();
        var f = new float[10_000];
        var d = new double[10_000];
        var bits = new ulong[1000];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(AllocatedBy(() => _ = sampler.NextBatch(64), 5000), Is.Zero, "EpochSampler.NextBatch(int), across epochs");
            Assert.That(AllocatedBy(() => dropSampler.NextBatch(batch), 5000), Is.Zero, "EpochSampler.NextBatch(Span)");
            Assert.That(AllocatedBy(() => r.SampleWithoutReplacement(100_000, batch), 1000), Is.Zero, "SampleWithoutReplacement, Floyd");
            Assert.That(AllocatedBy(() => r.SampleWithoutReplacement(100_000, bigSample), 200), Is.Zero, "SampleWithoutReplacement, sorted");
            Assert.That(AllocatedBy(() => r.SampleWithoutReplacement(400, bigSample), 200), Is.Zero, "SampleWithoutReplacement, selection");
            Assert.That(AllocatedBy(() => r.SampleWithoutReplacementSorted(1L << 40, sorted), 200), Is.Zero, "SampleWithoutReplacementSorted(long)");
            Assert.That(AllocatedBy(() => r.Shuffle<int>(perm), 200), Is.Zero, "Shuffle");
            Assert.That(AllocatedBy(() => _ = r.NextInt(17) + r.NextNormal() + r.NextDouble(), 10_000), Is.Zero, "scalar draws");
            Assert.That(AllocatedBy(() => r.FillNormal<float>(f, 0.1f), 200), Is.Zero, "FillNormal<float>");
            Assert.That(AllocatedBy(() => r.FillNormal<double>(d, 0.1), 200), Is.Zero, "FillNormal<double>");
            Assert.That(AllocatedBy(() => r.FillUniform<double>(d), 200), Is.Zero, "FillUniform");
            Assert.That(AllocatedBy(() => r.FillRademacherBits(bits), 200), Is.Zero, "FillRademacherBits");
            Assert.That(AllocatedBy(() => ParallelNormal.Fill<float>(f, 3, 1f, 1), 200), Is.Zero, "ParallelNormal.Fill, one thread");
            Assert.That(AllocatedBy(() => ParallelNormal.FillRange<double>(d, 3, 1000, 1.0), 200), Is.Zero, "ParallelNormal.FillRange");
        }
    }

    [Test]
    public void Parallel_fill_makes_no_per_call_allocation()
    {
        // A job object per call would be ~100 B × 400 = 40 KB. The allowance is for the thread pool's own growth: the
        // pool may create a worker thread on the thread that queues work, and this counter then sees the Thread.
        var x = new float[4 * ParallelNormal.BlockLength];
        const int calls = 400;
        long bytes = AllocatedBy(() => ParallelNormal.Fill<float>(x, 3, 1f, 2), calls);
        TestContext.Out.WriteLine($"{bytes} bytes over {calls} parallel calls");
        Assert.That(bytes, Is.LessThan(16 * 1024));
    }
}
