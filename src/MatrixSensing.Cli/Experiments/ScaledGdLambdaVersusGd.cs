using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Solvers;

namespace MatrixSensing.Cli.Experiments;

/// <summary>
/// Xu, Shen, Chi and Ma (2023): overparameterized symmetric sensing from small random initialization; ScaledGD(λ)
/// converges fast and almost independently of κ, GD slows down with κ.
/// </summary>
internal sealed class ScaledGdLambdaVersusGd : Experiment
{
    public override string Name => "scaledgd-lambda";

    public override string Description => "ScaledGD(λ) vs GD over κ ∈ {1, 10, 100}: overparameterized symmetric, small random init (Xu et al.)";

    public override IReadOnlyList<Figure> Run(ExperimentContext context)
    {
        const int n = 30, rank = 3, h = 6, m = 1200, iterations = 4000;
        var series = new List<Series>();
        var reached = new List<string>();
        foreach (double kappa in new[] { 1.0, 10, 100 })
        {
            var problem = SensingProblem.Create(LowRankTarget.Symmetric<double>(n, rank, kappa, seed: 3), MeasurementOperators.SymmetricGaussian<double>(n, m, seed: 4));
            var options = new SolverOptions { Rank = h, MaxIterations = iterations, ErrorTolerance = 1e-9, TraceEvery = 5 };
            var scaled = Run(context, new ScaledGradientDescent<double>(), problem, options, $"ScaledGD(λ) κ={kappa}");
            var gd = Run(context, new GradientDescent<double>(), problem, options, $"GD κ={kappa}");
            string k = kappa.ToString(System.Globalization.CultureInfo.InvariantCulture);
            series.Add((ErrorCurve($"ScaledGD(λ) κ={kappa}", scaled) with { Group = $"κ={kappa}" }).With(("solver", "ScaledGD(λ)"), ("kappa", k)));
            series.Add((ErrorCurve($"GD κ={kappa}", gd, dashed: true) with { Group = $"κ={kappa}" }).With(("solver", "GD"), ("kappa", k)));
            reached.Add($"κ={kappa}: ScaledGD(λ) {scaled.Iterations} ({scaled.Status}), GD {gd.Iterations} ({gd.Status})");
        }
        return [new Figure(Name, $"ScaledGD(λ) vs GD, symmetric, h = {h} > r* = {rank}, small random init", "iteration t", "‖XXᵀ − M*‖_F / ‖M*‖_F", false, true, series,
            "Iterations to 1e-9 — " + string.Join("; ", reached) + ".")];
    }
}
