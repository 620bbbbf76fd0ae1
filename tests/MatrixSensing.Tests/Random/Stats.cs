using MathNet.Numerics.Distributions;

namespace MatrixSensing.Tests.Random;

/// <summary>Test statistics with their null distributions; every check fails at a stated small false-alarm rate.</summary>
internal static class Stats
{
    /// <summary>Mean, variance, skewness and excess kurtosis (two-pass, in double).</summary>
    public static (double Mean, double Variance, double Skewness, double ExcessKurtosis) Moments<T>(ReadOnlySpan<T> x)
        where T : IConvertible
    {
        double sum = 0;
        foreach (T v in x)
        {
            sum += v.ToDouble(null);
        }

        double mean = sum / x.Length;
        double m2 = 0, m3 = 0, m4 = 0;
        foreach (T v in x)
        {
            double d = v.ToDouble(null) - mean;
            double d2 = d * d;
            m2 += d2;
            m3 += d2 * d;
            m4 += d2 * d2;
        }

        m2 /= x.Length;
        m3 /= x.Length;
        m4 /= x.Length;
        return (mean, m2, m3 / Math.Pow(m2, 1.5), (m4 / (m2 * m2)) - 3);
    }

    /// <summary>Kolmogorov–Smirnov statistic D of the sample against the N(0, σ²) CDF.</summary>
    public static double KolmogorovSmirnovNormal(ReadOnlySpan<double> sample, double standardDeviation = 1)
    {
        double[] sorted = sample.ToArray();
        Array.Sort(sorted);
        double n = sorted.Length;
        double d = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            double f = Normal.CDF(0, standardDeviation, sorted[i]);
            d = Math.Max(d, Math.Max(((i + 1) / n) - f, f - (i / n)));
        }

        return d;
    }

    /// <summary>The asymptotic KS critical value at level α: sqrt(−ln(α/2)/2)/√n.</summary>
    public static double KolmogorovSmirnovCritical(int n, double alpha) => Math.Sqrt(-Math.Log(alpha / 2) / 2) / Math.Sqrt(n);

    /// <summary>Pearson's χ² of observed counts against equal expected counts.</summary>
    public static double ChiSquareUniform(ReadOnlySpan<long> counts)
    {
        double total = 0;
        foreach (long c in counts)
        {
            total += c;
        }

        double expected = total / counts.Length;
        double chi = 0;
        foreach (long c in counts)
        {
            chi += (c - expected) * (c - expected) / expected;
        }

        return chi;
    }

    /// <summary>The χ² quantile with the given degrees of freedom exceeded with probability α.</summary>
    public static double ChiSquareCritical(int degreesOfFreedom, double alpha) => ChiSquared.InvCDF(degreesOfFreedom, 1 - alpha);

    /// <summary>Two-sided normal tail probability P(|Z| &gt; z).</summary>
    public static double TwoSidedTail(double z) => 2 * (1 - Normal.CDF(0, 1, z));

    /// <summary>Asserts a binomial count is within <paramref name="sigmas"/> standard deviations of n·p.</summary>
    public static void AssertBinomial(long count, long n, double p, double sigmas, string what)
    {
        double expected = n * p;
        double sd = Math.Sqrt(n * p * (1 - p));
        Assert.That(count, Is.InRange(expected - (sigmas * sd), expected + (sigmas * sd)), $"{what}: {count} vs expected {expected:F1} ± {sd:F1}");
    }
}
