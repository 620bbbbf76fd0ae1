using MatrixSensing.Problems;
using MatrixSensing.Solvers;

namespace MatrixSensing.Tests.Solvers;

/// <summary>Known recoveries (SPEC §4–6) on small seeded problems; each checks the error densely as well.</summary>
public class RecoveryTests
{
    private static readonly SensingProblem<double> Overparameterized = TestProblems.Asymmetric(n: 30, rank: 3, kappa: 10, m: 1000);

    [Test]
    public void GD_from_small_random_init_recovers_an_overparameterized_asymmetric_problem()
    {
        var result = new GradientDescent<double>().Solve(Overparameterized, new SolverOptions
        {
            Rank = 8, MaxIterations = 4000, ErrorTolerance = 1e-6, Initialization = Initialization.SmallRandom(1e-8),
        });
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(SolverStatus.Converged));
            Assert.That(TestProblems.DenseRelativeError(result, Overparameterized.Target!), Is.LessThanOrEqualTo(1e-6));
        });
    }

    [Test]
    public void ScaledGD_lambda_beats_GD_by_four_times_on_an_ill_conditioned_overparameterized_symmetric_problem()
    {
        var problem = TestProblems.Symmetric(n: 20, rank: 2, kappa: 100, m: 600);
        var options = new SolverOptions { Rank = 5, MaxIterations = 40000, ErrorTolerance = 1e-8, Initialization = Initialization.SmallRandom(1e-8) };
        var scaled = new ScaledGradientDescent<double>().Solve(problem, options);
        var gd = new GradientDescent<double>().Solve(problem, options);
        Assert.Multiple(() =>
        {
            Assert.That(scaled.Status, Is.EqualTo(SolverStatus.Converged));
            Assert.That(TestProblems.DenseRelativeError(scaled, problem.Target!), Is.LessThanOrEqualTo(1e-8));
            Assert.That(4 * scaled.Iterations, Is.LessThan(gd.Iterations), $"ScaledGD(λ) {scaled.Iterations} vs GD {gd.Iterations} ({gd.Status})");
        });
    }

    [Test]
    public void Asymmetric_error_floor_shrinks_with_the_initialization_scale()
    {
        var floors = new[] { 1e-2, 1e-4, 1e-6 }.Select(alpha => new GradientDescent<double>().Solve(Overparameterized, new SolverOptions
        {
            Rank = 8, MaxIterations = 3000, Initialization = Initialization.SmallRandom(alpha),
        }).Final.RelativeError!.Value).ToArray();
        Assert.That(floors, Is.Ordered.Descending.And.Unique, string.Join(", ", floors));
        Assert.That(floors[0] / floors[2], Is.GreaterThan(100), "four orders of magnitude in α should move the floor by at least two");
    }

    [Test]
    public void Minibatch_SGD_with_a_tenth_of_the_measurements_per_batch_recovers()
    {
        var result = new MiniBatchSgd<double>().Solve(Overparameterized, new SolverOptions
        {
            Rank = 8, MaxIterations = 20000, ErrorTolerance = 1e-5, TraceEvery = 50, Initialization = Initialization.SmallRandom(1e-8),
            BatchSize = Overparameterized.Count / 10, Step = Magnitude.Relative(0.3),
        });
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(SolverStatus.Converged), $"error {result.Final.RelativeError}");
            Assert.That(TestProblems.DenseRelativeError(result, Overparameterized.Target!), Is.LessThanOrEqualTo(1e-5));
        });
    }

    [Test]
    public void SVP_recovers_at_the_true_rank()
    {
        var result = new Svp<double>().Solve(Overparameterized, new SolverOptions { Rank = 3, MaxIterations = 2000, ErrorTolerance = 1e-8 });
        Assert.That(result.Status, Is.EqualTo(SolverStatus.Converged), $"error {result.Final.RelativeError}");
        Assert.That(TestProblems.DenseRelativeError(result, Overparameterized.Target!), Is.LessThanOrEqualTo(1e-8));
    }

    [Test]
    public void ScaledGD_with_spectral_init_at_the_true_rank_converges_fast_whatever_kappa()
    {
        var problem = TestProblems.Asymmetric(n: 30, rank: 3, kappa: 100, m: 1000, seed: 3);
        var result = new ScaledGd<double>().Solve(problem, new SolverOptions { MaxIterations = 500, ErrorTolerance = 1e-10 });
        Assert.That(result.Status, Is.EqualTo(SolverStatus.Converged));
        Assert.That(result.Iterations, Is.LessThan(150));
    }

    [Test]
    public void PrecGD_recovers_an_overparameterized_problem()
    {
        var result = new PrecGd<double>().Solve(Overparameterized, new SolverOptions
        {
            Rank = 8, MaxIterations = 3000, ErrorTolerance = 1e-9, Initialization = Initialization.SmallRandom(1e-8),
        });
        Assert.That(result.Status, Is.EqualTo(SolverStatus.Converged), $"error {result.Final.RelativeError}");
    }

    [Test]
    public void Noise_gives_an_error_proportional_to_the_noise_level()
    {
        double ErrorAt(double noise)
        {
            var problem = TestProblems.Asymmetric(n: 30, rank: 3, kappa: 2, m: 1000, seed: 5, noise: noise);
            return new ScaledGd<double>().Solve(problem, new SolverOptions { MaxIterations = 300 }).Final.RelativeError!.Value;
        }
        double low = ErrorAt(1e-4), high = ErrorAt(1e-2);
        Assert.That(high / low, Is.InRange(50, 200), $"errors {low:E2} and {high:E2} for noise 1e-4 and 1e-2");
    }

    [Test]
    public void Float32_solver_reaches_single_precision_accuracy()
    {
        var target = LowRankTarget.Asymmetric<float>(30, 30, 3, 5, seed: 1);
        var data = new float[1000 * 900];
        new MatrixSensing.Random.RandomStream(9).FillNormal<float>(data, 1 / MathF.Sqrt(1000));
        var problem = SensingProblem.Create(target, new MatrixSensing.Operators.DenseOperator<float>(30, 30, 1000, data));
        var result = new ScaledGd<float>().Solve(problem, new SolverOptions { MaxIterations = 300 });
        double error = result.Final.RelativeError!.Value;
        Assert.That(error, Is.LessThan(1e-4).And.GreaterThan(1e-9), "single precision: well below 1e-4 but not at double's level");
    }

    [Test]
    public void Rank_one_measurements_recover()
    {
        var target = LowRankTarget.Asymmetric<double>(30, 30, 2, 3, seed: 4);
        var problem = SensingProblem.Create(target, MatrixSensing.Operators.MeasurementOperators.RankOne<double>(30, 30, 1500, seed: 5));
        var result = new ScaledGd<double>().Solve(problem, new SolverOptions { MaxIterations = 500, ErrorTolerance = 1e-8 });
        Assert.That(result.Status, Is.EqualTo(SolverStatus.Converged), $"error {result.Final.RelativeError}");
        Assert.That(TestProblems.DenseRelativeError(result, target), Is.LessThanOrEqualTo(1e-8));
    }

    [Test]
    public void Matrix_completion_recovers_from_a_third_of_the_entries()
    {
        var target = LowRankTarget.Asymmetric<double>(60, 50, 2, 2, seed: 6);
        var problem = SensingProblem.Create(target, MatrixSensing.Operators.MeasurementOperators.EntrySampling<double>(60, 50, 0.35, seed: 7));
        var result = new GradientDescent<double>().Solve(problem, new SolverOptions
        {
            Rank = 2, MaxIterations = 6000, ErrorTolerance = 1e-8, Step = Magnitude.Relative(0.5),
        });
        Assert.That(result.Status, Is.EqualTo(SolverStatus.Converged), $"error {result.Final.RelativeError}");
        Assert.That(TestProblems.DenseRelativeError(result, target), Is.LessThanOrEqualTo(1e-8));
    }

    [Test]
    public void Float32_stored_operator_reaches_the_same_error_as_float64()
    {
        var target = LowRankTarget.Asymmetric<double>(30, 30, 3, 5, seed: 8);
        SolverResult<double> Run(MatrixSensing.Operators.StoragePrecision storage) =>
            new ScaledGd<double>().Solve(SensingProblem.Create(target, MatrixSensing.Operators.MeasurementOperators.Gaussian<double>(30, 30, 1000, seed: 9, storage)),
                new SolverOptions { MaxIterations = 200, ErrorTolerance = 1e-12 });
        var full = Run(MatrixSensing.Operators.StoragePrecision.Compute);
        var reduced = Run(MatrixSensing.Operators.StoragePrecision.Reduced);
        Assert.Multiple(() =>
        {
            Assert.That(full.Status, Is.EqualTo(SolverStatus.Converged));
            Assert.That(reduced.Status, Is.EqualTo(SolverStatus.Converged), "y is taken from the stored values, so the problem stays exact");
            Assert.That(reduced.Iterations, Is.EqualTo(full.Iterations).Within(2));
        });
    }
}
