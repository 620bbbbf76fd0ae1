using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MathNet.Numerics;
using MatrixSensing.Interop;

namespace MatrixSensing.Benchmarks.SideBySide;

/// <summary>
/// The side-by-side comparison behind <c>./build.sh --target=Perf</c>: in one process session, our solver iteration,
/// the same iteration in NumPy (a long-lived subprocess reading the same problem from .npy files) and in MathNet
/// managed, with a streaming-read kernel giving the memory-bandwidth limit. Timed rounds are interleaved across the
/// implementations. Prints a table of medians and ratios and writes it as JSON and Markdown.
/// </summary>
internal sealed partial class Harness
{
    private readonly HarnessOptions _options;
    private readonly List<CaseResult> _results = [];
    private NumPyPeer _peer = null!;
    private Dictionary<int, double> _bandwidth = null!;
    private readonly Dictionary<int, double> _bandwidthEnd = [];
    private readonly string _data;

    private Harness(HarnessOptions options)
    {
        _options = options;
        _data = Path.Combine(options.Output, "data");
    }

    /// <summary>Entry point: <c>side-by-side [--out DIR] [--threads N] [--python PATH] [--script PATH] [--quick] [--keep-data]</c>.</summary>
    /// <param name="args">Arguments after "side-by-side".</param>
    public static int Run(string[] args)
    {
        var options = HarnessOptions.Parse(args);
        new Harness(options).Execute();
        return 0;
    }

    private int Threads => _options.Threads;

    private void Execute()
    {
        var wall = Stopwatch.StartNew();
        Directory.CreateDirectory(_options.Output);
        Directory.CreateDirectory(_data);
        BlasThreads.Count = Threads;
        Control.UseManaged();
        Control.MaxDegreeOfParallelism = Threads;
        string loadBefore = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "";
        var native = NativeLibraries.Describe();
        Log($"Side-by-side, OpenBLAS threads = {Threads}{(_options.Quick ? " (quick sizes)" : "")}\n{native}");

        var threadCounts = new SortedSet<int> { 1, Threads };
        _bandwidth = Bandwidth.Measure(threadCounts, passes: _options.Quick ? 3 : 7);
        foreach (var (t, bw) in _bandwidth) Log($"streaming read, {t} thread(s): {bw / 1e9:F1} GB/s");

        using (_peer = NumPyPeer.Start(_options.Python, _options.Script, Threads))
        {
            var numpyInfo = _peer.Send(new JsonObject { ["op"] = "info" });
            Log($"NumPy peer: {numpyInfo.ToJsonString()}");
            RunCases();
            // Measured again at the end: the best of both is the limit (noise only ever slows a pass down).
            foreach (var (t, bw) in Bandwidth.Measure(threadCounts, passes: _options.Quick ? 3 : 7))
            {
                Log($"streaming read again, {t} thread(s): {bw / 1e9:F1} GB/s");
                _bandwidthEnd[t] = bw;
                _bandwidth[t] = Math.Max(_bandwidth[t], bw);
            }
            for (int i = 0; i < _results.Count; i++)
                if (_results[i].LimitBytes is { } bytes)
                    _results[i] = _results[i] with { Limit = bytes / _bandwidth[_results[i].LimitThreads] };
            var report = Report(native, numpyInfo, loadBefore, wall.Elapsed);
            File.WriteAllText(Path.Combine(_options.Output, "side-by-side.json"), report.ToJsonString(NumPyPeer.Indented));
        }
        var table = Table();
        File.WriteAllText(Path.Combine(_options.Output, "side-by-side.md"), table);
        Console.WriteLine();
        Console.WriteLine(table);
        Console.WriteLine($"Wrote {Path.Combine(_options.Output, "side-by-side.json")} and side-by-side.md ({wall.Elapsed.TotalMinutes:F1} min).");
        if (!_options.KeepData) Directory.Delete(_data, recursive: true);
    }

    private void Add(CaseResult result)
    {
        _results.Add(result);
        Log(result.Pending is { } p
            ? $"  {result.Title}: {p}"
            : $"  {result.Title}: ours {CaseResult.Time(result.Ours)}, numpy {CaseResult.Time(result.NumPy)}, mathnet {CaseResult.Time(result.MathNet)}, limit {CaseResult.Time(result.LimitBytes / _bandwidth[result.LimitThreads])} {result.Note}");
    }

