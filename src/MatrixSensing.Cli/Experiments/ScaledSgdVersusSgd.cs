using MatrixSensing.LinearAlgebra;
using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Solvers;

namespace MatrixSensing.Cli.Experiments;

/// <summary>
/// Zhang, Chiu and Zhang (NeurIPS 2022), their first experiment: symmetric 30×30 completion of rank 3 with every
/// entry observed, learning rate 0.3, 200 epochs, from a random start with N(0, 1) entries. Well conditioned
/// (eigenvalues 1, 1, 1) and ill conditioned (10, 0.1, 0.001: κ = 10⁴): ScaledSGD converges at the same rate in
/// both, per-entry SGD stalls on the small eigenvalues of the ill-conditioned one.
/// </summary>
internal sealed class ScaledSgdVersusSgd : Experiment
{
    private const int N = 30, Rank = 3, Epochs = 200;

    public override string Name => "scaledsgd";

    public override string Description => "ScaledSGD vs per-entry SGD: 30×30 symmetric completion, rank 3, κ = 1 and 10⁴, all entries (Zhang, Chiu & Zhang)";

    public override IReadOnlyList<Figure> Run(ExperimentContext context)
    {
        var series = new List<Series>();
        var found = new List<string>();
        foreach (var (label, eigenvalues) in new[] { ("κ=1", new[] { 1.0, 1, 1 }), ("κ=1e4", new[] { 10, 0.1, 0.001 }) })
        {
            var problem = Problem(eigenvalues);
            var options = new SolverOptions
            {
                Rank = Rank, MaxIterations = Epochs, TraceEvery = 1, Step = Magnitude.Absolute(0.3), Seed = 1,
                Initialization = Initialization.SmallRandom(Math.Sqrt(N)),
            };
            var scaled = Run(context, new ScaledSgd<double>(), problem, options, $"ScaledSGD {label}");
            var plain = Run(context, new EntrySgd<double>(), problem, options, $"SGD {label}");
            series.Add((ErrorCurve($"ScaledSGD {label}", scaled) with { Group = label }).With(("solver", "ScaledSGD"), ("kappa", label[2..])));
            series.Add((ErrorCurve($"SGD {label}", plain, dashed: true) with { Group = label }).With(("solver", "SGD"), ("kappa", label[2..])));
            found.Add($"{label}: ScaledSGD {scaled.Final.RelativeError:0.0e0}, SGD {plain.Final.RelativeError:0.0e0}");
        }
        return [new Figure(Name, $"ScaledSGD vs SGD, {N}×{N} symmetric completion, rank {Rank}, all entries, η = 0.3", "epoch",
            "relative error ‖XXᵀ − M*‖_F / ‖M*‖_F", false, true, series, $"Error after {Epochs} epochs — " + string.Join("; ", found) + ".")];
    }

    /// <summary>M* = U* diag(λ) U*ᵀ with orthonormal U* from a seeded Gaussian, every entry observed.</summary>
    private static SensingProblem<double> Problem(double[] eigenvalues)
    {
        var basis = LowRankTarget.Symmetric<double>(N, Rank, 1, seed: 5).Left;
        var target = LowRankTarget.FromFactors(basis, basis, eigenvalues);
        var rows = new int[N * N];
        var columns = new int[N * N];
        var values = new double[N * N];
        var truth = target.ToMatrix();
        for (int k = 0, j = 0; j < N; j++)
            for (int i = 0; i < N; i++, k++)
                (rows[k], columns[k], values[k]) = (i, j, truth[i, j]);
        var op = MeasurementOperators.EntrySampling<double>(N, N, rows, columns);
        return SensingProblem.FromObservations(op, values, symmetric: true, target);
    }
}
