using System.Diagnostics;
using MatrixSensing.Solvers;

namespace MatrixSensing.Tests.Reliability;

/// <summary>
/// Long runs: 10,000 iterations of every solver with allocation and working set checked for growth. Explicit (not
/// in CI, which must stay short): `dotnet test --filter TestCategory=Soak`.
/// </summary>
[Explicit("10,000 iterations per solver; run with --filter TestCategory=Soak")]
[Category("Soak")]
public class SoakTests
{
    [TestCaseSource(typeof(SoakTests), nameof(Kinds))]
    public void Ten_thousand_iterations_keep_allocation_and_working_set_flat(SolverKind kind)
    {
        var problem = TestProblems.Asymmetric(n: 20, rank: 2, kappa: 5, m: 500, seed: 21);
        var session = SolverFactory.Create<double>(kind).Start(problem, new SolverOptions
        {
            Rank = kind is SolverKind.ScaledGD or SolverKind.SVP ? 2 : 4, MaxIterations = 20_000, TraceEvery = 100,
            Initialization = kind is SolverKind.ScaledGD or SolverKind.SVP ? null : Initialization.SmallRandom(1e-3),
        });
        for (int i = 0; i < 100; i++) session.Step();
        GC.Collect();
        long workingSetBefore = Process.GetCurrentProcess().WorkingSet64;
        int steps = 0;
        long allocated = AllocationProbe.Measure(() => { while (steps < 10_000 && session.Step()) steps++; }, windows: 1);
        GC.Collect();
        long growth = Process.GetCurrentProcess().WorkingSet64 - workingSetBefore;
        Assert.Multiple(() =>
        {
            Assert.That(allocated, Is.Zero, $"{kind}: {allocated} bytes over {steps} iterations");
            Assert.That(growth, Is.LessThan(16L << 20), $"{kind}: working set grew by {growth} bytes");
        });
    }

    private static SolverKind[] Kinds() => TestProblems.KindsFor(TestProblems.Asymmetric(n: 4, rank: 1, kappa: 1, m: 20));
}
