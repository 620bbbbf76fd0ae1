using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Solvers;

namespace MatrixSensing.Cli.Experiments;

/// <summary>
/// Wind, Antun and Hansen: the recovery error grows in proportion to the noise level, and GD still converges when
/// the measurement ensemble changes during the run.
/// </summary>
internal sealed class Robustness : Experiment
{
    public override string Name => "robustness";

    public override string Description => "Error vs noise level, and GD under measurements redrawn every K iterations";

    public override IReadOnlyList<Figure> Run(ExperimentContext context)
    {
        const int n = 40, rank = 3, h = 8, m = 1500;
        var target = LowRankTarget.Asymmetric<double>(n, n, rank, 5, seed: 9);
        double[] noise = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1];
        const int trials = 3;
        // Each trial draws its own ensemble and noise; the band is the min–max over trials, the line their median.
        var gd = new double[noise.Length, trials];
        var scaled = new double[noise.Length, trials];
        var reference = new double[noise.Length];
        for (int k = 0; k < noise.Length; k++)
            for (int trial = 0; trial < trials; trial++)
            {
                var problem = SensingProblem.Create(target, MeasurementOperators.Gaussian<double>(n, n, m, seed: 10 + (ulong)trial), noise[k], noiseSeed: 11 + (ulong)trial);
                reference[k] = problem.NoiseErrorScale ?? double.NaN;
                var options = new SolverOptions { Rank = h, MaxIterations = 1500, TraceEvery = 50, Seed = (ulong)trial };
                gd[k, trial] = Run(context, new GradientDescent<double>(), problem, options, $"GD σ={noise[k]:E0} trial {trial}").Final.RelativeError ?? double.NaN;
                scaled[k, trial] = Run(context, new ScaledGradientDescent<double>(), problem, options, $"ScaledGD(λ) σ={noise[k]:E0} trial {trial}").Final.RelativeError ?? double.NaN;
            }
        var gdMedian = Summary(gd, 0.5);

        var fresh = new List<Series>();
        var summary = new List<string>();
        foreach (int every in new[] { 0, 50, 10, 1 })
        {
            MeasurementOperator<double> op = every == 0
                ? MeasurementOperators.Gaussian<double>(n, n, m, seed: 12)
                : MeasurementOperators.Fresh<double>(n, n, m, every, seed: 12);
            var problem = SensingProblem.Create(target, op);
            string label = every == 0 ? "static measurements" : $"redrawn every {every}";
            var result = Run(context, new GradientDescent<double>(), problem, new SolverOptions { Rank = h, MaxIterations = 1500, TraceEvery = 10, ErrorTolerance = 1e-8 }, "GD " + label);
            fresh.Add(ErrorCurve(label, result, dashed: every == 0).With(("redrawn_every", every == 0 ? "never" : every.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            summary.Add($"{label}: {result.Final.RelativeError:E1} after {result.Iterations}");
        }
        return
        [
            new Figure(Name + "-noise", $"Recovery error vs measurement noise (h = 8 > r* = 3, {trials} trials: median and min–max)", "noise level σ",
                "final ‖UVᵀ − M*‖_F / ‖M*‖_F", true, true,
                [
                    new Series("GD", noise, gdMedian, YLow: Summary(gd, 0), YHigh: Summary(gd, 1)).With(("solver", "GD")),
                    new Series("ScaledGD(λ)", noise, Summary(scaled, 0.5), Dashed: true, YLow: Summary(scaled, 0), YHigh: Summary(scaled, 1)).With(("solver", "ScaledGD(λ)")),
                    new Series("σ·√(r*(n₁+n₂−r*)) / ‖M*‖_F", noise, reference, Dashed: true).With(("solver", "reference")),
                ],
                $"Error grows linearly with σ: median {gdMedian[0]:E1} at σ = 1e-5 to {gdMedian[^1]:E1} at σ = 1e-1 (GD, {trials} trials), "
                + $"{gdMedian[^1] / reference[^1]:F2}× the noise scale σ·√(r*(n₁+n₂−r*))/‖M*‖_F."),
            new Figure(Name + "-changing", "GD with measurements redrawn during the run", "iteration t", "‖UVᵀ − M*‖_F / ‖M*‖_F", false, true, fresh,
                string.Join("; ", summary) + "."),
        ];
    }

    // Per noise level, the q-quantile over trials (0 = min, 0.5 = median, 1 = max; nearest rank).
    private static double[] Summary(double[,] errors, double q)
    {
        var result = new double[errors.GetLength(0)];
        for (int k = 0; k < result.Length; k++)
        {
            var sorted = Enumerable.Range(0, errors.GetLength(1)).Select(t => errors[k, t]).Order().ToArray();
            result[k] = sorted[(int)Math.Round(q * (sorted.Length - 1))];
        }
        return result;
    }
}
