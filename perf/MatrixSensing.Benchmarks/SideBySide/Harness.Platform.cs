using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using MatrixSensing.Interop;
using MatrixSensing.LinearAlgebra;
using MatrixSensing.Random;

namespace MatrixSensing.Benchmarks.SideBySide;

/// <summary>
/// Platform rows: GEMM with the OpenBLAS core picked by OpenBLAS alone against the one MatrixSensing selects, and the
/// NativeAOT executable against the JIT-compiled tool per solver iteration. OpenBLAS settles its core once per
/// process and the AOT build is another executable, so every side runs in child processes, interleaved by round.
/// Besides wall time the rows give CPU time (getrusage of the children), which a loaded machine inflates far less.
/// </summary>
internal sealed partial class Harness
{
    private void Platform()
    {
        foreach (var precision in new[] { "f64", "f32" }) CoreSelectionGemm(precision);
        AotVersusJit();
    }

    private void CoreSelectionGemm(string precision)
    {
        int n = _options.Quick ? 1024 : 2048, reps = 3;
        string id = $"gemm-core-{precision}", title = $"{(precision == "f64" ? "dgemm" : "sgemm")} {n}³, 1 thread: OpenBLAS's own core vs the selected one";
        string bench = Path.Combine(AppContext.BaseDirectory, "MatrixSensing.Benchmarks.dll");
        var sides = new Dictionary<bool, List<JsonObject>> { [false] = [], [true] = [] };
        for (int round = 0; round < Rounds; round++)
            foreach (bool select in new[] { false, true })
            {
                var (json, _) = Child("dotnet", [bench, PlatformChild.Verb, "gemm", precision, n.ToString(CultureInfo.InvariantCulture), reps.ToString(CultureInfo.InvariantCulture)],
                    select ? [] : [(OpenBlasCoreSelection.OptOutVariable, "off")]);
                sides[select].Add(json);
            }
        double flops = 2.0 * n * n * n;
        double Median(bool select, string key) => Statistics.Median(sides[select].Select(j => j[key]!.GetValue<double>()).ToList());
        string Core(bool select) => sides[select][0]["core"]!.GetValue<string>();
        double aloneWall = Median(false, "wall"), chosenWall = Median(true, "wall");
        double aloneCpu = Median(false, "cpu"), chosenCpu = Median(true, "cpu");
        string note = string.Create(CultureInfo.InvariantCulture,
            $"OpenBLAS alone ({Core(false)}): {flops / aloneWall / 1e9:F1} GFLOP/s wall, {flops / aloneCpu / 1e9:F1} per CPU-second; " +
            $"selected ({Core(true)}): {flops / chosenWall / 1e9:F1} wall, {flops / chosenCpu / 1e9:F1} per CPU-second; " +
            $"×{aloneCpu / chosenCpu:F2} by CPU time (ours = the selected core)");
        Add(new CaseResult(id, title)
        {
            Ours = chosenWall,
            Samples = Rounds,
            Note = note,
            Extra = new JsonObject
            {
                ["n"] = n,
                ["alone_core"] = Core(false),
                ["selected_core"] = Core(true),
                ["alone_wall_seconds"] = aloneWall,
                ["selected_wall_seconds"] = chosenWall,
                ["alone_cpu_seconds"] = aloneCpu,
                ["selected_cpu_seconds"] = chosenCpu,
                ["alone_gflops_wall"] = flops / aloneWall / 1e9,
                ["selected_gflops_wall"] = flops / chosenWall / 1e9,
                ["alone_gflops_cpu"] = flops / aloneCpu / 1e9,
                ["selected_gflops_cpu"] = flops / chosenCpu / 1e9,
                ["selection"] = sides[true][0]["reason"]?.DeepClone(),
            },
        });
    }

    /// <summary>
    /// The README's `msense run` (both default solvers) through the JIT tool and the AOT executable. Per-iteration
    /// CPU time is the difference between a long and a short run over the difference in iterations, so start-up,
    /// problem generation and JIT compilation cancel.
    /// </summary>
    private void AotVersusJit()
    {
        const string id = "aot-vs-jit", title = "msense run (default problem, both solvers), per iteration: NativeAOT vs JIT";
        string root = FindRoot();
        string aot = Path.Combine(root, "artifacts", "aot", "msense");
        string jit = Path.Combine(root, "artifacts", "bin", "MatrixSensing.Cli", "release", "msense.dll");
        if (!File.Exists(aot) || !File.Exists(jit))
        {
            Add(new CaseResult(id, title) { Pending = $"needs {(File.Exists(aot) ? jit : aot)}: ./build.sh --target=PublishAot (and Build)" });
            return;
        }
        int shortRun = 4, longRun = _options.Quick ? 16 : 40;
        var wall = new Dictionary<string, List<double>> { ["aot"] = [], ["jit"] = [] };
        var cpu = new Dictionary<string, List<double>> { ["aot"] = [], ["jit"] = [] };
        for (int round = 0; round < Rounds; round++)
            foreach (var kind in new[] { "jit", "aot" })
            {
                double Run(int iterations, out double msPerIteration)
                {
                    string[] args = ["run", "--max-iter", iterations.ToString(CultureInfo.InvariantCulture), "--time-budget", "0",
                                     "--threads", Threads.ToString(CultureInfo.InvariantCulture), "--json",
                                     "--out", Path.Combine(_data, $"msense-{kind}")];
                    var (_, result) = kind == "aot" ? Child(aot, args, []) : Child("dotnet", [jit, .. args], []);
                    var solvers = JsonNode.Parse(result.Stdout[result.Stdout.IndexOf('[', StringComparison.Ordinal)..])!.AsArray();
                    msPerIteration = solvers.Sum(s => s!["millisecondsPerIteration"]!.GetValue<double>());
                    return result.CpuSeconds;
                }
                double cpuShort = Run(shortRun, out _);
                double cpuLong = Run(longRun, out double ms);
                wall[kind].Add(ms / 1e3);
                // Per iteration of both solvers together, like the wall column (the sum of their ms per iteration).
                cpu[kind].Add((cpuLong - cpuShort) / (longRun - shortRun));
            }
        double aotWall = Statistics.Median(wall["aot"]), jitWall = Statistics.Median(wall["jit"]);
        double aotCpu = Statistics.Median(cpu["aot"]), jitCpu = Statistics.Median(cpu["jit"]);
        Add(new CaseResult(id, title)
        {
            Ours = aotWall,
            Samples = Rounds,
            Note = string.Create(CultureInfo.InvariantCulture,
                $"ScaledGD(λ) + GD iteration: AOT {aotWall * 1e3:F1} ms wall, {aotCpu * 1e3:F1} ms CPU; JIT {jitWall * 1e3:F1} ms wall, {jitCpu * 1e3:F1} ms CPU; " +
                $"AOT/JIT {aotWall / jitWall:F2} wall, {aotCpu / jitCpu:F2} CPU (CPU: runs of {longRun} minus {shortRun} iterations)"),
            Extra = new JsonObject
            {
                ["aot_wall_seconds"] = aotWall,
                ["jit_wall_seconds"] = jitWall,
                ["aot_cpu_seconds"] = aotCpu,
                ["jit_cpu_seconds"] = jitCpu,
                ["aot_over_jit_wall"] = aotWall / jitWall,
                ["aot_over_jit_cpu"] = aotCpu / jitCpu,
            },
        });
    }

