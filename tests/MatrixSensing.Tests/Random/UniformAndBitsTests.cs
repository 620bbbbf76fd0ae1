using System.Numerics;
using MatrixSensing.Random;

namespace MatrixSensing.Tests.Random;

public class UniformAndBitsTests
{
    private const double Alpha = 1e-4;

    private static void AssertUniformBins(IEnumerable<double> values, int bins, string what)
    {
        var counts = new long[bins];
        long n = 0;
        double sum = 0;
        foreach (double u in values)
        {
            Assert.That(u, Is.GreaterThanOrEqualTo(0.0).And.LessThan(1.0), what);
            counts[(int)(u * bins)]++;
            sum += u;
            n++;
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Stats.ChiSquareUniform(counts), Is.LessThan(Stats.ChiSquareCritical(bins - 1, Alpha)), $"{what}: χ²");
            Assert.That(sum / n, Is.EqualTo(0.5).Within(5 * Math.Sqrt(1.0 / 12 / n)), $"{what}: mean");
        }
    }

    [Test]
    public void FillUniform_float_has_uniform_bins()
    {
        var x = new float[1_000_003];
        new RandomStream(1).FillUniform<float>(x);
        AssertUniformBins(x.Select(v => (double)v), 1000, "float");
    }

    [Test]
    public void FillUniform_double_has_uniform_bins()
    {
        var x = new double[1_000_003];
        new RandomStream(2).FillUniform<double>(x);
        AssertUniformBins(x, 1000, "double");
    }

    [Test]
    public void NextDouble_and_NextSingle_have_uniform_bins()
    {
        var r = new RandomStream(3);
        AssertUniformBins(Enumerable.Range(0, 500_000).Select(_ => r.NextDouble()), 500, "NextDouble");
        AssertUniformBins(Enumerable.Range(0, 500_000).Select(_ => (double)r.NextSingle()), 500, "NextSingle");
    }

    [Test]
    public void NextInt_is_uniform_over_a_small_range()
    {
        var r = new RandomStream(4);
        var counts = new long[7];
        for (int i = 0; i < 700_000; i++)
        {
            counts[r.NextInt(7)]++;
        }

        Assert.That(Stats.ChiSquareUniform(counts), Is.LessThan(Stats.ChiSquareCritical(6, Alpha)));
    }

    [Test]
    public void NextInt_has_no_modulo_bias_on_a_large_range()
    {
        // With range 3·2^29, x mod range would put 3/4 of the mass below 2^30; the unbiased answer is 2/3.
        var r = new RandomStream(5);
        const int n = 200_000;
        long below = 0;
        for (int i = 0; i < n; i++)
        {
            below += r.NextInt(0x6000_0000) < 0x4000_0000 ? 1 : 0;
        }

        long below64 = 0;
        for (int i = 0; i < n; i++)
        {
            below64 += r.NextInt64(0x6000_0000_0000_0000) < 0x4000_0000_0000_0000 ? 1 : 0;
        }

        using (Assert.EnterMultipleScope())
        {
            Stats.AssertBinomial(below, n, 2.0 / 3, 5, "NextInt");
            Stats.AssertBinomial(below64, n, 2.0 / 3, 5, "NextInt64");
        }
    }

    [Test]
    public void NextInt_with_bounds_stays_in_range()
    {
        var r = new RandomStream(6);
        int min = int.MaxValue, max = int.MinValue;
        for (int i = 0; i < 100_000; i++)
        {
            int v = r.NextInt(-3, 4);
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        int wide = r.NextInt(int.MinValue, int.MaxValue);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(min, Is.EqualTo(-3));
            Assert.That(max, Is.EqualTo(3));
            Assert.That(wide, Is.LessThan(int.MaxValue));
            Assert.That(r.NextInt(1), Is.Zero);
        }
    }

    [Test]
    public void Rademacher_bits_are_balanced_in_every_position()
    {
        const int words = 1_000_003;
        var x = new ulong[words];
        new RandomStream(7).FillRademacherBits(x);
        var ones = new long[64];
        long total = 0;
        foreach (ulong w in x)
        {
            total += BitOperations.PopCount(w);
            for (int b = 0; b < 64; b++)
            {
                ones[b] += (long)((w >> b) & 1);
            }
        }

        using (Assert.EnterMultipleScope())
        {
            Stats.AssertBinomial(total, 64L * words, 0.5, 5, "all bits");
            for (int b = 0; b < 64; b++)
            {
                Stats.AssertBinomial(ones[b], words, 0.5, 5, $"bit {b}");
            }
        }
    }

    [TestCase(1)]
    [TestCase(8)] // the same vector lane, one round later
    [TestCase(9)]
    public void Rademacher_words_are_uncorrelated_at_lag(int lag)
    {
        const int words = 1_000_000;
        var x = new ulong[words + lag];
        new RandomStream(8).FillRademacherBits(x);
        var agree = new long[64];
        long total = 0;
        for (int i = 0; i < words; i++)
        {
            ulong same = ~(x[i] ^ x[i + lag]);
            total += BitOperations.PopCount(same);
            for (int b = 0; b < 64; b++)
            {
                agree[b] += (long)((same >> b) & 1);
            }
        }

        using (Assert.EnterMultipleScope())
        {
            Stats.AssertBinomial(total, 64L * words, 0.5, 5, "agreements, all positions");
            for (int b = 0; b < 64; b++)
            {
                Stats.AssertBinomial(agree[b], words, 0.5, 5, $"agreements, bit {b}");
            }
        }
    }

    [Test]
    public void The_bit_checks_reject_correlated_words()
    {
        // Negative control: words that repeat with probability 1 % fail the lag-1 agreement check.
        var r = new RandomStream(9);
        const int words = 1_000_000;
        var x = new ulong[words + 1];
        r.FillRademacherBits(x);
        for (int i = 1; i < x.Length; i++)
        {
            if (r.NextInt(100) == 0)
            {
                x[i] = x[i - 1];
            }
        }

        long total = 0;
        for (int i = 0; i < words; i++)
        {
            total += BitOperations.PopCount(~(x[i] ^ x[i + 1]));
        }

        double n = 64.0 * words;
        Assert.That(Math.Abs(total - (n / 2)), Is.GreaterThan(5 * Math.Sqrt(n / 4)));
    }
}
