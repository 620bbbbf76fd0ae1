using System.Globalization;
using System.Text;
using System.Text.Json;
using MatrixSensing.IO;

namespace MatrixSensing.Cli.Sweeps;

/// <summary>One cell's tally.</summary>
/// <param name="Cell">Axis values.</param>
/// <param name="Planned">Trials the grid asks for.</param>
/// <param name="Ran">Trials with a record.</param>
/// <param name="Successes">Recorded trials that met the criterion.</param>
internal sealed record CellSummary(IReadOnlyList<ConfigValue> Cell, int Planned, int Ran, int Successes)
{
    /// <summary>Successes over trials that ran; null when none ran (never drawn as 0).</summary>
    public double? Rate => Ran > 0 ? (double)Successes / Ran : null;
}

/// <summary>A sweep's results: the grid, its planned trials and the records found for them.</summary>
/// <param name="Grid">The grid.</param>
/// <param name="Planned">Every planned trial.</param>
/// <param name="Records">Record per trial index (only trials that ran).</param>
/// <param name="Cells">Per-cell tallies in grid order.</param>
internal sealed record SweepSummary(SweepGrid Grid, IReadOnlyList<PlannedTrial> Planned, IReadOnlyDictionary<int, TrialRecord> Records, IReadOnlyList<CellSummary> Cells)
{
    /// <summary>Every planned trial has a record.</summary>
    public bool Complete => Records.Count == Planned.Count;

    /// <summary>Trials that met the criterion.</summary>
    public int Succeeded => Cells.Sum(c => c.Successes);
}

