using MatrixSensing.Random;

namespace MatrixSensing.Tests.Random;

public class SamplingTests
{
    private const double Alpha = 1e-4;

    [TestCase(10, 10)]
    [TestCase(100, 5)]       // Floyd
    [TestCase(1000, 64)]     // Floyd, largest
    [TestCase(1000, 100)]    // draw, sort, deduplicate
    [TestCase(1000, 500)]    // selection sampling
    [TestCase(1, 1)]
    [TestCase(5, 0)]
    [TestCase(int.MaxValue, 40)]
    public void SampleWithoutReplacement_gives_distinct_indices_in_range(int population, int k)
    {
        var r = new RandomStream(1);
        var x = new int[k];
        for (int trial = 0; trial < 20; trial++)
        {
            r.SampleWithoutReplacement(population, x);
            Assert.That(x, Is.Unique);
            Assert.That(x, Is.All.InRange(0, population - 1));
        }
    }

    [TestCase(20, 5)]     // Floyd
    [TestCase(800, 70)]   // draw, sort, deduplicate
    [TestCase(50, 33)]    // selection sampling
    public void SampleWithoutReplacement_has_uniform_marginals_and_order(int population, int k)
    {
        var r = new RandomStream(2);
        var x = new int[k];
        var counts = new long[population];
        var firsts = new long[population];
        const int trials = 40_000;
        for (int t = 0; t < trials; t++)
        {
            r.SampleWithoutReplacement(population, x);
            foreach (int i in x)
            {
                counts[i]++;
            }

            firsts[x[0]]++;
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Stats.ChiSquareUniform(counts), Is.LessThan(Stats.ChiSquareCritical(population - 1, Alpha)), "inclusion");
            Assert.That(Stats.ChiSquareUniform(firsts), Is.LessThan(Stats.ChiSquareCritical(population - 1, Alpha)), "first position");
        }
    }

    [Test]
    public void Subsets_are_uniform_not_just_marginals()
    {
        // All C(6, 3) = 20 subsets: selection sampling (sorted) and Floyd (unsorted).
        var r = new RandomStream(3);
        var sorted = new int[3];
        var unsorted = new int[3];
        var countsSorted = new long[64];
        var countsUnsorted = new long[64];
        const int trials = 100_000;
        for (int t = 0; t < trials; t++)
        {
            r.SampleWithoutReplacementSorted(6, sorted);
            r.SampleWithoutReplacement(6, unsorted);
            countsSorted[sorted.Sum(i => 1 << i)]++;
            countsUnsorted[unsorted.Sum(i => 1 << i)]++;
        }

        long[] s = countsSorted.Where(c => c > 0).ToArray();
        long[] u = countsUnsorted.Where(c => c > 0).ToArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(s, Has.Length.EqualTo(20));
            Assert.That(u, Has.Length.EqualTo(20));
            Assert.That(Stats.ChiSquareUniform(s), Is.LessThan(Stats.ChiSquareCritical(19, Alpha)));
            Assert.That(Stats.ChiSquareUniform(u), Is.LessThan(Stats.ChiSquareCritical(19, Alpha)));
        }
    }

    [Test]
    public void Sparse_sorted_subsets_are_uniform()
    {
        // k ≤ n/8 takes the draw-sort-deduplicate path: all C(16, 2) = 120 pairs.
        var r = new RandomStream(4);
        var x = new int[2];
        var counts = new long[40 * 40];
        const int trials = 120 * 1000;
        for (int t = 0; t < trials; t++)
        {
            r.SampleWithoutReplacementSorted(16, x.AsSpan(0, 2));
            counts[(x[0] * 40) + x[1]]++;
        }

        long[] nonEmpty = counts.Where(c => c > 0).ToArray();
        Assert.That(nonEmpty, Has.Length.EqualTo(16 * 15 / 2));
        Assert.That(Stats.ChiSquareUniform(nonEmpty), Is.LessThan(Stats.ChiSquareCritical(nonEmpty.Length - 1, Alpha)));
    }

    [Test]
    public void Sorted_samples_are_increasing_including_long_populations()
    {
        var r = new RandomStream(5);
        var ints = new int[10_000];
        var longs = new long[10_000];
        r.SampleWithoutReplacementSorted(50_000, ints);
        r.SampleWithoutReplacementSorted(1_000_000_000_000L, longs);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ints, Is.Ordered.Ascending.And.Unique);
            Assert.That(longs, Is.Ordered.Ascending.And.Unique);
            Assert.That(longs, Is.All.InRange(0L, 999_999_999_999L));
            Assert.That(longs[^1], Is.GreaterThan(900_000_000_000L), "covers the range");
        }
    }

    [Test]
    public void Shuffle_gives_every_permutation_equally_often()
    {
        var r = new RandomStream(6);
        var counts = new Dictionary<int, long>();
        var x = new int[4];
        const int trials = 240_000;
        for (int t = 0; t < trials; t++)
        {
            for (int i = 0; i < 4; i++)
            {
                x[i] = i;
            }

            r.Shuffle<int>(x);
            int key = (x[0] * 1000) + (x[1] * 100) + (x[2] * 10) + x[3];
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        Assert.That(counts, Has.Count.EqualTo(24));
        Assert.That(Stats.ChiSquareUniform(counts.Values.ToArray()), Is.LessThan(Stats.ChiSquareCritical(23, Alpha)));
    }

    [TestCase(1000, 64, false)]
    [TestCase(1000, 100, false)]
    [TestCase(1000, 1000, false)]
    [TestCase(7, 3, false)]
    public void EpochSampler_covers_every_index_once_per_epoch(int m, int b, bool drop)
    {
        var sampler = new EpochSampler(m, new RandomStream(7), drop);
        for (int epoch = 0; epoch < 5; epoch++)
        {
            var seen = new List<int>();
            while (seen.Count < m)
            {
                var batch = sampler.NextBatch(b);
                Assert.That(batch.Length, Is.EqualTo(Math.Min(b, m - seen.Count)));
                Assert.That(sampler.Epoch, Is.EqualTo(epoch));
                seen.AddRange(batch.ToArray());
            }

            Assert.That(seen, Is.EquivalentTo(Enumerable.Range(0, m)), $"epoch {epoch}");
        }
    }

    [Test]
    public void EpochSampler_dropping_short_batches_keeps_batches_full_and_distinct()
    {
        var sampler = new EpochSampler(10, new RandomStream(8), dropIncompleteBatch: true);
        var dest = new int[4];
        for (int i = 0; i < 30; i++)
        {
            long epoch = sampler.Epoch;
            int position = sampler.Position;
            int n = sampler.NextBatch(dest);
            Assert.That(n, Is.EqualTo(4));
            Assert.That(dest, Is.Unique);
            Assert.That(dest, Is.All.InRange(0, 9));
            Assert.That(sampler.Epoch, Is.EqualTo(position + 4 > 10 ? epoch + 1 : epoch));
        }
    }

    [Test]
    public void EpochSampler_reshuffles_between_epochs()
    {
        var sampler = new EpochSampler(50, new RandomStream(9));
        int[] first = sampler.NextBatch(50).ToArray();
        int[] second = sampler.NextBatch(50).ToArray();
        Assert.That(second, Is.Not.EqualTo(first));
        Assert.That(sampler.Epoch, Is.EqualTo(1));
    }

    [Test]
    public void EpochSampler_first_positions_are_uniform_over_epochs()
    {
        var sampler = new EpochSampler(10, new RandomStream(10));
        var counts = new long[10];
        for (int e = 0; e < 50_000; e++)
        {
            counts[sampler.NextBatch(10)[0]]++;
        }

        Assert.That(Stats.ChiSquareUniform(counts), Is.LessThan(Stats.ChiSquareCritical(9, Alpha)));
    }
}
