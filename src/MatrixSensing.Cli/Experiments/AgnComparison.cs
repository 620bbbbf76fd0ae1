using System.Globalization;
using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Solvers;

namespace MatrixSensing.Cli.Experiments;

/// <summary>
/// Jia, Feng, Meng and Sun (NeurIPS 2024), Table 2's setting: asymmetric 100×100, r* = 5, h = 3r* = 15,
/// m = 50·n·r* Gaussian measurements (stored in float32: 1 GB instead of 2), the same random Gaussian start of
/// variance 1/n for every solver, κ = 10 and 50. AGN converges in the fewest iterations and seconds, and its count
/// does not grow with κ; GD is still on its plateau when its iteration budget ends.
/// </summary>
internal sealed class AgnComparison : Experiment
{
    private const int N = 100, Rank = 5, H = 3 * Rank, M = 50 * N * Rank, GdIterations = 400, Iterations = 400;
    private const double Tolerance = 1e-10;

    public override string Name => "agn";

    public override string Description => "AGN vs GD, PrecGD, ScaledGD(λ): 100×100, r* = 5, h = 15, m = 50·n·r*, κ ∈ {10, 50} (Jia et al.)";

    public override IReadOnlyList<Figure> Run(ExperimentContext context)
    {
        var byIteration = new List<Series>();
        var bySeconds = new List<Series>();
        var found = new List<string>();
        foreach (double kappa in new[] { 10.0, 50 })
        {
            var problem = SensingProblem.Create(LowRankTarget.Asymmetric<double>(N, N, Rank, kappa, seed: 11),
                MeasurementOperators.Gaussian<double>(N, N, M, seed: 12, StoragePrecision.Reduced));
            var cells = new List<string>();
            foreach (var (label, solver, iterations) in Solvers())
            {
                var options = new SolverOptions
                {
                    Rank = H, MaxIterations = iterations, ErrorTolerance = Tolerance, TraceEvery = 1, Seed = 13,
                    Initialization = Initialization.SmallRandom(1),
                };
                var result = Run(context, solver, problem, options, $"{label} κ={kappa}");
                // Four solvers and two κ: colour tells the solver, dashed the larger κ.
                (string, string)[] parameters = [("solver", label), ("kappa", kappa.ToString(CultureInfo.InvariantCulture))];
                byIteration.Add((ErrorCurve($"{label} κ={kappa}", result, dashed: kappa > 10) with { Group = label }).With(parameters));
                bySeconds.Add(new Series($"{label} κ={kappa}", [.. result.Trace.Select(t => t.Seconds)],
                    [.. result.Trace.Select(t => t.RelativeError ?? double.NaN)], kappa > 10, Group: label).With(parameters));
                cells.Add(result.Status == SolverStatus.Converged
                    ? string.Create(CultureInfo.InvariantCulture, $"{label} {result.Iterations} it / {result.Elapsed.TotalSeconds:F1} s")
                    : $"{label} not within {result.Iterations} it");
            }
            found.Add($"κ={kappa}: " + string.Join(", ", cells));
        }
        string finding = $"To relative error {Tolerance:0e0} — " + string.Join("; ", found) + ".";
        return
        [
            new Figure(Name, $"AGN vs GD, PrecGD, ScaledGD(λ): {N}×{N}, r* = {Rank}, h = {H}, m = 50nr*", "iteration",
                "relative error ‖UVᵀ − M*‖_F / ‖M*‖_F", false, true, byIteration, finding),
            new Figure(Name + "-seconds", "The same runs against wall time (2 cores, float32-stored ensemble)", "seconds",
                "relative error ‖UVᵀ − M*‖_F / ‖M*‖_F", false, true, bySeconds, finding),
        ];
    }

    private static IEnumerable<(string Label, Solver<double> Solver, int Iterations)> Solvers()
    {
        yield return ("AGN", new ApproximateGaussNewton<double>(), Iterations);
        yield return ("ScaledGD(λ)", new ScaledGradientDescent<double>(), Iterations);
        yield return ("PrecGD", new PrecGd<double>(), Iterations);
        yield return ("GD", new GradientDescent<double>(), GdIterations);
    }
}
