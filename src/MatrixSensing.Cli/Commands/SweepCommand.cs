using System.CommandLine;
using System.Globalization;
using System.Text;
using MatrixSensing.Interop;
using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Solvers;
using ScottPlot;

namespace MatrixSensing.Cli.Commands;

/// <summary>
/// `msense sweep`: a phase-transition grid over m/(n·r*) and r*, with trials in parallel (OpenBLAS at one thread
/// each); success means relative error ≤ the threshold. Writes sweep.csv and heatmap.png.
/// </summary>
internal static class SweepCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var n = new Option<int>("--n") { Description = "n1 = n2", DefaultValueFactory = _ => 30 };
        var ratios = new Option<string>("--ratios") { Description = "m/(n·r*) values, comma-separated", DefaultValueFactory = _ => "1,1.5,2,2.5,3,4,5" };
        var ranks = new Option<string>("--ranks") { Description = "r* values, comma-separated", DefaultValueFactory = _ => "1,2,3,4" };
        var trials = new Option<int>("--trials") { Description = "Trials per cell", DefaultValueFactory = _ => 4 };
        var solver = new Option<string>("--solver") { Description = "Solver (gd, sgd, scaledgd-lambda, scaledgd, precgd, svp)", DefaultValueFactory = _ => "scaledgd" };
        var extra = new Option<int>("--extra-rank") { Description = "h = r* + this (overparameterization)", DefaultValueFactory = _ => 0 };
        var maxIter = new Option<int>("--max-iter") { Description = "Iterations per trial", DefaultValueFactory = _ => 300 };
        var threshold = new Option<double>("--success") { Description = "Success when the relative error is at most this", DefaultValueFactory = _ => 1e-3 };
        var parallel = new Option<int>("--parallel") { Description = "Trials run at once", DefaultValueFactory = _ => Environment.ProcessorCount };
        var seed = new Option<ulong>("--seed") { Description = "Base seed", DefaultValueFactory = _ => 1UL };
        var command = new Command("sweep", "Phase-transition grid: success rate over m/(n·r*) × r*");
        foreach (var option in new Option[] { n, ratios, ranks, trials, solver, extra, maxIter, threshold, parallel, seed }) command.Add(option);
        Cli.AddCommon(command);
        command.SetAction((parse, cancellation) =>
        {
            var output = Cli.Setup(parse, stdout, stderr);
            BlasThreads.Count = 1; // parallelism comes from running trials at once
            double[] ratioValues = ParseList(parse.GetValue(ratios)!, "--ratios");
            int[] rankValues = [.. ParseList(parse.GetValue(ranks)!, "--ranks").Select(v => (int)v)];
            int size = parse.GetValue(n), perCell = parse.GetValue(trials), h = parse.GetValue(extra);
            if (perCell < 1) throw new ArgumentException("--trials must be at least 1");
            var kind = SolverFlags.ParseKind(parse.GetValue(solver)!);
            var jobs = (from ri in Enumerable.Range(0, rankValues.Length) from ci in Enumerable.Range(0, ratioValues.Length) from t in Enumerable.Range(0, perCell) select (ri, ci, t)).ToArray();
            var errors = new double[jobs.Length];
            Array.Fill(errors, double.NaN); // trials not run (after Ctrl-C) stay NaN and count as failures
            int done = 0;
            var started = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                Parallel.For(0, jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = parse.GetValue(parallel), CancellationToken = cancellation }, j =>
                {
                    var (ri, ci, t) = jobs[j];
                    int r = rankValues[ri];
                    int m = Math.Max(1, (int)Math.Round(ratioValues[ci] * size * r));
                    ulong s = parse.GetValue(seed) + (ulong)j * 7919;
                    var problem = SensingProblem.Create(LowRankTarget.Asymmetric<double>(size, size, r, 2, s), MeasurementOperators.Gaussian<double>(size, size, m, s + 1));
                    var result = SolverFactory.Create<double>(kind).Solve(problem, new SolverOptions
                    {
                        Rank = kind == SolverKind.ScaledGD ? r : Math.Min(size, r + h), MaxIterations = parse.GetValue(maxIter),
                        ErrorTolerance = parse.GetValue(threshold) / 10, TraceEvery = parse.GetValue(maxIter),
                    }, cancellationToken: cancellation);
                    errors[j] = result.Final.RelativeError ?? double.NaN;
                    int finished = Interlocked.Increment(ref done);
                    if (output.LiveProgress && finished % 4 == 0) lock (output) output.Stderr.Write($"\r  {finished}/{jobs.Length} trials");
                });
            }
            catch (OperationCanceledException)
            {
                output.Say($"msense sweep: cancelled after {done} of {jobs.Length} trials; writing what was computed");
            }
            if (output.LiveProgress) output.Stderr.WriteLine();
            var rate = new double[rankValues.Length, ratioValues.Length];
            var csv = new StringBuilder("rank,ratio,m,trial,relative_error,success\n");
            for (int j = 0; j < jobs.Length; j++)
            {
                var (ri, ci, t) = jobs[j];
                bool success = errors[j] <= parse.GetValue(threshold);
                if (success) rate[ri, ci] += 1.0 / perCell;
                csv.Append(string.Create(CultureInfo.InvariantCulture,
                    $"{rankValues[ri]},{ratioValues[ci]},{(int)Math.Round(ratioValues[ci] * size * rankValues[ri])},{t},{errors[j]:R},{(success ? 1 : 0)}\n"));
            }
            string outDir = parse.GetValue(Cli.Out)!;
            Directory.CreateDirectory(outDir);
            File.WriteAllText(Path.Combine(outDir, "sweep.csv"), csv.ToString());
            SaveHeatmap(rate, rankValues, ratioValues, Path.Combine(outDir, "heatmap.png"), $"{kind} success rate, n = {size}, {perCell} trials per cell");
            double seconds = started.Elapsed.TotalSeconds;
            stdout.WriteLine("success rate (rows r*, columns m/(n·r*)):");
            stdout.WriteLine("r*\\ratio " + string.Concat(ratioValues.Select(v => v.ToString("F1", CultureInfo.InvariantCulture).PadLeft(6))));
            for (int ri = rankValues.Length - 1; ri >= 0; ri--)
                stdout.WriteLine(rankValues[ri].ToString(CultureInfo.InvariantCulture).PadRight(9) + string.Concat(Enumerable.Range(0, ratioValues.Length).Select(ci => rate[ri, ci].ToString("F2", CultureInfo.InvariantCulture).PadLeft(6))));
            output.Say(string.Create(CultureInfo.InvariantCulture, $"{jobs.Length} trials in {seconds:F1} s ({jobs.Length / seconds:F1} trials/s); wrote {Path.Combine(outDir, "sweep.csv")}, heatmap.png"));
            return Task.FromResult(0);
        });
        return command;
    }

    private static double[] ParseList(string text, string flag)
    {
        var values = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && x > 0 ? x : throw new ArgumentException($"{flag}: '{v}' is not a positive number"))
            .ToArray();
        return values.Length > 0 ? values : throw new ArgumentException($"{flag} needs at least one value");
    }

    private static void SaveHeatmap(double[,] rate, int[] ranks, double[] ratios, string path, string title)
    {
        var plot = new Plot();
        // Heatmap rows are drawn top to bottom; flip so that r* grows upward.
        var flipped = new double[rate.GetLength(0), rate.GetLength(1)];
        for (int i = 0; i < rate.GetLength(0); i++)
            for (int j = 0; j < rate.GetLength(1); j++)
                flipped[rate.GetLength(0) - 1 - i, j] = rate[i, j];
        var heatmap = plot.Add.Heatmap(flipped);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(heatmap);
        var xTicks = new ScottPlot.TickGenerators.NumericManual();
        for (int j = 0; j < ratios.Length; j++) xTicks.AddMajor(j, ratios[j].ToString("G3", CultureInfo.InvariantCulture));
        var yTicks = new ScottPlot.TickGenerators.NumericManual();
        for (int i = 0; i < ranks.Length; i++) yTicks.AddMajor(i, ranks[i].ToString(CultureInfo.InvariantCulture));
        plot.Axes.Bottom.TickGenerator = xTicks;
        plot.Axes.Left.TickGenerator = yTicks;
        plot.Title(title);
        plot.XLabel("m / (n·r*)");
        plot.YLabel("r*");
        plot.SavePng(path, 800, 520);
    }
}
