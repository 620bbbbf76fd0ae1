using System.Collections.Concurrent;
using System.Globalization;
using MatrixSensing.Cli.Sweeps;

namespace MatrixSensing.Cli.Experiments;

/// <summary>
/// Phase transitions in the number of measurements, as the matrix sensing and completion papers draw them: the
/// fraction of trials that recover M* (relative error ≤ 1e-3) against m / (r*(n1 + n2 − r*)), the number of
/// measurements over the degrees of freedom of a rank-r* matrix, for GD from a small random start, ScaledGD(λ)
/// and SVP, on Gaussian sensing and on entry sampling (completion). Runs as a sweep (same seeds, same trial
/// records), 20×20, r* = 2, 10 trials per point.
/// </summary>
internal sealed class PhaseTransition : Experiment
{
    private static readonly (string Name, string Label)[] s_solvers = [("gd", "GD (small init)"), ("scaledgd-lambda", "ScaledGD(λ)"), ("svp", "SVP")];
    private static readonly (string Name, string Label, string Figure)[] s_operators =
        [("gaussian", "Gaussian sensing", "phase-transition-gaussian"), ("entry-sampling", "matrix completion (entry sampling)", "phase-transition-completion")];

    private const string Grid = """
        {
          "seed": 1,
          "trials": 10,
          "base": { "n": 20, "rank": 2, "kappa": 2, "max-iter": 1500, "tol-error": 1e-5, "init": "small-random:1e-3" },
          "axes": [
            { "name": "operator", "values": ["gaussian", "entry-sampling"] },
            { "name": "solver", "values": ["gd", "scaledgd-lambda", "svp"] },
            { "name": "dof-ratio", "from": 0.5, "to": 4, "step": 0.25 }
          ],
          "success": { "metric": "relative-error", "threshold": 1e-3 }
        }
        """;

    public override string Name => "phase-transition";

    public override string Description => "Success probability over m / (r*(n1 + n2 − r*)): GD from small init, ScaledGD(λ) and SVP on Gaussian sensing and completion";

    public override IReadOnlyList<Figure> Run(ExperimentContext context)
    {
        var grid = SweepGrid.Parse(Grid, Name);
        var planned = grid.Plan();
        var outcomes = new ConcurrentDictionary<int, TrialOutcome>();
        try
        {
            Parallel.ForEach(Partitioner.Create(planned.OrderByDescending(t => t.Cost).ToList(), EnumerablePartitionerOptions.NoBuffering),
                new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = context.Cancellation },
                trial => outcomes[trial.Index] = new TrialRunner().Run(trial.Config, context.Cancellation));
        }
        catch (OperationCanceledException)
        {
            return [];
        }
        var ratios = grid.Axes[2].Values.Select(v => v.AsNumber("dof-ratio")).ToArray();
        var figures = new List<Figure>();
        foreach (var (op, opLabel, figureName) in s_operators)
        {
            var series = new List<Series>();
            var transitions = new List<string>();
            foreach (var (solver, label) in s_solvers)
            {
                var rate = ratios.Select(ratio => Rate(grid, planned, outcomes, op, solver, ratio)).ToArray();
                series.Add(new Series(label, ratios, rate));
                int half = Array.FindIndex(rate, r => r >= 0.5);
                transitions.Add(half < 0 ? $"{label} never reaches 50 %" : string.Create(CultureInfo.InvariantCulture, $"{label} {ratios[half]:0.##}×"));
                context.Log($"{opLabel,-36} {label,-16} " + string.Join(" ", rate.Select(r => r.ToString("F2", CultureInfo.InvariantCulture))));
            }
            bool same = series.All(x => x.Y.SequenceEqual(series[0].Y));
            series.Add(new Series("m = r*(n₁ + n₂ − r*)", [1, 1], [0, 1], Dashed: true));
            figures.Add(new Figure(figureName, $"Phase transition, {opLabel}: 20×20, r* = 2, κ = 2, {grid.Trials} trials per point",
                "m / (r*(n₁ + n₂ − r*))", "success probability (relative error ≤ 1e-3)", false, false, series,
                $"{opLabel}: 50 % success first reached at m/dof = {string.Join(", ", transitions)}" +
                (same ? "; the three curves coincide (the solvers succeed on the same instances)" : "") + " (the dof line is m = r*(n₁ + n₂ − r*) = 76)."));
        }
        return figures;
    }

    private static double Rate(SweepGrid grid, IReadOnlyList<PlannedTrial> planned, ConcurrentDictionary<int, TrialOutcome> outcomes, string op, string solver, double ratio)
    {
        var trials = planned.Where(t => t.Cell[0].Text == op && t.Cell[1].Text == solver && t.Cell[2].AsNumber("dof-ratio") == ratio).ToList();
        return trials.Count(t => outcomes.TryGetValue(t.Index, out var o) && grid.Success.Met(o.RelativeError, o.RelativeResidual)) / (double)trials.Count;
    }
}
