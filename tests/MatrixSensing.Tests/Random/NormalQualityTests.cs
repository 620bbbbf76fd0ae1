using MathNet.Numerics.Distributions;
using MatrixSensing.Random;

namespace MatrixSensing.Tests.Random;

/// <summary>Distribution checks of every normal source, with fixed seeds and tolerances of 5 standard errors.</summary>
public class NormalQualityTests
{
    public enum Source
    {
        ParallelSingle,
        ParallelDouble,
        StreamSingle,
        StreamDouble,
        Scalar,
    }

    private static double[] Draw(Source source, int n, ulong seed, double standardDeviation = 1)
    {
        var result = new double[n];
        switch (source)
        {
            case Source.ParallelSingle:
                var f = new float[n];
                ParallelNormal.Fill<float>(f, seed, (float)standardDeviation, 2);
                for (int i = 0; i < n; i++)
                {
                    result[i] = f[i];
                }

                break;
            case Source.ParallelDouble:
                ParallelNormal.Fill<double>(result, seed, standardDeviation, 2);
                break;
            case Source.StreamSingle:
                var g = new float[n];
                new RandomStream(seed).FillNormal<float>(g, (float)standardDeviation);
                for (int i = 0; i < n; i++)
                {
                    result[i] = g[i];
                }

                break;
            case Source.StreamDouble:
                new RandomStream(seed).FillNormal<double>(result, standardDeviation);
                break;
            default:
                var r = new RandomStream(seed);
                for (int i = 0; i < n; i++)
                {
                    result[i] = r.NextNormal() * standardDeviation;
                }

                break;
        }

        return result;
    }

    [Test]
    public void Moments_match_the_standard_normal([Values] Source source)
    {
        const int n = 2_000_000;
        var (mean, variance, skewness, kurtosis) = Stats.Moments<double>(Draw(source, n, 11));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(mean, Is.EqualTo(0).Within(5 / Math.Sqrt(n)), "mean");
            Assert.That(variance, Is.EqualTo(1).Within(5 * Math.Sqrt(2.0 / n)), "variance");
            Assert.That(skewness, Is.EqualTo(0).Within(5 * Math.Sqrt(6.0 / n)), "skewness");
            Assert.That(kurtosis, Is.EqualTo(0).Within(5 * Math.Sqrt(24.0 / n)), "excess kurtosis");
        }
    }

    [Test]
    public void Standard_deviation_scales_the_values([Values(Source.ParallelSingle, Source.ParallelDouble, Source.StreamDouble)] Source source)
    {
        const int n = 1_000_000;
        const double sigma = 2.5;
        var (mean, variance, _, _) = Stats.Moments<double>(Draw(source, n, 12, sigma));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(mean, Is.EqualTo(0).Within(5 * sigma / Math.Sqrt(n)), "mean");
            Assert.That(variance, Is.EqualTo(sigma * sigma).Within(5 * sigma * sigma * Math.Sqrt(2.0 / n)), "variance");
            Assert.That(Stats.KolmogorovSmirnovNormal(Draw(source, 100_000, 13, sigma), sigma),
                Is.LessThan(Stats.KolmogorovSmirnovCritical(100_000, 1e-3)), "KS against N(0, σ²)");
        }
    }

    [Test]
    public void Kolmogorov_Smirnov_statistic_is_below_the_1e3_critical_value([Values] Source source)
    {
        const int n = 100_000;
        double d = Stats.KolmogorovSmirnovNormal(Draw(source, n, 21));
        Assert.That(d, Is.LessThan(Stats.KolmogorovSmirnovCritical(n, 1e-3)));
    }

    [Test]
    public void Tail_frequencies_are_plausible([Values] Source source)
    {
        int n = source == Source.Scalar ? 2_000_000 : 10_000_000;
        double[] z = Draw(source, n, 31);
        long beyond3 = 0, beyondR = 0, beyond4 = 0, negative = 0;
        foreach (double v in z)
        {
            double a = Math.Abs(v);
            beyond3 += a > 3 ? 1 : 0;
            beyondR += a > 3.442619855896652 ? 1 : 0;
            beyond4 += a > 4 ? 1 : 0;
            negative += v < 0 ? 1 : 0;
        }

        using (Assert.EnterMultipleScope())
        {
            Stats.AssertBinomial(beyond3, n, Stats.TwoSidedTail(3), 5, "|z| > 3");
            Stats.AssertBinomial(beyondR, n, Stats.TwoSidedTail(3.442619855896652), 5, "|z| > R (the ziggurat tail)");
            Stats.AssertBinomial(beyond4, n, Stats.TwoSidedTail(4), 5, "|z| > 4");
            Stats.AssertBinomial(negative, n, 0.5, 5, "z < 0");
        }
    }

    [Test]
    public void Probability_integral_transform_is_uniform_on_1000_bins([Values(Source.ParallelSingle, Source.ParallelDouble)] Source source)
    {
        // Fine bins see density errors a KS test on 1e5 samples cannot, such as a wrong ziggurat layer.
        const int n = 4_000_000;
        const int bins = 1000;
        var counts = new long[bins];
        foreach (double v in Draw(source, n, 41))
        {
            counts[Math.Min(bins - 1, (int)(Normal.CDF(0, 1, v) * bins))]++;
        }

        Assert.That(Stats.ChiSquareUniform(counts), Is.LessThan(Stats.ChiSquareCritical(bins - 1, 1e-4)));
    }

    [Test]
    public void The_checks_reject_a_wrong_distribution()
    {
        // Negative controls: the same statistics must fail for a 5 % wrong scale and for heavy tails.
        const int n = 100_000;
        double ks = Stats.KolmogorovSmirnovNormal(Draw(Source.ParallelDouble, n, 51, 1.05));
        var t = new StudentT(0, 1, 30, new System.Random(5));
        var heavy = new double[2_000_000];
        t.Samples(heavy);
        var (_, _, _, kurtosis) = Stats.Moments<double>(heavy);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ks, Is.GreaterThan(Stats.KolmogorovSmirnovCritical(n, 1e-3)), "KS sees σ = 1.05");
            Assert.That(Math.Abs(kurtosis), Is.GreaterThan(5 * Math.Sqrt(24.0 / heavy.Length)), "kurtosis sees Student t(30)");
        }
    }

    [Test]
    public void Float_and_double_agree_in_distribution()
    {
        // Two-sample KS between the float and double sequences (different values, same law).
        const int n = 200_000;
        double[] a = Draw(Source.ParallelSingle, n, 61);
        double[] b = Draw(Source.ParallelDouble, n, 62);
        Array.Sort(a);
        Array.Sort(b);
        double d = 0;
        int i = 0, j = 0;
        while (i < n && j < n)
        {
            if (a[i] <= b[j])
            {
                i++;
            }
            else
            {
                j++;
            }

            d = Math.Max(d, Math.Abs(((double)i / n) - ((double)j / n)));
        }

        Assert.That(d, Is.LessThan(Math.Sqrt(-Math.Log(1e-3 / 2) / 2) * Math.Sqrt(2.0 / n)));
    }
}
