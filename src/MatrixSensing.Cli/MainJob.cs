using System.Globalization;
using MatrixSensing.Cli.Experiments;
using MatrixSensing.Cli.Reports;
using MatrixSensing.Interop;
using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Solvers;

namespace MatrixSensing.Cli;

/// <summary>
/// The README's main job: an overparameterized asymmetric problem (100×100, r* = 5, h = 20, κ = 20, 8000 Gaussian
/// measurements stored in float32) solved by ScaledGD(λ) and GD side by side with the library's defaults.
/// </summary>
internal static class MainJob
{
    public static int Run(string outDir, TextWriter stdout, TextWriter stderr, CancellationToken cancellation)
    {
        BlasThreads.Count = Math.Min(2, Environment.ProcessorCount);
        stderr.WriteLine("msense run: 100×100, r* = 5, h = 20, κ = 20, m = 8000 Gaussian (float32 storage); ScaledGD(λ) vs GD to relative error 1e-8");
        var target = LowRankTarget.Asymmetric<double>(100, 100, rank: 5, conditionNumber: 20, seed: 1);
        var problem = SensingProblem.Create(target, MeasurementOperators.Gaussian<double>(100, 100, 8000, seed: 2, StoragePrecision.Reduced));
        var runs = new List<RunReport>();
        var series = new List<Series>();
        foreach (var solver in new Solver<double>[] { new ScaledGradientDescent<double>(), new GradientDescent<double>() })
        {
            var progress = new Progress(stderr, solver.Name, enabled: !Console.IsErrorRedirected);
            var result = solver.Solve(problem, new SolverOptions
            {
                Rank = 20, ErrorTolerance = 1e-8, MaxIterations = 3000, TraceEvery = 5, TimeBudget = TimeSpan.FromSeconds(25),
            }, progress, cancellation);
            progress.Finish();
            runs.Add(TraceFiles.Report(result));
            series.Add(new Series(result.Solver, [.. result.Trace.Select(t => (double)t.Iteration)], [.. result.Trace.Select(t => t.RelativeError ?? double.NaN)]));
            if (result.Status == SolverStatus.Cancelled) break;
        }
        Directory.CreateDirectory(outDir);
        TraceFiles.WriteCsv(Path.Combine(outDir, "trace.csv"), runs);
        TraceFiles.WriteJson(Path.Combine(outDir, "trace.json"), runs);
        FigureRenderer.Save(new Figure("convergence", "100×100, r* = 5, h = 20, κ = 20, m = 8000", "iteration", "relative error", false, true, series, ""), outDir);
        stdout.WriteLine();
        stdout.WriteLine($"{"solver",-12} {"status",-13} {"iterations",10} {"rel. error",11} {"seconds",8} {"ms/iter",8}");
        foreach (var r in runs)
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Solver,-12} {r.Status,-13} {r.Iterations,10} {r.RelativeError,11:E2} {r.Seconds,8:F1} {r.MillisecondsPerIteration,8:F2}"));
        stdout.WriteLine($"wrote {Path.Combine(outDir, "trace.csv")}, trace.json, convergence.png");
        return 0;
    }

    /// <summary>A one-line live progress display, refreshed at most ten times a second.</summary>
    private sealed class Progress(TextWriter writer, string name, bool enabled) : IProgress<TraceEntry>
    {
        private long _lastTicks;

        public void Report(TraceEntry value)
        {
            if (!enabled) return;
            long now = Environment.TickCount64;
            if (now - _lastTicks < 100) return;
            _lastTicks = now;
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"\r  {name,-12} iteration {value.Iteration,6}  error {value.RelativeError:E2}  {value.Seconds,6:F1} s   "));
        }

        public void Finish()
        {
            if (enabled) writer.WriteLine();
        }
    }
}