    private static void Log(string message) =>
        Console.WriteLine($"[{DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] {message}");

    private string Table()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"OpenBLAS threads = {Threads}; streaming-read bandwidth {string.Join(", ", _bandwidth.Select(kv => $"{kv.Value / 1e9:F1} GB/s ({kv.Key} thread{(kv.Key > 1 ? "s" : "")})"))}. Medians of interleaved rounds.");
        sb.AppendLine();
        sb.AppendLine("| case | ours | NumPy | MathNet | limit | ours/NumPy | ours/MathNet | ours/limit | alloc B/iter | notes |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in _results)
        {
            if (r.Pending is { } pending)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Title} | {pending} | | | | | | | | |");
                continue;
            }
            string alloc = r.BytesPerIteration is { } b ? b.ToString("F0", CultureInfo.InvariantCulture) : "–";
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Title} | {CaseResult.Time(r.Ours)} | {CaseResult.Time(r.NumPy)} | {CaseResult.Time(r.MathNet)} | {CaseResult.Time(r.Limit)} | {CaseResult.Ratio(r.OursOverNumPy)} | {CaseResult.Ratio(r.OursOverMathNet)} | {CaseResult.Ratio(r.OursOverLimit)} | {alloc} | {r.Note} |");
        }
        return sb.ToString();
    }

    private JsonObject Report(NativeConfiguration native, JsonObject numpyInfo, string loadBefore, TimeSpan elapsed)
    {
        var cases = new JsonArray();
        foreach (var r in _results) cases.Add(r.ToJson());
        var bandwidth = new JsonObject();
        foreach (var (t, bw) in _bandwidth) bandwidth[t.ToString(CultureInfo.InvariantCulture)] = bw;
        var bandwidthEnd = new JsonObject();
        foreach (var (t, bw) in _bandwidthEnd) bandwidthEnd[t.ToString(CultureInfo.InvariantCulture)] = bw;
        return new JsonObject
        {
            ["generated"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["command"] = "./build.sh --target=Perf",
            ["openblas_threads"] = Threads,
            ["quick"] = _options.Quick,
            ["machine"] = new JsonObject
            {
                ["cpu"] = CpuModel(),
                ["logical_processors"] = Environment.ProcessorCount,
                ["memory_bytes"] = MemoryBytes(),
                ["openblas"] = native.OpenBlasPath,
                ["openblas_core"] = native.CoreName,
                ["openblas_config"] = native.BuildConfig,
                ["runtime"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
                ["load_average_before"] = loadBefore,
                ["load_average_after"] = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "",
            },
            ["numpy"] = numpyInfo.DeepClone(),
            ["bandwidth_bytes_per_second"] = bandwidth,
            ["bandwidth_at_end_bytes_per_second"] = bandwidthEnd,
            ["bandwidth_kernel"] = $"8-accumulator AVX-512 sum over {Bandwidth.ArrayBytes >> 20} MiB, best of passes at start and at end",
            ["elapsed_seconds"] = elapsed.TotalSeconds,
            ["cases"] = cases,
        };
    }

    private static string CpuModel()
    {
        if (!File.Exists("/proc/cpuinfo")) return "";
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim() ?? "";
    }

    private static long MemoryBytes()
    {
        if (!File.Exists("/proc/meminfo")) return 0;
        var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal));
        var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return kb is null ? 0 : long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
    }
}

/// <summary>Command-line options of the harness.</summary>
internal sealed record HarnessOptions(string Output, int Threads, string Python, string Script, bool Quick, bool KeepData)
{
    public static HarnessOptions Parse(string[] args)
    {
        var o = new HarnessOptions("artifacts/perf", 2, "/usr/bin/python3", "perf/peers/numpy_iteration.py", false, false);
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            o = args[i] switch
            {
                "--out" => o with { Output = Next() },
                "--threads" => o with { Threads = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--python" => o with { Python = Next() },
                "--script" => o with { Script = Next() },
                "--quick" => o with { Quick = true },
                "--keep-data" => o with { KeepData = true },
                _ => throw new ArgumentException($"Unknown option {args[i]}. Usage: side-by-side [--out DIR] [--threads N] [--python PATH] [--script PATH] [--quick] [--keep-data]"),
            };
        }
        if (o.Threads < 1) throw new ArgumentOutOfRangeException(nameof(args), o.Threads, "--threads must be ≥ 1.");
        return o;
    }
}