/// <summary>
/// Turns records into the sweep's table (sweep.csv), summary (summary.json), figure and stdout table. Everything
/// written depends only on the grid and the records' results (never on timings or the order trials finished in),
/// so an unsharded run, a resumed run and a merge of shards write the same bytes. An incomplete sweep writes
/// *.partial.* files that say so and leaves any complete result in place.
/// </summary>
internal static class SweepResults
{
    /// <summary>Matches records to planned trials by key (same parameters and seeds); others are reported and ignored.</summary>
    public static SweepSummary Summarize(SweepGrid grid, IReadOnlyList<PlannedTrial> planned, IEnumerable<TrialRecord> records, Action<string> warn)
    {
        var indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var trial in planned) indexOf.TryAdd(trial.Config.Key, trial.Index);
        var byTrial = new SortedDictionary<int, TrialRecord>();
        int foreign = 0;
        foreach (var record in records)
        {
            if (record.Sweep != grid.Id || !indexOf.TryGetValue(record.Config.Key, out int index)) foreign++;
            else byTrial.TryAdd(index, record);
        }
        if (foreign > 0) warn($"{foreign} record(s) do not match a trial of sweep {grid.Id} and were ignored");
        var cells = new List<CellSummary>();
        foreach (var group in planned.GroupBy(t => t.Index / grid.Trials))
        {
            var trials = group.ToList();
            var ran = trials.Where(t => byTrial.ContainsKey(t.Index)).Select(t => byTrial[t.Index]).ToList();
            cells.Add(new CellSummary(trials[0].Cell, trials.Count, ran.Count, ran.Count(r => grid.Success.Met(r.Outcome.RelativeError, r.Outcome.RelativeResidual))));
        }
        return new SweepSummary(grid, planned, byTrial, cells);
    }

    /// <summary>The output file names (with ".partial" before the extension when incomplete).</summary>
    public static (string Table, string Summary, string Figure) Names(bool complete) =>
        complete ? ("sweep.csv", "summary.json", "heatmap.png") : ("sweep.partial.csv", "summary.partial.json", "heatmap.partial.png");

    /// <summary>Writes table, summary and figure atomically; a complete result removes stale partial files.</summary>
    public static IReadOnlyList<string> Write(SweepSummary summary, string outDir)
    {
        Directory.CreateDirectory(outDir);
        var (table, json, figure) = Names(summary.Complete);
        var written = new List<string> { table, json };
        WriteBytes(Path.Combine(outDir, table), Encoding.UTF8.GetBytes(Table(summary)));
        WriteBytes(Path.Combine(outDir, json), Encoding.UTF8.GetBytes(SummaryJson(summary)));
        if (summary.Grid.Outputs.Figure && summary.Grid.Axes.Count > 0)
        {
            WriteBytes(Path.Combine(outDir, figure), SweepFigure.Png(summary));
            written.Add(figure);
        }
        if (summary.Complete)
            foreach (var stale in new[] { Names(false).Table, Names(false).Summary, Names(false).Figure })
                File.Delete(Path.Combine(outDir, stale));
        return written;
    }

    /// <summary>One row per trial that ran, in grid order: derived axes, every run option, then the results.</summary>
    public static string Table(SweepSummary summary)
    {
        var derived = summary.Grid.Axes.Select((a, i) => (a.Name, i)).Where(a => SweepGrid.DerivedNames.Contains(a.Name)).ToList();
        var options = summary.Planned.SelectMany(t => t.Config.Options.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var sb = new StringBuilder("trial,replicate");
        foreach (var (name, _) in derived) sb.Append(',').Append(Column(name));
        foreach (var name in options) sb.Append(',').Append(Column(name));
        sb.Append(",key,status,iterations,relative_error,relative_residual,success\n");
        foreach (var (index, record) in summary.Records)
        {
            var trial = summary.Planned[index];
            sb.Append(index.ToString(CultureInfo.InvariantCulture)).Append(',').Append(trial.Replicate.ToString(CultureInfo.InvariantCulture));
            foreach (var (_, axis) in derived) sb.Append(',').Append(Csv(trial.Cell[axis].Text));
            foreach (var name in options) sb.Append(',').Append(trial.Config[name] is { } v ? Csv(v.Text) : "");
            var o = record.Outcome;
            sb.Append(',').Append(trial.Config.Key).Append(',').Append(o.Status).Append(',').Append(o.Iterations.ToString(CultureInfo.InvariantCulture))
              .Append(',').Append(R(o.RelativeError)).Append(',').Append(R(o.RelativeResidual))
              .Append(',').Append(summary.Grid.Success.Met(o.RelativeError, o.RelativeResidual) ? '1' : '0').Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>summary.json: the sweep id, completeness, counts, criterion, axes and per-cell success rates.</summary>
    public static string SummaryJson(SweepSummary summary)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            var grid = summary.Grid;
            w.WriteStartObject();
            w.WriteString("sweep", grid.Id);
            w.WriteBoolean("complete", summary.Complete);
            w.WriteNumber("planned", summary.Planned.Count);
            w.WriteNumber("ran", summary.Records.Count);
            w.WriteNumber("not_run", summary.Planned.Count - summary.Records.Count);
            w.WriteNumber("succeeded", summary.Succeeded);
            w.WriteNumber("failed", summary.Records.Values.Count(r => r.Outcome.Status == "Failed"));
            w.WriteStartObject("success");
            w.WriteString("metric", grid.Success.Metric);
            w.WriteNumber("threshold", grid.Success.Threshold);
            w.WriteEndObject();
            w.WriteStartArray("versions");
            foreach (var version in summary.Records.Values.Select(r => r.Version).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)) w.WriteStringValue(version);
            w.WriteEndArray();
            w.WriteStartArray("axes");
            foreach (var axis in grid.Axes) w.WriteStringValue(axis.Name);
            w.WriteEndArray();
            w.WriteStartArray("cells");
            foreach (var cell in summary.Cells)
            {
                w.WriteStartObject();
                for (int i = 0; i < grid.Axes.Count; i++)
                {
                    w.WritePropertyName(grid.Axes[i].Name);
                    cell.Cell[i].WriteTo(w);
                }
                w.WriteNumber("planned", cell.Planned);
                w.WriteNumber("ran", cell.Ran);
                w.WriteNumber("successes", cell.Successes);
                if (cell.Rate is { } rate) w.WriteNumber("rate", rate);
                else w.WriteNull("rate");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>The success-rate table on stdout: rows the figure's y axis (top = largest), columns its x axis.</summary>
    public static void Print(SweepSummary summary, TextWriter stdout)
    {
        var grid = summary.Grid;
        var (x, y) = SweepFigure.PickAxes(grid);
        if (x < 0)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"success rate: {summary.Succeeded} of {summary.Records.Count}"));
            return;
        }
        stdout.WriteLine($"success rate (rows {(y >= 0 ? grid.Axes[y].Name : "–")}, columns {grid.Axes[x].Name}; '–' = not run{(grid.Axes.Count > 2 ? "; other axes pooled" : "")}):");
        var rates = SweepFigure.Rates(summary, x, y);
        var xs = grid.Axes[x].Values;
        stdout.WriteLine((y >= 0 ? grid.Axes[y].Name : "").PadRight(12) + string.Concat(xs.Select(v => v.Text.PadLeft(7))));
        int rows = rates.GetLength(0);
        for (int r = rows - 1; r >= 0; r--)
            stdout.WriteLine((y >= 0 ? grid.Axes[y].Values[r].Text : "rate").PadRight(12) +
                string.Concat(Enumerable.Range(0, xs.Count).Select(c => (rates[r, c] is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) : "–").PadLeft(7))));
    }

    /// <summary>Replaces a file atomically (temporary file, fsync, rename): readers see the old or the new bytes.</summary>
    public static void WriteBytes(string path, byte[] bytes) => AtomicFile.Write(path, stream => stream.Write(bytes));

    private static string Column(string name) => name.Replace('-', '_');

    private static string R(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string Csv(string text) =>
        text.AsSpan().IndexOfAny(",\"\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
