using MatrixSensing.Random;

namespace MatrixSensing.Tests.Random;

public unsafe class ZigguratTests
{
    [Test]
    public void Layers_have_equal_area_and_close_at_the_top()
    {
        double v = (Ziggurat.X[0] * Ziggurat.F[1]); // the base strip's box
        using (Assert.EnterMultipleScope())
        {
            for (int i = 1; i < Ziggurat.Layers; i++)
            {
                Assert.That(Ziggurat.X[i] * (Ziggurat.F[i + 1] - Ziggurat.F[i]), Is.EqualTo(v).Within(1e-12), $"layer {i}");
            }

            Assert.That(Ziggurat.X[Ziggurat.Layers], Is.Zero);
            Assert.That(Ziggurat.F[Ziggurat.Layers], Is.EqualTo(1.0));
            Assert.That(Ziggurat.X[1], Is.EqualTo(Ziggurat.R));
            Assert.That(v, Is.EqualTo(0.00991256303533647).Within(1e-15));
        }
    }

    [Test]
    public void Fast_path_thresholds_never_accept_outside_the_rectangle()
    {
        using (Assert.EnterMultipleScope())
        {
            for (int i = 0; i < Ziggurat.Layers; i++)
            {
                // The largest accepted uniform must map strictly inside the layer's rectangle.
                if (Ziggurat.K24[i] > 0)
                {
                    Assert.That((Ziggurat.K24[i] - 1) * (1.0 / (1 << 24)) * Ziggurat.X[i], Is.LessThan(Ziggurat.X[i + 1]), $"float layer {i}");
                }

                if (Ziggurat.K32[i] > 0)
                {
                    double largest = (((ulong)Ziggurat.K32[i] << 20) - 1) * (1.0 / (1L << 52));
                    Assert.That(largest * Ziggurat.X[i], Is.LessThan(Ziggurat.X[i + 1]), $"double layer {i}");
                    Assert.That(Ziggurat.K52[i], Is.EqualTo((long)Ziggurat.K32[i] << 20));
                }
            }

            Assert.That(Ziggurat.K24[Ziggurat.Layers - 1], Is.Zero, "the top layer always takes the wedge test");
        }
    }

    [Test]
    public void Portable_exp_is_accurate_to_two_ulps()
    {
        double worst = 0;
        for (int i = 0; i <= 200_000; i++)
        {
            double x = i * (4.0 / 200_000);
            double exact = Math.Exp(-0.5 * x * x);
            double ours = Ziggurat.ExpNegativeHalfSquare(x);
            worst = Math.Max(worst, Math.Abs(ours - exact) / (Math.BitIncrement(exact) - exact));
        }

        Assert.That(worst, Is.LessThanOrEqualTo(2.0));
    }

    [Test]
    public void Vector_exp_matches_the_scalar_exp_bit_for_bit()
    {
        const int n = 1003;
        var x = new double[n];
        var rng = new RandomStream(3);
        for (int i = 0; i < n; i++)
        {
            x[i] = rng.NextDouble() * 3.8;
        }

        foreach (SimdPath path in Paths.Supported())
        {
            var e = Paths.With(path, () =>
            {
                var result = new double[n];
                fixed (double* px = x, pe = result)
                {
                    Ziggurat.ExpNegativeHalfSquare(px, pe, n);
                }

                return result;
            });
            for (int i = 0; i < n; i++)
            {
                Assert.That(e[i], Is.EqualTo(Ziggurat.ExpNegativeHalfSquare(x[i])), $"{path}, x = {x[i]:R}");
            }
        }
    }
}
