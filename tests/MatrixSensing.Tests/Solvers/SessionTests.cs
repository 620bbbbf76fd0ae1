using MatrixSensing.LinearAlgebra;
using MatrixSensing.Problems;
using MatrixSensing.Solvers;

namespace MatrixSensing.Tests.Solvers;

/// <summary>The run loop: allocation-free stepping, trace metrics, stopping rules, divergence, cancellation, validation.</summary>
public class SessionTests
{
    private static readonly SensingProblem<double> Asym = TestProblems.Asymmetric(n: 20, rank: 2, kappa: 5, m: 500);
    private static readonly SensingProblem<double> Sym = TestProblems.Symmetric(n: 20, rank: 2, kappa: 5, m: 500);

    [Test]
    public void Trace_metrics_match_dense_computation()
    {
        var result = new GradientDescent<double>().Solve(Asym, new SolverOptions { Rank = 4, MaxIterations = 50, TraceEvery = 10, Initialization = Initialization.SmallRandom(0.1) });
        var u = result.Left;
        var v = result.Right!;
        var estimate = result.Estimate();
        var truth = Asym.Target!.ToMatrix();
        var mathU = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(u.Rows, u.Columns, u.Data);
        var mathV = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(v.Rows, v.Columns, v.Data);
        var mathE = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(estimate.Rows, estimate.Columns, estimate.Data);
        var mathT = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(truth.Rows, truth.Columns, truth.Data);
        double error = (mathE - mathT).FrobeniusNorm() / mathT.FrobeniusNorm();
        double imbalance = (mathU.TransposeThisAndMultiply(mathU) - mathV.TransposeThisAndMultiply(mathV)).FrobeniusNorm();
        double opNorm = mathE.L2Norm();
        var y = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(Asym.Measurements.ToArray());
        var predicted = new double[Asym.Count];
        Asym.Operator.Apply(estimate.Data, predicted);
        double residual = (MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(predicted) - y).L2Norm();
        var last = result.Final;
        Assert.Multiple(() =>
        {
            Assert.That(result.Trace.Select(t => t.Iteration), Is.EqualTo(new[] { 0, 10, 20, 30, 40, 50 }));
            Assert.That(last.RelativeError!.Value, Is.EqualTo(error).Within(1e-10).Percent);
            Assert.That(last.Imbalance!.Value, Is.EqualTo(imbalance).Within(1e-8).Percent);
            Assert.That(last.EstimateNorm, Is.EqualTo(opNorm).Within(1e-8).Percent);
            Assert.That(last.RelativeResidual, Is.EqualTo(residual / y.L2Norm()).Within(1e-8).Percent);
            Assert.That(last.Loss, Is.EqualTo(0.5 * residual * residual).Within(1e-8).Percent);
        });
    }

    [Test]
    public void Relative_error_stays_accurate_near_machine_precision()
    {
        var result = new ScaledGd<double>().Solve(Asym, new SolverOptions { MaxIterations = 300, ErrorTolerance = 1e-13 });
        Assert.That(result.Status, Is.EqualTo(SolverStatus.Converged));
        Assert.That(TestProblems.DenseRelativeError(result, Asym.Target!), Is.LessThan(1e-12));
    }

    [Test]
    public void Symmetric_runs_have_no_imbalance_and_report_diagnostics()
    {
        var result = new GradientDescent<double>().Solve(Sym, new SolverOptions { Rank = 4, MaxIterations = 20, TraceEvery = 5, Diagnostics = true });
        Assert.Multiple(() =>
        {
            Assert.That(result.IsSymmetric);
            Assert.That(result.Trace.All(t => t.Imbalance is null));
            Assert.That(result.Trace.All(t => t.SignalMinSingularValue > 0 && t.NuisanceNorm > 0));
        });
    }

    [Test]
    public void Problems_without_ground_truth_report_no_error_metrics()
    {
        var data = SensingProblem.FromMeasurements(Asym.Operator, Asym.Measurements);
        var result = new GradientDescent<double>().Solve(data, new SolverOptions { Rank = 4, MaxIterations = 10, Diagnostics = true });
        Assert.That(result.Trace.All(t => t.RelativeError is null && t.SignalMinSingularValue is null), Is.True);
    }

