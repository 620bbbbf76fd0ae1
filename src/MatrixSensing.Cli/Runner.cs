using System.Globalization;
using System.Numerics;
using System.Text.Json;
using MatrixSensing.Cli.Experiments;
using MatrixSensing.Cli.Reports;
using MatrixSensing.Problems;
using MatrixSensing.Solvers;

namespace MatrixSensing.Cli;

/// <summary>How a command reports: quiet (no progress), JSON summary on stdout instead of the table.</summary>
/// <param name="Stdout">Table or JSON.</param>
/// <param name="Stderr">Progress and messages.</param>
/// <param name="Quiet">No progress or messages.</param>
/// <param name="Json">Print the summary as JSON.</param>
internal sealed record Output(TextWriter Stdout, TextWriter Stderr, bool Quiet, bool Json)
{
    public bool LiveProgress => !Quiet && !Json && ReferenceEquals(Stderr, Console.Error) && !Console.IsErrorRedirected;

    public void Say(string line)
    {
        if (!Quiet) Stderr.WriteLine(line);
    }
}

/// <summary>Runs solvers on one problem side by side and writes the table, trace.csv, trace.json and convergence.png.</summary>
internal static class Runner
{
    public static IReadOnlyList<SolverResult<T>> Run<T>(SensingProblem<T> problem, IReadOnlyList<(SolverDescriptor Solver, SolverOptions Options)> runs,
        string outDir, string title, Output output, CancellationToken cancellation) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var results = new List<SolverResult<T>>();
        foreach (var (descriptor, options) in runs)
        {
            var solver = descriptor.Create<T>();
            var progress = new LiveProgress(output, solver.Name);
            var result = solver.Solve(problem, options, progress, cancellation);
            progress.Finish();
            results.Add(result);
            if (result.Status == SolverStatus.Cancelled)
            {
                output.Say("msense: cancelled; writing what was computed");
                break;
            }
        }
        Write(results, outDir, title, output);
        return results;
    }

    public static void Write<T>(IReadOnlyList<SolverResult<T>> results, string outDir, string title, Output output) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var reports = results.Select(TraceFiles.Report).ToList();
        Directory.CreateDirectory(outDir);
        TraceFiles.WriteCsv(Path.Combine(outDir, "trace.csv"), reports);
        TraceFiles.WriteJson(Path.Combine(outDir, "trace.json"), reports);
        bool hasError = results.Any(r => r.Trace.Any(t => t.RelativeError is not null));
        var series = results.Select(r => new Series(r.Solver, [.. r.Trace.Select(t => (double)t.Iteration)],
            [.. r.Trace.Select(t => hasError ? t.RelativeError ?? double.NaN : t.RelativeResidual)])).ToList();
        FigureRenderer.Save(new Figure("convergence", title, "iteration", hasError ? "relative error" : "relative residual", false, true, series, ""), outDir);
        if (output.Json)
        {
            var summary = reports.Select(r => r with { Trace = null }).ToList();
            output.Stdout.WriteLine(JsonSerializer.Serialize(summary, ReportJson.Default.ListRunReport));
            return;
        }
        output.Stdout.WriteLine($"{"solver",-12} {"status",-13} {"iterations",10} {"rel. error",11} {"rel. resid.",11} {"seconds",8} {"ms/iter",8}");
        foreach (var r in reports)
            output.Stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Solver,-12} {r.Status,-13} {r.Iterations,10} {(r.RelativeError is { } e ? e.ToString("E2", CultureInfo.InvariantCulture) : "–"),11} {r.RelativeResidual,11:E2} {r.Seconds,8:F1} {r.MillisecondsPerIteration,8:F2}"));
        output.Say($"wrote {Path.Combine(outDir, "trace.csv")}, trace.json, convergence.png");
    }

    /// <summary>One status line per solver on stderr, refreshed at most ten times a second.</summary>
    private sealed class LiveProgress(Output output, string name) : IProgress<TraceEntry>
    {
        private long _last;
        private bool _shown;

        public void Report(TraceEntry value)
        {
            if (!output.LiveProgress) return;
            long now = Environment.TickCount64;
            if (now - _last < 100) return;
            _last = now;
            _shown = true;
            string error = value.RelativeError is { } e ? $"error {e:E2}" : $"residual {value.RelativeResidual:E2}";
            output.Stderr.Write(string.Create(CultureInfo.InvariantCulture, $"\r  {name,-12} iteration {value.Iteration,6}  {error}  {value.Seconds,6:F1} s "));
        }

        public void Finish()
        {
            if (_shown) output.Stderr.WriteLine();
        }
    }
}
