using System.CommandLine;
using System.Globalization;
using System.Text;
using MatrixSensing.Cli.Sweeps;
using MatrixSensing.Interop;

namespace MatrixSensing.Cli.Commands;

/// <summary>
/// `msense sweep`: trials over a grid (a JSON file, or the shorthand flags for the phase-transition grid over
/// m/(n·r*) × r*), run in parallel with one BLAS thread each by default, each appended to trials.jsonl as it
/// finishes; then sweep.csv, summary.json and heatmap.png (".partial" while incomplete). `--resume` continues a
/// stopped sweep, `--shard i/N` runs one part for `msense merge`.
/// </summary>
internal static class SweepCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var grid = new Option<string?>("--grid") { Description = "Sweep described in a JSON file (see the README); replaces the shorthand flags below" };
        var n = new Option<int>("--n") { Description = "Shorthand: n1 = n2", DefaultValueFactory = _ => 30 };
        var ratios = new Option<string>("--ratios") { Description = "Shorthand: m/(n·r*) values, comma-separated", DefaultValueFactory = _ => "1,1.5,2,2.5,3,4,5" };
        var ranks = new Option<string>("--ranks") { Description = "Shorthand: r* values, comma-separated", DefaultValueFactory = _ => "1,2,3,4" };
        var trials = new Option<int>("--trials") { Description = "Shorthand: trials per cell", DefaultValueFactory = _ => 4 };
        var solver = new Option<string>("--solver") { Description = "Shorthand: the solver (" + Solvers.SolverRegistry.Names + ")", DefaultValueFactory = _ => "scaledgd" };
        var extra = new Option<int>("--extra-rank") { Description = "Shorthand: h = r* + this (overparameterization; h ≤ n)", DefaultValueFactory = _ => 0 };
        var maxIter = new Option<int>("--max-iter") { Description = "Shorthand: iterations per trial", DefaultValueFactory = _ => 300 };
        var threshold = new Option<double>("--success") { Description = "Shorthand: success when the relative error is at most this", DefaultValueFactory = _ => 1e-3 };
        var seed = new Option<ulong>("--seed") { Description = "Shorthand: the sweep's seed (every trial's seeds derive from it and the trial's coordinates)", DefaultValueFactory = _ => 1UL };
        var parallel = new Option<int?>("--parallel") { Description = "Trials run at once (default: cores / --threads)" };
        var resume = new Option<bool>("--resume") { Description = "Continue the sweep in --out: skip trials already in trials.jsonl (same parameters and seeds)" };
        var shard = new Option<string?>("--shard") { Description = "Run shard i/N only (0 ≤ i < N; balanced by estimated cost); combine with msense merge" };
        var command = new Command("sweep", "Trials over a grid of any run options; per-trial records, resume, shards. --threads is the BLAS threads per trial (default 1)");
        Option[] shorthand = [n, ratios, ranks, trials, solver, extra, maxIter, threshold, seed];
        foreach (var option in (Option[])[grid, .. shorthand, parallel, resume, shard]) command.Add(option);
        Cli.AddCommon(command);
        command.SetAction((parse, cancellation) =>
        {
            var output = new Output(stdout, stderr, parse.GetValue(Cli.Quiet), parse.GetValue(Cli.Json));
            // Parallelism comes from running trials at once: one BLAS thread per trial unless asked.
            int threadsPerTrial = Cli.Given(parse, Cli.Threads) ? parse.GetValue(Cli.Threads) : 1;
            if (threadsPerTrial < 1) throw new ArgumentException($"--threads must be at least 1 (got {threadsPerTrial})");
            int workers = parse.GetValue(parallel) ?? Math.Max(1, Environment.ProcessorCount / threadsPerTrial);
            if (workers < 1) throw new ArgumentException($"--parallel must be at least 1 (got {workers})");
            SweepGrid sweep;
            if (parse.GetValue(grid) is { } file)
            {
                if (shorthand.FirstOrDefault(o => Cli.Given(parse, o)) is { } given)
                    throw new ArgumentException($"{given.Name} is shorthand for a grid; with --grid, set it in the file");
                sweep = SweepGrid.Load(file);
            }
            else
            {
                sweep = SweepGrid.Shorthand(parse.GetValue(n), ParseList(parse.GetValue(ratios)!, "--ratios"),
                    [.. ParseList(parse.GetValue(ranks)!, "--ranks").Select(v => v == Math.Floor(v) ? (int)v : throw new ArgumentException($"--ranks: '{v}' is not an integer"))],
                    parse.GetValue(trials), parse.GetValue(solver)!, parse.GetValue(extra), parse.GetValue(maxIter), parse.GetValue(threshold), parse.GetValue(seed));
            }
            ShardSpec? part = parse.GetValue(shard) is { } spec ? ShardSpec.Parse(spec) : null;
            var planned = sweep.Plan();
            var mine = part is { } p ? Sharding.Select(planned, p) : planned;
            string outDir = parse.GetValue(Cli.Out)!;
            using var folder = OutputFolder.Open(outDir); // locked: a second msense on the same folder is refused
            BlasThreads.Count = threadsPerTrial;
            using var log = TrialLog.Open(Path.Combine(outDir, TrialLog.FileName), sweep.Id, parse.GetValue(resume), output.Say);
            SweepResults.WriteBytes(Path.Combine(outDir, SweepFiles.Grid), Encoding.UTF8.GetBytes(SweepFiles.GridJson(sweep, part)));
            var recorded = log.Existing.Select(r => r.Config.Key).ToHashSet(StringComparer.Ordinal);
            var todo = mine.Where(t => !recorded.Contains(t.Config.Key)).ToList();
            output.Say(string.Create(CultureInfo.InvariantCulture,
                $"msense sweep {sweep.Id}{(part is { } q ? $" shard {q}" : "")}: {mine.Count} trials ({todo.Count} to run, {mine.Count - todo.Count} already recorded), {workers} at a time × {threadsPerTrial} BLAS thread(s)"));
            var report = SweepExecution.Run(sweep, todo, log, workers, output, cancellation);
            int recordedNow = mine.Count - todo.Count + report.Ran;
            if (report.Cancelled)
                output.Say(string.Create(CultureInfo.InvariantCulture,
                    $"msense sweep: cancelled; {report.Ran} trials ran this time, {recordedNow} of {mine.Count} recorded; continue with --resume"));
            output.Say(string.Create(CultureInfo.InvariantCulture,
                $"{report.Ran} trials ran in {report.Seconds:F1} s ({report.Ran / Math.Max(report.Seconds, 1e-9):F1} trials/s)"));
            if (part is { } shardSpec)
            {
                output.Say($"shard {shardSpec}: {recordedNow} of {mine.Count} trials recorded in {Path.Combine(outDir, TrialLog.FileName)}; combine the shards with msense merge");
                return Task.FromResult(report.Cancelled ? Cli.CancelledCode : ExitCodes.Success);
            }
            var summary = SweepResults.Summarize(sweep, planned, TrialLog.Read(Path.Combine(outDir, TrialLog.FileName), output.Say), output.Say);
            Finish(summary, outDir, output);
            return Task.FromResult(report.Cancelled ? Cli.CancelledCode : ExitCodes.Success);
        });
        return command;
    }

    /// <summary>Writes the results, prints the table (or the JSON summary) and says what was written.</summary>
    internal static void Finish(SweepSummary summary, string outDir, Output output)
    {
        var written = SweepResults.Write(summary, outDir);
        if (output.Json) output.Stdout.Write(SweepResults.SummaryJson(summary));
        else SweepResults.Print(summary, output.Stdout);
        output.Say(summary.Complete
            ? $"wrote {Path.Combine(outDir, written[0])}, {string.Join(", ", written.Skip(1))}"
            : string.Create(CultureInfo.InvariantCulture,
                $"PARTIAL: {summary.Records.Count} of {summary.Planned.Count} trials recorded; wrote {Path.Combine(outDir, written[0])}, {string.Join(", ", written.Skip(1))} (complete results are left untouched)"));
    }

    private static double[] ParseList(string text, string flag)
    {
        var values = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && x > 0 && double.IsFinite(x) ? x : throw new ArgumentException($"{flag}: '{v}' is not a positive number"))
            .ToArray();
        return values.Length > 0 ? values : throw new ArgumentException($"{flag} needs at least one value");
    }
}
