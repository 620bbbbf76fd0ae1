using MatrixSensing.Operators;
using MatrixSensing.Problems;

namespace MatrixSensing.Tests.Problems;

public class ProblemValidationTests
{
    [Test]
    public void Synthetic_targets_have_orthonormal_factors_and_the_requested_spectrum()
    {
        var target = LowRankTarget.Asymmetric<double>(20, 15, 4, 10, seed: 3, Spectrum.Geometric);
        var linear = LowRankTarget.Symmetric<double>(12, 3, 4, seed: 3);
        var gram = target.Left.Transposed().Multiply(target.Left);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                Assert.That(gram[i, j], Is.EqualTo(i == j ? 1 : 0).Within(1e-12));
        Assert.Multiple(() =>
        {
            Assert.That(target.SingularValues, Is.EqualTo(new[] { 1, Math.Pow(10, -1.0 / 3), Math.Pow(10, -2.0 / 3), 0.1 }).Within(1e-12));
            Assert.That(linear.SingularValues, Is.EqualTo(new[] { 1, 0.625, 0.25 }).Within(1e-12));
            Assert.That(target.ConditionNumber, Is.EqualTo(10).Within(1e-9));
            Assert.That(linear.ToMatrix().FrobeniusNorm(), Is.EqualTo(linear.FrobeniusNorm).Within(1e-12));
            Assert.That(linear.Right, Is.SameAs(linear.Left));
        });
    }

    [Test]
    public void Noise_is_added_with_the_requested_level()
    {
        var target = LowRankTarget.Asymmetric<double>(10, 10, 2, 2, seed: 1);
        var op = MeasurementOperators.Gaussian<double>(10, 10, 4000, seed: 2);
        var clean = SensingProblem.Create(target, op);
        var noisy = SensingProblem.Create(target, op, noiseLevel: 0.1, noiseSeed: 5);
        double variance = 0;
        for (int i = 0; i < 4000; i++) variance += Math.Pow(noisy.Measurements[i] - clean.Measurements[i], 2) / 4000;
        Assert.That(Math.Sqrt(variance), Is.EqualTo(0.1).Within(0.005));
    }

    private static IEnumerable<TestCaseData> BadTargets()
    {
        yield return new TestCaseData((Action)(() => LowRankTarget.Asymmetric<double>(5, 4, 5, 2)), "rank").SetName("rank above min(n1, n2)");
        yield return new TestCaseData((Action)(() => LowRankTarget.Asymmetric<double>(5, 4, 0, 2)), "rank").SetName("rank zero");
        yield return new TestCaseData((Action)(() => LowRankTarget.Symmetric<double>(5, 2, 0.5)), "conditionNumber").SetName("kappa below one");
        yield return new TestCaseData((Action)(() => LowRankTarget.Symmetric<double>(5, 2, double.NaN)), "conditionNumber").SetName("kappa NaN");
        yield return new TestCaseData((Action)(() => LowRankTarget.Symmetric<double>(5, 2, double.PositiveInfinity)), "conditionNumber").SetName("kappa infinite");
        yield return new TestCaseData((Action)(() => LowRankTarget.Asymmetric<double>(0, 4, 1, 2)), "rows").SetName("no rows");
    }

    [TestCaseSource(nameof(BadTargets))]
    public void Bad_targets_are_rejected_naming_the_argument(Action build, string argument) =>
        Assert.That(build, Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo(argument));

    [Test]
    public void Mismatched_or_non_finite_inputs_are_rejected()
    {
        var target = LowRankTarget.Asymmetric<double>(6, 5, 2, 2, seed: 1);
        var op = MeasurementOperators.Gaussian<double>(6, 6, 50, seed: 2);
        var y = new double[50];
        Assert.Multiple(() =>
        {
            Assert.That(() => SensingProblem.Create(target, op), Throws.ArgumentException.With.Message.Contains("6×5").And.Message.Contains("6×6"));
            Assert.That(() => SensingProblem.Create(LowRankTarget.Asymmetric<double>(6, 6, 2), op, noiseLevel: -1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("noiseLevel"));
            Assert.That(() => SensingProblem.FromMeasurements(op, new double[49]), Throws.ArgumentException.With.Message.Contains("49"));
            y[17] = double.NaN;
            Assert.That(() => SensingProblem.FromMeasurements(op, y), Throws.ArgumentException.With.Message.Contains("index 17"));
            y[17] = double.PositiveInfinity;
            Assert.That(() => SensingProblem.FromMeasurements(op, y), Throws.ArgumentException.With.Message.Contains("NaN or infinity"));
            Assert.That(() => SensingProblem.FromMeasurements(MeasurementOperators.Gaussian<double>(6, 5, 50), new double[50], symmetric: true),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("symmetric"));
        });
    }

    [Test]
    public void Impossible_sizes_are_refused_with_the_estimate_before_allocating()
    {
        var ex = Assert.Throws<InsufficientMemoryException>(() => MeasurementOperators.RankOne<double>(200_000, 200_000, 100_000, seed: 1));
        Assert.That(ex!.Message, Does.Contain("GiB").And.Contain("available"));
    }
}