    [Test]
    public void Too_large_a_step_stops_as_diverged_with_the_last_finite_iterate()
    {
        var result = new GradientDescent<double>().Solve(Asym, new SolverOptions { Rank = 4, Step = Magnitude.Absolute(50), MaxIterations = 1000, Initialization = Initialization.SmallRandom(1) });
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(SolverStatus.Diverged));
            Assert.That(result.Iterations, Is.LessThan(1000).And.GreaterThan(0));
            Assert.That(result.Left.Data.All(double.IsFinite) && result.Right!.Data.All(double.IsFinite), "factors finite");
            Assert.That(double.IsFinite(result.Final.Loss), "the reported loss belongs to the returned iterate");
        });
    }

    [Test]
    public void Cancellation_returns_the_partial_run()
    {
        using var cts = new CancellationTokenSource();
        int seen = 0;
        var progress = new SynchronousProgress(_ => { if (++seen == 3) cts.Cancel(); });
        var result = new GradientDescent<double>().Solve(Asym, new SolverOptions { Rank = 4, MaxIterations = 100_000 }, progress, cts.Token);
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(SolverStatus.Cancelled));
            Assert.That(result.Iterations, Is.EqualTo(2), "stops within the iteration that saw the cancellation");
            Assert.That(result.Trace, Is.Not.Empty);
        });
    }

    [Test]
    public void Time_budget_stops_the_run_with_its_iterate()
    {
        var result = new GradientDescent<double>().Solve(Asym, new SolverOptions { Rank = 4, MaxIterations = int.MaxValue - 10, TraceEvery = 1_000_000, TimeBudget = TimeSpan.FromMilliseconds(50) });
        Assert.That(result.Status, Is.EqualTo(SolverStatus.TimeLimit));
        Assert.That(result.Iterations, Is.GreaterThan(0));
    }

    [Test]
    public void Same_seed_gives_bit_identical_runs()
    {
        var options = new SolverOptions { Rank = 4, MaxIterations = 50, Seed = 42 };
        var a = new MiniBatchSgd<double>().Solve(Asym, options);
        var b = new MiniBatchSgd<double>().Solve(Asym, options);
        var c = new MiniBatchSgd<double>().Solve(Asym, options with { Seed = 43 });
        Assert.That(a.Left.Data, Is.EqualTo(b.Left.Data));
        Assert.That(a.Left.Data, Is.Not.EqualTo(c.Left.Data));
    }

    [Test]
    public void Given_initialization_is_used_as_is()
    {
        var u0 = new Matrix<double>(20, 4);
        var v0 = new Matrix<double>(20, 4);
        for (int i = 0; i < 4; i++) { u0[i, i] = 0.3; v0[i, i] = 0.2; }
        var session = new GradientDescent<double>().Start(Asym, new SolverOptions { Rank = 4, Initialization = Initialization.Given(u0, v0) });
        Assert.That(session.Left.ToArray(), Is.EqualTo(u0.Data));
        Assert.That(session.Right.ToArray(), Is.EqualTo(v0.Data));
    }

    [Test]
    public void ScaledGD_with_lambda_zero_and_a_rank_deficient_factor_fails_with_the_iteration_and_keeps_the_trace()
    {
        var u0 = new Matrix<double>(20, 4);
        var v0 = new Matrix<double>(20, 4);
        u0[0, 0] = v0[0, 0] = 1; // columns 1..3 are zero: UᵀU is singular
        var result = new ScaledGradientDescent<double>().Solve(Asym,
            new SolverOptions { Rank = 4, Lambda = Magnitude.Absolute(0), Initialization = Initialization.Given(u0, v0) });
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(SolverStatus.Failed));
            Assert.That(result.Failure, Is.TypeOf<SingularPreconditionerException>());
            Assert.That(result.Failure!.Iteration, Is.Zero);
            Assert.That(result.Failure.Message, Does.Contain("Iteration 0"));
            Assert.That(result.Iterations, Is.Zero);
            Assert.That(result.Trace.Select(t => t.Iteration), Is.EqualTo(new[] { 0 }), "the failing iterate's metrics are kept");
            Assert.That(result.Left.Data, Is.EqualTo(u0.Data), "the iterate at which the rule failed is returned unchanged");
        });
    }

    [Test]
    public void A_failing_rule_ends_a_stepped_session_as_Failed_instead_of_throwing()
    {
        var u0 = new Matrix<double>(20, 4);
        var v0 = new Matrix<double>(20, 4);
        u0[0, 0] = v0[0, 0] = 1;
        var session = new ScaledGd<double>().Start(Asym, new SolverOptions { Rank = 4, Initialization = Initialization.Given(u0, v0) });
        Assert.That(session.Step(), Is.False);
        Assert.That(session.Status, Is.EqualTo(SolverStatus.Failed));
        Assert.That(session.Failure, Is.Not.Null);
        Assert.That(session.Step(), Is.False, "a stopped session stays stopped");
    }

    private static IEnumerable<TestCaseData> BadOptions()
    {
        yield return new TestCaseData(new SolverOptions { Rank = 21 }).SetName("rank above min(n1, n2)");
        yield return new TestCaseData(new SolverOptions { Rank = -1 }).SetName("negative rank");
        yield return new TestCaseData(new SolverOptions { Rank = 1 }).SetName("rank below the target's");
        yield return new TestCaseData(new SolverOptions { Rank = 4, Step = Magnitude.Absolute(0) }).SetName("zero step");
        yield return new TestCaseData(new SolverOptions { Rank = 4, Step = Magnitude.Relative(double.NaN) }).SetName("NaN step");
        yield return new TestCaseData(new SolverOptions { Rank = 4, Lambda = Magnitude.Absolute(-1) }).SetName("negative lambda");
        yield return new TestCaseData(new SolverOptions { Rank = 4, Initialization = Initialization.SmallRandom(0) }).SetName("zero init scale");
        yield return new TestCaseData(new SolverOptions { Rank = 4, Initialization = Initialization.ScaledIdentity(-1) }).SetName("negative identity scale");
        yield return new TestCaseData(new SolverOptions { Rank = 4, BatchSize = 0 }).SetName("batch of zero");
        yield return new TestCaseData(new SolverOptions { Rank = 4, BatchSize = 501 }).SetName("batch above m");
        yield return new TestCaseData(new SolverOptions { Rank = 4, ErrorTolerance = 0 }).SetName("zero tolerance");
        yield return new TestCaseData(new SolverOptions { Rank = 4, ResidualTolerance = -1 }).SetName("negative tolerance");
        yield return new TestCaseData(new SolverOptions { Rank = 4, TraceEvery = 0 }).SetName("trace every zero");
        yield return new TestCaseData(new SolverOptions { Rank = 4, TimeBudget = TimeSpan.Zero }).SetName("zero time budget");
    }

    [TestCaseSource(nameof(BadOptions))]
    public void Bad_options_are_rejected_before_any_work(SolverOptions options)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new MiniBatchSgd<double>().Start(Asym, options));
        Assert.That(ex!.ParamName, Is.Not.Null.And.Not.Empty);
    }

    [Test]
    public void Given_factors_of_the_wrong_shape_or_with_NaN_are_rejected()
    {
        var bad = new Matrix<double>(20, 3);
        var nan = new Matrix<double>(20, 4);
        nan[3, 2] = double.NaN;
        Assert.Multiple(() =>
        {
            Assert.That(() => new GradientDescent<double>().Start(Asym, new SolverOptions { Rank = 4, Initialization = Initialization.Given(bad, bad) }),
                Throws.ArgumentException.With.Message.Contains("20×3"));
            Assert.That(() => new GradientDescent<double>().Start(Asym, new SolverOptions { Rank = 4, Initialization = Initialization.Given(nan, nan) }),
                Throws.ArgumentException.With.Message.Contains("NaN"));
        });
    }

    private sealed class SynchronousProgress(Action<TraceEntry> onReport) : IProgress<TraceEntry>
    {
        public void Report(TraceEntry value) => onReport(value);
    }
}
