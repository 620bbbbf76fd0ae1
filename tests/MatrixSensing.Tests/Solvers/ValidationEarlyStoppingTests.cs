using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Solvers;

namespace MatrixSensing.Tests.Solvers;

/// <summary>
/// Validation early stopping: on noisy data small-initialization GD passes its best iterate and overfits, and the
/// held-out residual (no ground truth needed) finds that iterate; on noiseless data holding out costs little.
/// </summary>
public class ValidationEarlyStoppingTests
{
    private const int N = 20, Rank = 2, H = 8, M = 400;

    private static SensingProblem<double> Noisy() =>
        SensingProblem.Create(LowRankTarget.Asymmetric<double>(N, N, Rank, 2, seed: 5), MeasurementOperators.Gaussian<double>(N, N, M, seed: 6),
            noiseLevel: 0.02, noiseSeed: 7);

    private static double Best(SolverResult<double> result) => result.Trace.Min(t => t.RelativeError!.Value);

    [Test]
    public void On_noisy_data_it_returns_an_error_within_20_percent_of_the_best_along_the_run()
    {
        var options = new SolverOptions { Rank = H, MaxIterations = 6000, TraceEvery = 5, Step = Magnitude.Relative(0.5), Initialization = Initialization.SmallRandom(1e-6) };
        var plain = new GradientDescent<double>().Solve(Noisy(), options);
        double plainBest = Best(plain), plainFinal = plain.Final.RelativeError!.Value;
        Assume.That(plainFinal, Is.GreaterThanOrEqualTo(2 * plainBest), $"the set-up must overfit: final {plainFinal:E3}, best {plainBest:E3}");

        var stopped = new GradientDescent<double>().Solve(Noisy(), options with { ValidationFraction = 0.1, ValidationPatience = 30 });
        double best = Best(stopped), returned = stopped.Final.RelativeError!.Value;
        Assert.Multiple(() =>
        {
            Assert.That(stopped.Status, Is.EqualTo(SolverStatus.EarlyStopped));
            Assert.That(stopped.BestIteration, Is.Not.Null);
            Assert.That(stopped.Trace[^1].Iteration, Is.EqualTo(stopped.BestIteration), "the trace ends with the returned (best) iterate");
            Assert.That(returned, Is.LessThanOrEqualTo(1.2 * best), $"returned {returned:E3}, best along the run {best:E3}");
            Assert.That(returned, Is.LessThan(plainFinal / 1.5), $"returned {returned:E3}, plain GD ended at {plainFinal:E3}");
        });
    }

    [Test]
    public void On_noiseless_data_it_costs_at_most_10_percent_more_iterations()
    {
        var problem = SensingProblem.Create(LowRankTarget.Asymmetric<double>(N, N, Rank, 2, seed: 5), MeasurementOperators.Gaussian<double>(N, N, M, seed: 6));
        var options = new SolverOptions { Rank = H, MaxIterations = 20000, TraceEvery = 10, ErrorTolerance = 1e-6, Step = Magnitude.Relative(0.5) };
        var plain = new GradientDescent<double>().Solve(problem, options);
        var held = new GradientDescent<double>().Solve(problem, options with { ValidationFraction = 0.1 });
        Assert.Multiple(() =>
        {
            Assert.That(plain.Status, Is.EqualTo(SolverStatus.Converged));
            Assert.That(held.Status, Is.EqualTo(SolverStatus.Converged));
            Assert.That(held.Iterations, Is.LessThanOrEqualTo(1.1 * plain.Iterations), $"{held.Iterations} vs {plain.Iterations} iterations");
        });
    }

    [Test]
    public void A_separate_held_out_problem_stops_the_run_and_the_split_keeps_every_measurement_once()
    {
        var (fit, heldOut) = Noisy().SplitForValidation(0.25, 3);
        var fitIndices = ((SubsetOperator<double>)fit.Operator).Indices.ToArray();
        var heldIndices = ((SubsetOperator<double>)heldOut.Operator).Indices.ToArray();
        Assert.That(heldIndices, Has.Length.EqualTo(100));
        Assert.That(fitIndices.Concat(heldIndices).Order(), Is.EqualTo(Enumerable.Range(0, M)));
        var result = new GradientDescent<double>().Solve(fit, new SolverOptions
        {
            Rank = H, MaxIterations = 6000, TraceEvery = 5, Initialization = Initialization.SmallRandom(1e-6),
            Stopping = [StoppingCriterion.Validation(heldOut, patience: 30)],
        });
        Assert.That(result.Status, Is.EqualTo(SolverStatus.EarlyStopped));
    }

    [Test]
    public void Held_out_measurements_are_those_of_the_full_operator()
    {
        var problem = Noisy();
        var (_, heldOut) = problem.SplitForValidation(0.1, 9);
        var indices = ((SubsetOperator<double>)heldOut.Operator).Indices;
        for (int k = 0; k < indices.Length; k++)
            Assert.That(heldOut.Measurements[k], Is.EqualTo(problem.Measurements[indices[k]]));
    }

    [Test]
    public void Iterations_with_validation_allocate_nothing()
    {
        var session = new GradientDescent<double>().Start(Noisy(), new SolverOptions { Rank = H, MaxIterations = 10_000, TraceEvery = 10, ValidationFraction = 0.1, ValidationPatience = 10_000 });
        for (int i = 0; i < 60; i++) session.Step();
        bool running = true;
        long allocated = AllocationProbe.Measure(() =>
        {
            for (int i = 0; i < 100; i++) running &= session.Step();
        });
        Assert.That(running, Is.True);
        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void Bad_fractions_and_incompatible_operators_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientDescent<double>().Start(Noisy(), new SolverOptions { Rank = H, ValidationFraction = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientDescent<double>().Start(Noisy(), new SolverOptions { Rank = H, ValidationFraction = 0 }));
        var fresh = SensingProblem.Create(LowRankTarget.Asymmetric<double>(6, 5, 1, 1, seed: 1), MeasurementOperators.Fresh<double>(6, 5, 100, 3, seed: 2));
        Assert.Throws<ArgumentException>(() => new GradientDescent<double>().Start(fresh, new SolverOptions { Rank = 2, ValidationFraction = 0.2 }));
    }
}
