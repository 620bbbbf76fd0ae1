using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Solvers;

namespace MatrixSensing.Tests.Solvers;

/// <summary>After setup, 100 iterations of every solver on every operator allocate 0 bytes.</summary>
public class AllocationTests
{
    private static readonly (string Name, bool Symmetric, Func<MeasurementOperator<double>> Build)[] Operators =
    [
        ("gaussian", false, () => MeasurementOperators.Gaussian<double>(12, 12, 300, 1)),
        ("gaussian-f32", false, () => MeasurementOperators.Gaussian<double>(12, 12, 300, 1, StoragePrecision.Reduced)),
        ("symmetric-gaussian", true, () => MeasurementOperators.SymmetricGaussian<double>(12, 300, 1)),
        ("rademacher", false, () => MeasurementOperators.Rademacher<double>(12, 12, 300, 1)),
        ("rank-one", false, () => MeasurementOperators.RankOne<double>(12, 12, 300, 1)),
        ("rank-one-symmetric", true, () => MeasurementOperators.RankOne<double>(12, 12, 300, 1, symmetric: true)),
        ("entry-sampling", false, () => MeasurementOperators.EntrySampling<double>(12, 12, 0.7, 1)),
        ("fresh-gaussian", false, () => MeasurementOperators.Fresh<double>(12, 12, 300, refreshEvery: 7, seed: 1)),
        ("dense", false, () => TestProblems.Gaussian(12, 12, 300, 1)),
    ];

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var (name, symmetric, build) in Operators)
            foreach (var kind in Enum.GetValues<SolverKind>())
                if ((!symmetric || SolverRegistry.Get(kind).SupportsSymmetric) && (!SolverRegistry.Get(kind).NeedsEntrySampling || name == "entry-sampling"))
                    yield return new TestCaseData(kind, symmetric, build).SetArgDisplayNames(kind.ToString(), name);
    }

    [TestCaseSource(nameof(Cases))]
    public void Hundred_iterations_allocate_nothing(SolverKind kind, bool symmetric, Func<MeasurementOperator<double>> build)
    {
        var target = symmetric ? LowRankTarget.Symmetric<double>(12, 2, 3, seed: 2) : LowRankTarget.Asymmetric<double>(12, 12, 2, 3, seed: 2);
        var problem = SensingProblem.Create(target, build(), noiseLevel: 1e-3);
        var session = SolverFactory.Create<double>(kind).Start(problem, new SolverOptions
        {
            Rank = kind is SolverKind.ScaledGD or SolverKind.SVP ? 2 : 4, MaxIterations = 10_000, TraceEvery = 10, Diagnostics = true,
            Step = kind is SolverKind.GD or SolverKind.SGD ? Magnitude.Relative(0.1) : null,
        });
        // Warm-up past the JIT's tier-up thresholds, so only the loop itself is measured.
        for (int i = 0; i < 60; i++) session.Step();
        bool running = true;
        long allocated = AllocationProbe.Measure(() =>
        {
            for (int i = 0; i < 100; i++) running &= session.Step();
        });
        Assert.That(running, Is.True, $"the run stopped early ({session.Status}), so the loop measured nothing");
        Assert.That(allocated, Is.Zero, $"{allocated} bytes over 100 iterations");
    }
}
