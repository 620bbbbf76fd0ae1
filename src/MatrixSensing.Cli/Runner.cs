using System.Globalization;
using System.Numerics;
using MatrixSensing.IO;
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
/// <param name="Solvers">The config of each result's solver.</param>
/// <param name="ExitCode">From <see cref="ExitCodes"/>: cancelled, diverged or failed, tolerance not reached, or success.</param>
internal sealed record RunOutcome<T>(IReadOnlyList<SolverResult<T>> Results, IReadOnlyList<SolverConfig> Solvers, int ExitCode) where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// Runs the solvers of a <see cref="RunConfig"/> on one problem side by side and writes the table (or the JSON
/// summary), trace.csv, trace.json, convergence.png and, when asked, one estimate-&lt;solver&gt;.npz per solver.
/// </summary>
internal static class Runner
{
    /// <summary>
    /// Runs each solver in turn (stopping at a cancellation), then writes the outputs into <paramref name="folder"/>
    /// (as ".partial" files when cancelled). A solver that fails numerically is reported and skipped.
    /// </summary>
    /// <param name="problem">The problem.</param>
    /// <param name="config">The resolved run: every solver option after defaults, written into each output.</param>
    /// <param name="options">The solver options of each entry of <see cref="RunConfig.Solvers"/>.</param>
    /// <param name="folder">The output folder.</param>
    /// <param name="output">How to report.</param>
    /// <param name="writeEstimates">Write estimate-&lt;solver&gt;.npz for each result.</param>
    /// <param name="cancellation">Stops the running solver.</param>
    public static RunOutcome<T> Run<T>(SensingProblem<T> problem, RunConfig config, IReadOnlyList<SolverOptions> options,
        OutputFolder folder, Output output, bool writeEstimates, CancellationToken cancellation) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var results = new List<SolverResult<T>>();
        var ran = new List<SolverConfig>();
        int code = ExitCodes.Success;
        for (int k = 0; k < config.Solvers.Count; k++)
        {
            if (cancellation.IsCancellationRequested) break;
            var solver = config.Solvers[k].Descriptor.Create<T>();
            var progress = new LiveProgress(output, solver.Name);
            try
            {
                var result = solver.Solve(problem, options[k], progress, cancellation);
                results.Add(result);
                ran.Add(config.Solvers[k]);
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
        code = ExitCodes.Worse(code, ExitCodes.ForStatuses(results.Select(r => r.Status), config.RequireTolerance, Cli.CancelledBy));
        if (cancelled) code = ExitCodes.Worse(code, Cli.CancelledCode);
        bool complete = !cancelled && ran.Count == config.Solvers.Count;
        Write(results, ran, config, folder, output, complete, writeEstimates);
        return new RunOutcome<T>(results, ran, code);
    }

    /// <summary>The estimate file of a solver: always estimate-&lt;solver&gt;.npz, whatever the number of solvers.</summary>
    public static string EstimateFileName(string solver) => $"estimate-{solver}.npz";

    private static void Write<T>(List<SolverResult<T>> results, List<SolverConfig> solvers, RunConfig config, OutputFolder folder, Output output,
        bool complete, bool writeEstimates) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var provenance = Provenance.Capture();
        var reports = results.Select((r, k) => TraceFiles.Report(r, solvers[k], writeEstimates ? Path.GetFileName(folder.File(EstimateFileName(solvers[k].Solver))) : null)).ToList();
        var document = new RunDocument(RunDocument.SchemaName, config, provenance, complete, reports);
        TraceFiles.WriteCsv(folder.File("trace.csv"), reports);
        TraceFiles.WriteJson(folder.File("trace.json"), document);
        for (int k = 0; k < results.Count && writeEstimates; k++)
        {
            // Each estimate carries the config of its own solver, so it reruns alone.
            var meta = new RunDocument(RunDocument.SchemaName, config with { Solvers = [solvers[k]] }, provenance,
                complete && results[k].Status != SolverStatus.Cancelled, [reports[k] with { Trace = null }]);
            ProblemBundle.SaveResult(Path.Combine(folder.FullPath, reports[k].EstimateFile!), results[k], TraceFiles.ToJson(meta));
        }
        bool hasError = results.Any(r => r.Trace.Any(t => t.RelativeError is not null));
        var series = results.Select(r => new Series(r.Solver, [.. r.Trace.Select(t => (double)t.Iteration)],
            [.. r.Trace.Select(t => hasError ? t.RelativeError ?? double.NaN : t.RelativeResidual)])).ToList();
        string title = config.Problem.Describe() + (complete ? "" : " (partial: cancelled)");
        FigureRenderer.Save(new Figure(folder.FigureStem("convergence", svg: false), title, "iteration", hasError ? "relative error" : "relative residual", false, true, series, ""), folder.FullPath);
        if (output.Json)
        {
            output.Stdout.WriteLine(TraceFiles.ToJson(document with { Runs = [.. reports.Select(r => r with { Trace = null })] }));
            return;
        }
        output.Stdout.WriteLine($"{"solver",-12} {"status",-14} {"iterations",10} {"rel. error",11} {"rel. resid.",11} {"seconds",8} {"ms/iter",8}");
        foreach (var r in reports)
            output.Stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.DisplayName,-12} {r.Status,-14} {r.Iterations,10} {(r.RelativeError is { } e ? e.ToString("E2", CultureInfo.InvariantCulture) : "–"),11} {r.RelativeResidual,11:E2} {r.Seconds,8:F1} {r.MsPerIteration,8:F2}"));
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
