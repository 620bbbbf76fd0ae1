using MatrixSensing.Interop;
using MatrixSensing.Problems;
using MatrixSensing.Solvers;

namespace MatrixSensing.Tests.Reliability;

/// <summary>Solvers on several threads give the results they give one after another (deterministic mode).</summary>
[Category("Determinism")]
public class ConcurrencyTests
{
    private static SolverOptions Options(SolverKind kind) => new()
    {
        Rank = kind is SolverKind.ScaledGD or SolverKind.SVP ? 2 : 4, MaxIterations = 60, TraceEvery = 20, Seed = 3,
    };

    [Test]
    public void Parallel_runs_on_separate_problems_equal_sequential_runs()
    {
        using var _ = BlasThreads.Scope(1);
        var kinds = TestProblems.KindsFor(TestProblems.Asymmetric(n: 4, rank: 1, kappa: 1, m: 20));
        var problems = kinds.Select((_, i) => TestProblems.Asymmetric(n: 16, rank: 2, kappa: 3, m: 400, seed: (ulong)(10 + i))).ToArray();
        var sequential = kinds.Select((k, i) => SolverFactory.Create<double>(k).Solve(problems[i], Options(k)).Left.Data).ToArray();
        var parallel = new double[kinds.Length][];
        Parallel.For(0, kinds.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 },
            i => parallel[i] = SolverFactory.Create<double>(kinds[i]).Solve(problems[i], Options(kinds[i])).Left.Data);
        for (int i = 0; i < kinds.Length; i++)
            Assert.That(parallel[i], Is.EqualTo(sequential[i]), kinds[i].ToString());
    }

    [Test]
    public void One_read_only_problem_and_operator_serve_several_solvers_at_once()
    {
        using var _ = BlasThreads.Scope(1);
        var shared = TestProblems.Symmetric(n: 16, rank: 2, kappa: 3, m: 400, seed: 4);
        var kinds = TestProblems.KindsFor(shared);
        var expected = kinds.Select(k => SolverFactory.Create<double>(k).Solve(shared, Options(k)).Left.Data).ToArray();
        var results = new double[kinds.Length * 3][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 },
            i => results[i] = SolverFactory.Create<double>(kinds[i % kinds.Length]).Solve(shared, Options(kinds[i % kinds.Length])).Left.Data);
        for (int i = 0; i < results.Length; i++)
            Assert.That(results[i], Is.EqualTo(expected[i % kinds.Length]), kinds[i % kinds.Length].ToString());
    }

    [Test]
    public void Dense_kernels_give_identical_runs_on_one_or_two_threads()
    {
        // The streaming kernels split the rows into K fixed chunks (K from the sizes alone) whatever the thread count.
        var problem = SensingProblem.Create(LowRankTarget.Asymmetric<double>(40, 40, 2, 3, seed: 5),
            MatrixSensing.Operators.MeasurementOperators.Gaussian<double>(40, 40, 600, seed: 6, MatrixSensing.Operators.StoragePrecision.Reduced));
        double[] Run(int threads)
        {
            using var _ = BlasThreads.Scope(threads);
            return new GradientDescent<double>().Solve(problem, new SolverOptions { Rank = 4, MaxIterations = 30 }).Left.Data;
        }
        var one = Run(1);
        Assert.That(Run(2), Is.EqualTo(one));
        Assert.That(Run(3), Is.EqualTo(one));
    }

    [Test]
    public void Repeated_runs_are_bit_identical_in_deterministic_mode()
    {
        using var _ = BlasThreads.Scope(1);
        var problem = TestProblems.Asymmetric(n: 16, rank: 2, kappa: 3, m: 400, seed: 8);
        foreach (var kind in TestProblems.KindsFor(problem))
        {
            var a = SolverFactory.Create<double>(kind).Solve(problem, Options(kind));
            var b = SolverFactory.Create<double>(kind).Solve(problem, Options(kind));
            Assert.That(b.Left.Data, Is.EqualTo(a.Left.Data), kind.ToString());
            Assert.That(b.Trace.Select(t => t.Loss), Is.EqualTo(a.Trace.Select(t => t.Loss)), kind.ToString());
        }
    }
}
