using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Solvers;

namespace MatrixSensing.Cli.Experiments;

/// <summary>
/// Wind, Antun and Hansen: overparameterized asymmetric GD from a small random start has an error floor that
/// shrinks with the initialization scale α.
/// </summary>
internal sealed class InitializationScale : Experiment
{
    public override string Name => "init-scale";

    public override string Description => "Asymmetric GD error floor against the initialization scale α (Wind, Antun & Hansen)";

    public override IReadOnlyList<Figure> Run(ExperimentContext context)
    {
        const int n = 40, rank = 3, h = 8, m = 1200, iterations = 2500;
        var problem = SensingProblem.Create(LowRankTarget.Asymmetric<double>(n, n, rank, 5, seed: 5), MeasurementOperators.Gaussian<double>(n, n, m, seed: 6));
        double[] scales = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8];
        var floors = new double[scales.Length];
        var curves = new List<Series>();
        for (int k = 0; k < scales.Length; k++)
        {
            var result = Run(context, new GradientDescent<double>(), problem,
                new SolverOptions { Rank = h, MaxIterations = iterations, TraceEvery = 10, Initialization = Initialization.SmallRandom(scales[k]) }, $"GD α={scales[k]:E0}");
            floors[k] = result.Final.RelativeError ?? double.NaN;
            if (k % 2 == 1) curves.Add(ErrorCurve($"α = {scales[k]:E0}", result));
        }
        double slope = Slope(scales, floors);
        return
        [
            new Figure(Name, $"GD error after {iterations} iterations vs initialization scale (h = {h} > r* = {rank})", "initialization scale α", "final relative error", true, true,
                [new Series("GD", scales, floors)],
                $"The floor {(floors.Zip(floors.Skip(1), (a, b) => b < a).All(x => x) ? "shrinks monotonically" : "shrinks (not monotonically)")} with α: " +
                $"{floors[0]:E1} at α = 1e-1 down to {floors[^1]:E1} at α = 1e-8; fitted log-log slope {slope:F2}."),
            new Figure(Name + "-curves", "GD from small random initialization: error vs iteration", "iteration", "relative error", false, true, curves,
                "Smaller α: a longer escape phase, then a lower floor."),
        ];
    }

    private static double Slope(double[] x, double[] y)
    {
        var lx = x.Select(Math.Log10).ToArray();
        var ly = y.Select(v => Math.Log10(Math.Max(v, 1e-300))).ToArray();
        double mx = lx.Average(), my = ly.Average();
        return lx.Zip(ly, (a, b) => (a - mx) * (b - my)).Sum() / lx.Sum(a => (a - mx) * (a - mx));
    }
}
