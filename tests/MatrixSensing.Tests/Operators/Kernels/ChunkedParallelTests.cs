using MatrixSensing.Operators.Kernels;

namespace MatrixSensing.Tests.Operators.Kernels;

/// <summary>The one threading mechanism: every chunk runs exactly once, on any thread count, and failures surface.</summary>
[Category("Kernels")]
public unsafe class ChunkedParallelTests
{
    private struct Mark : IChunkJob
    {
        internal int* Counts;
        internal int Fail;

        public readonly void Run(int chunk)
        {
            if (chunk == Fail) throw new InvalidOperationException($"chunk {chunk}");
            Interlocked.Increment(ref Counts[chunk]);
        }
    }

    [TestCase(1, 1)]
    [TestCase(7, 1)]
    [TestCase(7, 2)]
    [TestCase(16, 3)]
    [TestCase(3, 8)]
    public void Every_chunk_runs_once(int chunks, int threads)
    {
        var counts = new int[chunks];
        fixed (int* p = counts)
            for (int round = 0; round < 50; round++)
                ChunkedParallel.For(chunks, new Mark { Counts = p, Fail = -1 }, threads);
        Assert.That(counts, Is.All.EqualTo(50));
    }

    [Test]
    public void A_failing_chunk_is_rethrown_on_the_caller_and_the_helpers_stay_usable([Values(0, 5)] int failing)
    {
        var counts = new int[8];
        fixed (int* p = counts)
        {
            var job = new Mark { Counts = p, Fail = failing };
            Assert.That(() => ChunkedParallel.For(8, job, 2), Throws.Exception);
            Array.Clear(counts);
            ChunkedParallel.For(8, new Mark { Counts = p, Fail = -1 }, 2);
        }
        Assert.That(counts, Is.All.EqualTo(1));
    }

    [Test]
    public void Concurrent_callers_each_get_all_their_chunks()
    {
        var counts = new int[4][];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
        {
            counts[k] = new int[9];
            fixed (int* p = counts[k])
                for (int round = 0; round < 200; round++)
                    ChunkedParallel.For(9, new Mark { Counts = p, Fail = -1 }, 2);
        });
        Assert.That(counts.SelectMany(c => c), Is.All.EqualTo(200));
    }

    [Test]
    public void Ranges_partition_the_units_on_granule_boundaries()
    {
        foreach (var (count, chunks, granule) in new[] { (1000, 7, 1), (143, 3, 64), (5, 16, 1), (4096, 16, 64) })
        {
            int expected = 0;
            for (int c = 0; c < chunks; c++)
            {
                var (start, end) = ChunkedParallel.Range(count, chunks, c, granule);
                Assert.That(start, Is.EqualTo(expected), $"{count}/{chunks}/{granule} chunk {c}");
                Assert.That(start % granule == 0 || start == count, Is.True);
                Assert.That(end, Is.GreaterThanOrEqualTo(start));
                expected = end;
            }
            Assert.That(expected, Is.EqualTo(count));
        }
    }
}
