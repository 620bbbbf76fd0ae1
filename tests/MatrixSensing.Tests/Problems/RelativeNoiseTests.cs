using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Solvers;

namespace MatrixSensing.Tests.Problems;

/// <summary>Noise given relative to the signal, and the documented error scale σ·√(r*(n1 + n2 − r*))/‖M*‖_F.</summary>
public class RelativeNoiseTests
{
    private static readonly LowRankTarget<double> Target = LowRankTarget.Asymmetric<double>(30, 30, 3, 2, seed: 5);

    [Test]
    public void The_noise_vector_is_the_given_fraction_of_the_noiseless_measurements()
    {
        var op = MeasurementOperators.Gaussian<double>(30, 30, 2000, seed: 6);
        var clean = SensingProblem.Create(Target, op);
        var noisy = SensingProblem.CreateWithRelativeNoise(Target, op, 0.01, noiseSeed: 7);
        double signal = Norm(clean.Measurements), noise = Norm(Difference(noisy.Measurements, clean.Measurements));
        Assert.Multiple(() =>
        {
            Assert.That(noisy.NoiseLevel, Is.EqualTo(0.01 * signal / Math.Sqrt(2000)).Within(1e-12).Percent);
            Assert.That(noise / signal, Is.EqualTo(0.01).Within(5).Percent, "‖σξ‖ ≈ σ√m");
            Assert.That(SensingProblem.CreateWithRelativeNoise(Target, op, 0).NoiseLevel, Is.Zero);
            Assert.That(clean.NoiseErrorScale, Is.Null);
        });
    }

    [TestCase(1e-3)]
    [TestCase(1e-2)]
    public void An_exact_rank_fit_ends_near_the_noise_error_scale(double relative)
    {
        var problem = SensingProblem.CreateWithRelativeNoise(Target, MeasurementOperators.Gaussian<double>(30, 30, 1000, seed: 8), relative, noiseSeed: 9);
        double scale = problem.NoiseErrorScale!.Value;
        double error = new ScaledGd<double>().Solve(problem, new SolverOptions { MaxIterations = 200 }).Final.RelativeError!.Value;
        Assert.Multiple(() =>
        {
            Assert.That(scale, Is.EqualTo(relative * Math.Sqrt(3.0 * 57 / 1000)).Within(10).Percent, "ν·√(r*(n1+n2−r*)/m), as ‖A(M*)‖ ≈ ‖M*‖_F");
            Assert.That(error / scale, Is.InRange(0.5, 2.0), $"error {error:E2} against the scale {scale:E2}");
        });
    }

    [Test]
    public void A_negative_or_infinite_relative_noise_is_refused()
    {
        var op = MeasurementOperators.Gaussian<double>(30, 30, 100, seed: 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => SensingProblem.CreateWithRelativeNoise(Target, op, -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SensingProblem.CreateWithRelativeNoise(Target, op, double.PositiveInfinity));
    }

    private static double Norm(ReadOnlySpan<double> x)
    {
        double s = 0;
        foreach (double v in x) s += v * v;
        return Math.Sqrt(s);
    }

    private static double[] Difference(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var d = new double[a.Length];
        for (int i = 0; i < a.Length; i++) d[i] = a[i] - b[i];
        return d;
    }
}
