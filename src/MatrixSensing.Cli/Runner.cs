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

/// <summary>What a side-by-side run produced.</summary>
/// <param name="Results">One result per solver that ran (a solver that failed numerically has none).</param>
/// <param name="Kinds">The solver of each result.</param>
/// <param name="ExitCode">From <see cref="ExitCodes"/>: cancelled, diverged or failed, tolerance not reached, or success.</param>
internal sealed record RunOutcome<T>(IReadOnlyList<SolverResult<T>> Results, IReadOnlyList<SolverDescriptor> Kinds, int ExitCode) where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>Runs solvers on one problem side by side and writes the table, trace.csv, trace.json and convergence.png.</summary>
internal static class Runner
{
    /// <summary>
    /// Runs each solver in turn (stopping at a cancellation), then writes the outputs into <paramref name="folder"/>
    /// (as ".partial" files when cancelled). A solver that fails numerically is reported and skipped.
    /// </summary>
    /// <param name="toleranceRequired">A tolerance was given on the command line: stopping short of it is exit 5.</param>
    public static RunOutcome<T> Run<T>(SensingProblem<T> problem, IReadOnlyList<(SolverDescriptor Solver, SolverOptions Options)> runs,
        OutputFolder folder, string title, Output output, bool toleranceRequired, CancellationToken cancellation) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var results = new List<SolverResult<T>>();
        var kinds = new List<SolverDescriptor>();
        int code = ExitCodes.Success;
        foreach (var (kind, options) in runs)
        {
            if (cancellation.IsCancellationRequested) break;
            var solver = kind.Create<T>();
            var progress = new LiveProgress(output, solver.Name);
            try
            {
                var result = solver.Solve(problem, options, progress, cancellation);
                results.Add(result);
                kinds.Add(kind);
                if (result.Status == SolverStatus.Failed) output.Say($"msense: {solver.Name} failed: {result.Failure?.Message ?? "no reason given"}");
            }
            catch (Exception e) when (e is SolverException or LinearAlgebra.LapackException)
            {
                output.Say($"msense: {solver.Name} failed: {e.Message}");
                code = ExitCodes.Worse(code, ExitCodes.Diverged);
            }
            finally
            {
                progress.Finish();
            }
        }
        bool cancelled = cancellation.IsCancellationRequested || results.Any(r => r.Status == SolverStatus.Cancelled);
        folder.Partial = cancelled;
        if (cancelled) output.Say("msense: cancelled; writing what was computed as .partial files (complete results of earlier runs are kept)");
        code = ExitCodes.Worse(code, ExitCodes.ForStatuses(results.Select(r => r.Status), toleranceRequired, Cli.CancelledBy));
        if (cancelled) code = ExitCodes.Worse(code, Cli.CancelledCode);
        Write(results, folder, cancelled ? title + " (partial: cancelled)" : title, output);
        return new RunOutcome<T>(results, kinds, code);
    }

    public static void Write<T>(IReadOnlyList<SolverResult<T>> results, OutputFolder folder, string title, Output output) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var reports = results.Select(TraceFiles.Report).ToList();
        TraceFiles.WriteCsv(folder.File("trace.csv"), reports);
        TraceFiles.WriteJson(folder.File("trace.json"), reports);
        bool hasError = results.Any(r => r.Trace.Any(t => t.RelativeError is not null));
        var series = results.Select(r => new Series(r.Solver, [.. r.Trace.Select(t => (double)t.Iteration)],
            [.. r.Trace.Select(t => hasError ? t.RelativeError ?? double.NaN : t.RelativeResidual)])).ToList();
        FigureRenderer.Save(new Figure(folder.FigureStem("convergence", svg: false), title, "iteration", hasError ? "relative error" : "relative residual", false, true, series, ""), folder.FullPath);
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
        output.Say($"wrote {string.Join(", ", folder.Files.Select(f => Path.Combine(folder.FullPath, f)))}");
    }

    /// <summary>
    /// Runs <paramref name="build"/> (generating or loading a problem, which checks no token) on its own thread and
    /// waits for it or the cancellation, whichever comes first: Ctrl-C during a long build acts at once. The
    /// abandoned build ends with the process.
    /// </summary>
    /// <exception cref="CliException">Cancelled (exit 130 or 143).</exception>
    public static TResult Build<TResult>(Func<TResult> build, string what, CancellationToken cancellation)
    {
        var task = Task.Factory.StartNew(build, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            task.Wait(cancellation);
        }
        catch (OperationCanceledException)
        {
            throw new CliException(Cli.CancelledCode, $"cancelled while {what}; nothing was computed or written");
        }
        catch (AggregateException)
        {
            // rethrown unwrapped below
        }
        return task.GetAwaiter().GetResult();
    }

    /// <summary>The command line after `msense`, for manifests.</summary>
    public static string CommandLine(System.CommandLine.ParseResult parse) => string.Join(' ', parse.Tokens.Select(t => t.Value));

    /// <summary>Writes the manifest and notes the files in the folder that this run did not write.</summary>
    public static void Finish(OutputFolder folder, string command, int exitCode, Output output)
    {
        var others = folder.WriteManifest(command, exitCode);
        if (others.Count > 0)
            output.Say($"msense: note: {others.Count} file(s) in {folder.FullPath} are not from this run (listed in the manifest): {string.Join(", ", others.Take(5))}{(others.Count > 5 ? ", …" : "")}");
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
