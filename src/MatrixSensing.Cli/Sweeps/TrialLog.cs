using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace MatrixSensing.Cli.Sweeps;

/// <summary>One finished trial as a line of trials.jsonl.</summary>
/// <param name="Sweep">The sweep id.</param>
/// <param name="Trial">Index in the grid's order.</param>
/// <param name="Replicate">Index within its cell.</param>
/// <param name="Cell">Axis name → value.</param>
/// <param name="Config">The run options, seeds included: rerun with <see cref="TrialConfig.CommandLine"/>.</param>
/// <param name="Outcome">What the trial produced.</param>
/// <param name="Success">Whether it met the sweep's criterion.</param>
/// <param name="Version">Library version that computed it.</param>
internal sealed record TrialRecord(string Sweep, int Trial, int Replicate, IReadOnlyList<KeyValuePair<string, ConfigValue>> Cell, TrialConfig Config,
    TrialOutcome Outcome, bool Success, string Version)
{
    /// <summary>The version of the library, with the commit when the build recorded one.</summary>
    public static string LibraryVersion { get; } =
        typeof(Solvers.SolverOptions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(Solvers.SolverOptions).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The record as one JSON line, newline included (snake_case names; null for unknown numbers).</summary>
    public byte[] ToLine()
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("sweep", Sweep);
            w.WriteNumber("trial", Trial);
            w.WriteNumber("replicate", Replicate);
            w.WriteStartObject("cell");
            foreach (var (name, value) in Cell)
            {
                w.WritePropertyName(name);
                value.WriteTo(w);
            }
            w.WriteEndObject();
            w.WriteString("key", Config.Key);
            w.WritePropertyName("config");
            Config.WriteTo(w);
            w.WriteString("command", Config.CommandLine);
            w.WriteString("status", Outcome.Status);
            w.WriteBoolean("success", Success);
            w.WriteNumber("iterations", Outcome.Iterations);
            w.WriteNumber("seconds", Math.Round(Outcome.Seconds, 6));
            Number(w, "relative_error", Outcome.RelativeError);
            Number(w, "relative_residual", Outcome.RelativeResidual);
            if (Outcome.Message is { } message) w.WriteString("message", message);
            else w.WriteNull("message");
            w.WriteString("version", Version);
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>Parses one line; null when it is not a complete record (a torn tail).</summary>
    public static TrialRecord? TryParse(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var e = doc.RootElement;
            double? Nullable(string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetDouble();
            var outcome = new TrialOutcome(e.GetProperty("status").GetString()!, e.GetProperty("iterations").GetInt32(), e.GetProperty("seconds").GetDouble(),
                Nullable("relative_error"), Nullable("relative_residual"), e.TryGetProperty("message", out var m) ? m.GetString() : null);
            return new TrialRecord(e.GetProperty("sweep").GetString()!, e.GetProperty("trial").GetInt32(), e.GetProperty("replicate").GetInt32(),
                [.. e.GetProperty("cell").EnumerateObject().Select(p => KeyValuePair.Create(p.Name, ConfigValue.From(p.Value, "cell")))],
                TrialConfig.Read(e.GetProperty("config"), "record"), outcome, e.GetProperty("success").GetBoolean(), e.GetProperty("version").GetString()!);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }
}

/// <summary>
/// trials.jsonl: one record per finished trial, appended as it finishes. Each record is one write of one whole
/// line, so a cancelled or killed sweep leaves only complete lines (a write cut short by a full disk is truncated
/// away; a torn last line found on resume is dropped). Safe for concurrent appends from one process.
/// </summary>
internal sealed class TrialLog : IDisposable
{
    private readonly FileStream _file;
    private readonly Lock _gate = new();

    private TrialLog(FileStream file, IReadOnlyList<TrialRecord> existing)
    {
        _file = file;
        Existing = existing;
    }

    /// <summary>The file name inside a sweep's output folder.</summary>
    public const string FileName = "trials.jsonl";

    /// <summary>Records already in the file when it was opened (resume).</summary>
    public IReadOnlyList<TrialRecord> Existing { get; }

    /// <summary>
    /// Opens the log for appending. An existing log is continued only with <paramref name="resume"/> and only when it
    /// belongs to the same sweep; otherwise refused (a finished sweep's records are never overwritten).
    /// </summary>
    public static TrialLog Open(string path, string sweepId, bool resume, Action<string> warn)
    {
        IReadOnlyList<TrialRecord> existing = [];
        if (File.Exists(path))
        {
            if (!resume) throw new IOException($"{path} exists (from an earlier sweep); pass --resume to continue it, or choose another --out");
            existing = ReadAndRepair(path, warn);
            if (existing.FirstOrDefault(r => r.Sweep != sweepId) is { } other)
                throw new ArgumentException($"--resume: {path} belongs to sweep {other.Sweep}, not to this grid's sweep {sweepId}; choose another --out");
        }
        var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 1);
        return new TrialLog(file, existing);
    }

    /// <summary>Reads every complete record of a log (torn or unparseable tail lines are skipped with a warning).</summary>
    public static IReadOnlyList<TrialRecord> Read(string path, Action<string> warn) => Parse(path, File.ReadAllBytes(path), warn, out _);

    /// <summary>Appends one record as a single write; on failure the file is cut back to its previous length.</summary>
    public void Append(TrialRecord record)
    {
        byte[] line = record.ToLine();
        lock (_gate)
        {
            long before = _file.Length;
            try
            {
                _file.Write(line);
                _file.Flush();
            }
            catch (IOException)
            {
                _file.SetLength(before);
                throw;
            }
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _file.Dispose();

    private static List<TrialRecord> ReadAndRepair(string path, Action<string> warn)
    {
        var records = Parse(path, File.ReadAllBytes(path), warn, out long goodLength);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        if (file.Length != goodLength) file.SetLength(goodLength);
        return records;
    }

    private static List<TrialRecord> Parse(string path, byte[] bytes, Action<string> warn, out long goodLength)
    {
        var records = new List<TrialRecord>();
        goodLength = 0;
        int start = 0, number = 0;
        while (start < bytes.Length)
        {
            number++;
            int end = Array.IndexOf(bytes, (byte)'\n', start);
            string text = Encoding.UTF8.GetString(bytes, start, (end < 0 ? bytes.Length : end) - start);
            if (end >= 0 && string.IsNullOrWhiteSpace(text))
            {
                start = end + 1;
                goodLength = start;
                continue;
            }
            var record = end < 0 ? null : TrialRecord.TryParse(text);
            if (record is null)
            {
                bool last = end < 0 || end == bytes.Length - 1;
                if (!last) throw new IOException($"{path}: line {number.ToString(CultureInfo.InvariantCulture)} is not a trial record; the file is damaged");
                warn($"{path}: dropping an incomplete last line ({(end < 0 ? bytes.Length : end) - start} bytes) left by an interrupted write");
                break;
            }
            records.Add(record);
            start = end + 1;
            goodLength = start;
        }
        return records;
    }
}