    private sealed record ChildResult(string Stdout, double CpuSeconds);

    /// <summary>Runs a child to completion; its last stdout line as JSON (when it is JSON) and its CPU time.</summary>
    private static (JsonObject Json, ChildResult Result) Child(string file, string[] args, (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove(OpenBlasCoreSelection.CoreTypeVariable);
        start.Environment.Remove(OpenBlasCoreSelection.OptOutVariable);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        double before = ChildrenCpuSeconds();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {stderr.Result}");
        double cpu = ChildrenCpuSeconds() - before;
        string last = stdout.TrimEnd().Split('\n')[^1];
        var json = last.StartsWith('{') ? JsonNode.Parse(last)!.AsObject() : [];
        return (json, new ChildResult(stdout, cpu));
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long Rest0, Rest1, Rest2, Rest3, Rest4, Rest5, Rest6, Rest7, Rest8, Rest9, Rest10, Rest11, Rest12, Rest13;
    }

    [DllImport("libc", EntryPoint = "getrusage")]
    private static extern unsafe int GetRUsage(int who, RUsage* usage);

    /// <summary>User + system CPU seconds of every child this process has waited for (RUSAGE_CHILDREN).</summary>
    private static unsafe double ChildrenCpuSeconds()
    {
        RUsage u;
        return GetRUsage(-1, &u) == 0 ? u.UserSeconds + u.SystemSeconds + (u.UserMicroseconds + u.SystemMicroseconds) / 1e6 : double.NaN;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MatrixSensing.Native.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}

/// <summary>The child side of the platform rows: <c>platform-child gemm f64|f32 N REPS</c> prints one JSON line.</summary>
internal static class PlatformChild
{
    /// <summary>The first argument that selects the child mode.</summary>
    public const string Verb = "platform-child";

    /// <summary>Runs the child; returns the exit code.</summary>
    /// <param name="args">Arguments after the verb.</param>
    public static int Run(string[] args)
    {
        if (args is not ["gemm", var precision, var size, var repetitions])
            throw new ArgumentException($"Usage: {Verb} gemm f64|f32 N REPS");
        int n = int.Parse(size, CultureInfo.InvariantCulture), reps = int.Parse(repetitions, CultureInfo.InvariantCulture);
        BlasThreads.Count = 1;
        var (wall, cpu) = precision == "f64" ? Gemm<double>(n, reps) : Gemm<float>(n, reps);
        var d = NativeLibraries.Describe();
        Console.WriteLine(new JsonObject
        {
            ["core"] = d.CoreName,
            ["detected"] = d.CoreSelection?.Detected,
            ["chosen"] = d.CoreSelection?.Chosen,
            ["reason"] = d.CoreSelection?.Reason,
            ["wall"] = wall,
            ["cpu"] = cpu,
        }.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        return 0;
    }

    /// <summary>Median wall and process-CPU seconds of one n×n×n GEMM, after one warm-up call.</summary>
    private static (double Wall, double Cpu) Gemm<T>(int n, int reps) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var a = new T[n * n];
        var b = new T[n * n];
        var c = new T[n * n];
        var rng = new RandomStream(7);
        rng.FillNormal(a.AsSpan(), T.One);
        rng.FillNormal(b.AsSpan(), T.One);
        var wall = new List<double>();
        var cpu = new List<double>();
        var self = Process.GetCurrentProcess();
        for (int r = 0; r <= reps; r++)
        {
            self.Refresh();
            var cpu0 = self.TotalProcessorTime;
            long t0 = Stopwatch.GetTimestamp();
            Blas.Gemm(Transpose.None, Transpose.None, n, n, n, T.One, a, n, b, n, T.Zero, c, n);
            double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            self.Refresh();
            if (r == 0) continue;
            wall.Add(seconds);
            cpu.Add((self.TotalProcessorTime - cpu0).TotalSeconds);
        }
        return (Statistics.Median(wall), Statistics.Median(cpu));
    }
}
