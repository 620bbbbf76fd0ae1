using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Solvers;

namespace MatrixSensing.Cli.Experiments;

/// <summary>Full-batch GD against mini-batch SGD per pass over the measurements (Wind, Antun and Hansen).</summary>
internal sealed class SgdVersusGd : Experiment
{
    public override string Name => "sgd";

    public override string Description => "GD vs mini-batch SGD (batches of m/10 and m/4), error per pass over the data";

    public override IReadOnlyList<Figure> Run(ExperimentContext context)
    {
        const int n = 40, rank = 3, h = 8, m = 1500, epochs = 300;
        var problem = SensingProblem.Create(LowRankTarget.Asymmetric<double>(n, n, rank, 5, seed: 7), MeasurementOperators.Gaussian<double>(n, n, m, seed: 8));
        var series = new List<Series>();
        var gd = Run(context, new GradientDescent<double>(), problem, new SolverOptions { Rank = h, MaxIterations = epochs, ErrorTolerance = 1e-9 }, "GD");
        series.Add(ErrorCurve("GD", gd, dashed: true));
        var summary = new List<string> { $"GD {gd.Final.RelativeError:E1}" };
        foreach (int divisor in new[] { 10, 4 })
        {
            int batch = m / divisor;
            var sgd = Run(context, new MiniBatchSgd<double>(), problem, new SolverOptions
            {
                Rank = h, BatchSize = batch, MaxIterations = epochs * divisor, TraceEvery = divisor, ErrorTolerance = 1e-9, Step = Magnitude.Relative(0.3),
            }, $"SGD b=m/{divisor}");
            series.Add(ErrorCurve($"SGD b = m/{divisor}", sgd, xScale: 1.0 / divisor));
            summary.Add($"SGD b=m/{divisor} {sgd.Final.RelativeError:E1}");
        }
        return [new Figure(Name, $"GD vs mini-batch SGD (h = {h} > r* = {rank})", "passes over the measurements (epochs)", "relative error", false, true, series,
            $"Errors after at most {epochs} passes over the data: " + string.Join(", ", summary) +
            ". A pass of SGD makes m/b updates, so per pass it gets much further than one full-batch GD step.")];
    }
}
