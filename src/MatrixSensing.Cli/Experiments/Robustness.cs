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
        var gdError = new double[noise.Length];
        var scaledError = new double[noise.Length];
        for (int k = 0; k < noise.Length; k++)
        {
            var problem = SensingProblem.Create(target, MeasurementOperators.Gaussian<double>(n, n, m, seed: 10), noise[k], noiseSeed: 11);
            var options = new SolverOptions { Rank = h, MaxIterations = 1500, TraceEvery = 50 };
            gdError[k] = Run(context, new GradientDescent<double>(), problem, options, $"GD σ={noise[k]:E0}").Final.RelativeError ?? double.NaN;
            scaledError[k] = Run(context, new ScaledGradientDescent<double>(), problem, options, $"ScaledGD(λ) σ={noise[k]:E0}").Final.RelativeError ?? double.NaN;
        }

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
            fresh.Add(ErrorCurve(label, result, dashed: every == 0));
            summary.Add($"{label}: {result.Final.RelativeError:E1} after {result.Iterations}");
        }
        return
        [
            new Figure(Name + "-noise", "Recovery error vs measurement noise (h = 8 > r* = 3)", "noise level σ", "final relative error", true, true,
                [new Series("GD", noise, gdError), new Series("ScaledGD(λ)", noise, scaledError, Dashed: true)],
                $"Error grows linearly with σ: from {gdError[0]:E1} at σ = 1e-5 to {gdError[^1]:E1} at σ = 1e-1 (GD)."),
            new Figure(Name + "-changing", "GD with measurements redrawn during the run", "iteration", "relative error", false, true, fresh,
                string.Join("; ", summary) + "."),
        ];
    }
}
