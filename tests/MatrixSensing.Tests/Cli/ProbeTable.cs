using System.Runtime.InteropServices;
using System.Text.Json;
using MatrixSensing.Cli;
using MatrixSensing.IO;
using MatrixSensing.LinearAlgebra;
using MatrixSensing.Operators;
using MatrixSensing.Problems;

namespace MatrixSensing.Tests.Cli;

/// <summary>
/// One row of the probe suite: a command line (<c>{dir}</c> stands for the row's own temporary folder), how its
/// inputs are set up, the exit code expected and a fragment its output must contain. Every row also checks that
/// there is no stack trace and, for errors, exactly one <c>msense: error:</c> line.
/// </summary>
/// <param name="Class">The fault class, as docs/reliability.md lists it.</param>
/// <param name="Name">What is probed.</param>
/// <param name="Args">The arguments after <c>msense</c>.</param>
/// <param name="ExitCode">The exit code expected (from <see cref="ExitCodes"/>).</param>
/// <param name="Fragment">Text expected in stdout or stderr.</param>
public sealed record Probe(string Class, string Name, string[] Args, int ExitCode, string Fragment)
{
    /// <summary>Sets up the row's folder before the run; what it returns is disposed after the run (a lock, a mount).</summary>
    public Func<string, IDisposable?>? Prepare { get; init; }

    /// <summary>Signals sent to the child, 50 ms apart, once <see cref="WaitFor"/> has appeared on its stderr.</summary>
    public PosixSignal[] Signals { get; init; } = [];

    /// <summary>The stderr text that must appear before the signals are sent.</summary>
    public string WaitFor { get; init; } = "";

    /// <summary>Pause between <see cref="WaitFor"/> and the first signal.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Longest the child may take to exit after the last signal.</summary>
    public double? MaxSecondsAfterSignal { get; init; }

    /// <summary>Environment variables for the child.</summary>
    public IReadOnlyList<(string Name, string Value)> Environment { get; init; } = [];

    /// <summary>Further assertions on the result and the row's folder.</summary>
    public Action<string, ProbeResult>? Verify { get; init; }

    public override string ToString() => $"{Class}: {Name}";
}

/// <summary>The probe suite's rows: every fault of the command line that was found, and what it must do now.</summary>
internal static class ProbeTable
{
    private static readonly string[] Tiny = ["--n1", "14", "--n2", "12", "--rank", "2", "--h", "4", "--m", "400", "--kappa", "3", "--max-iter", "400", "--threads", "1"];

    /// <summary>A solve that would run for minutes: the signal always arrives while solving.</summary>
    private static readonly string[] Long = ["run", "--n1", "60", "--n2", "60", "--m", "3000", "--solver", "gd,scaledgd-lambda", "--max-iter", "1000000", "--time-budget", "0", "--threads", "1"];

    /// <summary>A problem that takes seconds to generate: the signal arrives while it is built.</summary>
    private static readonly string[] SlowBuild = ["run", "--n1", "120", "--n2", "120", "--m", "15000", "--solver", "gd", "--threads", "1"];

    private static readonly HashSet<string> Switches = ["--json", "--symmetric", "--diagnostics", "--quiet"];

    /// <summary>`run` on the tiny problem with <paramref name="extra"/> flags added or overriding (an option may appear once).</summary>
    private static string[] Run(params string[] extra)
    {
        var flags = new List<(string Flag, string? Value)>();
        void Set(IReadOnlyList<string> tokens)
        {
            for (int i = 0; i < tokens.Count; i++)
            {
                string? value = Switches.Contains(tokens[i]) ? null : tokens[++i];
                int at = flags.FindIndex(f => f.Flag == tokens[i - (value is null ? 0 : 1)]);
                var entry = (tokens[i - (value is null ? 0 : 1)], value);
                if (at >= 0) flags[at] = entry;
                else flags.Add(entry);
            }
        }
        Set([.. Tiny, "--out", "{dir}/out"]);
        Set(extra);
        return ["run", .. flags.SelectMany(f => f.Value is null ? new[] { f.Flag } : [f.Flag, f.Value])];
    }

    private static string[] Solve(string bundle, params string[] extra) => ["solve", "--problem", "{dir}/" + bundle, "--out", "{dir}/out", "--threads", "1", .. extra];

    public static IEnumerable<Probe> All()
    {
        // Crashes that were stack traces.
        const string crash = "Crashes";
        yield return new Probe(crash, "Ctrl-C twice while solving", [.. Long, "--out", "{dir}/out"], ExitCodes.Interrupted, "SIGINT again: exiting at once")
        {
            Signals = [PosixSignal.SIGINT, PosixSignal.SIGINT], WaitFor = "building the problem", Delay = TimeSpan.FromSeconds(3), MaxSecondsAfterSignal = 5,
            Verify = (dir, _) => AssertNoTemporaryFiles(Path.Combine(dir, "out")),
        };
        // The first signal may already end the process before the second is handled: either way a clean, prompt exit.
        yield return new Probe(crash, "Ctrl-C twice while the problem is built", [.. SlowBuild, "--out", "{dir}/out"], ExitCodes.Interrupted, "msense: SIGINT")
        {
            Signals = [PosixSignal.SIGINT, PosixSignal.SIGINT], WaitFor = "building the problem", Delay = TimeSpan.FromMilliseconds(100), MaxSecondsAfterSignal = 5,
        };
        yield return new Probe(crash, "--time-budget Infinity means none", Run("--time-budget", "Infinity"), ExitCodes.Success, "converged");
        yield return new Probe(crash, "--time-budget 1e300 means none", Run("--time-budget", "1e300"), ExitCodes.Success, "converged");
        yield return new Probe(crash, "bundle shape [2**40, 1]", Solve("b.npz"), ExitCodes.InvalidInput, "'shape' entry 0 is 1099511627776")
        { Prepare = dir => Shape(dir, [1L << 40, 1]) };
        yield return new Probe(crash, "bundle shape [2**62, 4]", Solve("b.npz"), ExitCodes.InvalidInput, "'shape' entry 0 is 4611686018427387904")
        { Prepare = dir => Shape(dir, [1L << 62, 4]) };
        yield return new Probe(crash, "bundle shape [2**33, 2**33]", Solve("b.npz"), ExitCodes.InvalidInput, "'shape' entry 0 is 8589934592")
        { Prepare = dir => Shape(dir, [1L << 33, 1L << 33]) };
        yield return new Probe(crash, "--problem names a FIFO", Solve("fifo"), ExitCodes.InvalidInput, "not a regular file")
        {
            Prepare = dir =>
            {
                var (code, error) = ProbeHost.Tool("mkfifo", Path.Combine(dir, "fifo"));
                if (code != 0) Assert.Ignore($"mkfifo is not available: {error}");
                return null;
            },
        };

        // Signals and cancellation.
        const string signals = "Signals";
        yield return new Probe(signals, "SIGINT while solving: partial results, 130", [.. Long, "--out", "{dir}/out"], ExitCodes.Interrupted, "writing what was computed as .partial files")
        {
            Signals = [PosixSignal.SIGINT], WaitFor = "building the problem", Delay = TimeSpan.FromSeconds(3),
            Verify = (dir, _) => AssertPartialRun(Path.Combine(dir, "out")),
        };
        yield return new Probe(signals, "SIGTERM while solving: 143", [.. Long, "--out", "{dir}/out"], ExitCodes.Terminated, "SIGTERM")
        {
            Signals = [PosixSignal.SIGTERM], WaitFor = "building the problem", Delay = TimeSpan.FromSeconds(3),
            Verify = (dir, _) => AssertPartialRun(Path.Combine(dir, "out")),
        };
        yield return new Probe(signals, "SIGINT while the problem is built acts at once", [.. SlowBuild, "--out", "{dir}/out"], ExitCodes.Interrupted, "cancelled while building the problem")
        { Signals = [PosixSignal.SIGINT], WaitFor = "building the problem", Delay = TimeSpan.FromMilliseconds(100), MaxSecondsAfterSignal = 5 };
        yield return new Probe(signals, "SIGTERM while the problem is built: 143", [.. SlowBuild, "--out", "{dir}/out"], ExitCodes.Terminated, "cancelled while building the problem")
        { Signals = [PosixSignal.SIGTERM], WaitFor = "building the problem", Delay = TimeSpan.FromMilliseconds(100), MaxSecondsAfterSignal = 5 };

        // Results that looked complete but were not.
        const string results = "Partial and stale results";
        yield return new Probe(results, "a cancelled run keeps the complete trace of an earlier run", [.. Long, "--out", "{dir}/out"], ExitCodes.Interrupted, "complete results of earlier runs are kept")
        {
            Prepare = dir => WriteIn(dir, "out/trace.csv", "complete earlier run\n"),
            // Long enough for at least one iteration on a heavily loaded machine (an iteration takes ~10 ms when idle).
            Signals = [PosixSignal.SIGINT], WaitFor = "building the problem", Delay = TimeSpan.FromSeconds(6),
            Verify = (dir, _) =>
            {
                Assert.That(File.ReadAllText(Path.Combine(dir, "out", "trace.csv")), Is.EqualTo("complete earlier run\n"));
                AssertPartialRun(Path.Combine(dir, "out"));
            },
        };
        yield return new Probe(results, "a cancelled reproduction writes no figure over a good one", ["reproduce", "scaledgd-vs-gd", "--out", "{dir}/out", "--json"], ExitCodes.Interrupted, "\"complete\": false")
        {
            Prepare = dir =>
            {
                WriteIn(dir, "out/scaledgd-vs-gd.csv", "good csv\n");
                return WriteIn(dir, "out/scaledgd-vs-gd.png", "good png\n");
            },
            Signals = [PosixSignal.SIGINT], WaitFor = "msense reproduce scaledgd-vs-gd:", Delay = TimeSpan.FromSeconds(1.5),
            Verify = (dir, result) =>
            {
                Assert.That(File.ReadAllText(Path.Combine(dir, "out", "scaledgd-vs-gd.csv")), Is.EqualTo("good csv\n"));
                Assert.That(File.ReadAllText(Path.Combine(dir, "out", "scaledgd-vs-gd.png")), Is.EqualTo("good png\n"));
                Assert.That(result.Stderr, Does.Contain("its figures were not written"));
                AssertJson(result.Stdout);
            },
        };
        yield return new Probe(results, "an unwritable --out is refused before computing", ["run", "--out", "/proc/msense-probe/out"], ExitCodes.Failed, "nothing was computed");
        yield return new Probe(results, "--out naming a file is refused", Run(), ExitCodes.Failed, "is a file, not a folder")
        { Prepare = dir => WriteIn(dir, "out", "not a folder") };
        yield return new Probe(results, "a folder another msense is writing is refused", Run(), ExitCodes.Failed, "in use by another msense")
        {
            Prepare = dir =>
            {
                Directory.CreateDirectory(Path.Combine(dir, "out"));
                return new FileStream(Path.Combine(dir, "out", ".msense.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            },
        };
        yield return new Probe(results, "stale files of an earlier run are listed as not from this run", Run("--solver", "scaledgd"), ExitCodes.Success, "not from this run")
        {
            Prepare = dir => WriteIn(dir, "out/estimate-svp.npz", "stale"),
            Verify = (dir, _) =>
            {
                using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "out", "manifest.json")));
                var root = manifest.RootElement;
                Assert.That(root.GetProperty("complete").GetBoolean(), Is.True);
                Assert.That(root.GetProperty("notThisRun").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "estimate-svp.npz" }));
                Assert.That(root.GetProperty("files").EnumerateArray().Select(e => e.GetString()), Is.EquivalentTo(new[] { "trace.csv", "trace.json", "convergence.png" }));
            },
        };
        yield return new Probe(results, "a full disk leaves no truncated file", Run("--solver", "scaledgd", "--out", "{dir}/tiny"), ExitCodes.Failed, "No space left on device")
        {
            Prepare = dir => TinyDisk(Path.Combine(dir, "tiny")),
            Verify = (dir, _) => AssertNoTemporaryFiles(Path.Combine(dir, "tiny")),
        };

        // Exit codes scripts can rely on.
        const string codes = "Exit codes";
        yield return new Probe(codes, "success", Run(), ExitCodes.Success, "converged");
        yield return new Probe(codes, "a diverged solver", Run("--solver", "gd", "--relative-step", "60"), ExitCodes.Diverged, "diverged");
        yield return new Probe(codes, "a solver failing numerically", Solve("deficient.npz", "--solver", "scaledgd"), ExitCodes.Diverged, "failed")
        { Prepare = dir => Bundle(dir, "deficient.npz", deficientStart: true) };
        yield return new Probe(codes, "--tol-error not reached", Run("--solver", "gd", "--max-iter", "5", "--tol-error", "1e-8"), ExitCodes.ToleranceNotReached, "max_iterations");
        yield return new Probe(codes, "--tol-residual not reached", Run("--solver", "gd", "--max-iter", "5", "--tol-residual", "1e-8"), ExitCodes.ToleranceNotReached, "max_iterations");
        yield return new Probe(codes, "the default tolerance is a stopping rule, not a requirement", Run("--solver", "gd", "--max-iter", "5"), ExitCodes.Success, "max_iterations");
        yield return new Probe(codes, "a missing native library", ["info"], ExitCodes.Failed, "apt-get install")
        { Environment = [("MSENSE_OPENBLAS_PATH", "/nonexistent/libopenblas.so.0")] };

        // --json on every command: stdout is one JSON document and nothing else.
        const string json = "JSON output";
        foreach (var (name, args) in new (string, string[])[]
                 {
                     ("info", ["info", "--json"]), ("demo", ["demo", "--json"]), ("run", Run("--solver", "scaledgd", "--json")),
                     ("solve", Solve("good.npz", "--solver", "scaledgd", "--json")),
                 })
            yield return new Probe(json, $"{name} --json", args, ExitCodes.Success, "")
            { Prepare = name == "solve" ? dir => Bundle(dir, "good.npz") : null, Verify = (_, result) => AssertJson(result.Stdout) };

        // Flags that were accepted silently.
        const string flags = "Flags accepted silently";
        foreach (var (name, args, fragment) in new (string, string[], string)[]
                 {
                     ("--time-budget -1", Run("--time-budget", "-1"), "--time-budget must be ≥ 0"),
                     ("--time-budget NaN", Run("--time-budget", "NaN"), "--time-budget must be ≥ 0"),
                     ("--tol-error 0", Run("--tol-error", "0"), "--tol-error must be a relative tolerance > 0"),
                     ("--tol-error -1", Run("--tol-error", "-1"), "--tol-error must be a relative tolerance > 0"),
                     ("--tol-error NaN", Run("--tol-error", "NaN"), "--tol-error must be a relative tolerance > 0"),
                     ("--tol-residual 0", Run("--tol-residual", "0"), "--tol-residual must be a relative tolerance > 0"),
                     ("--solver \"\"", Run("--solver", ""), "--solver names no solver"),
                     ("--symmetric with n1 ≠ n2", Run("--symmetric"), "--symmetric needs a square unknown"),
                     ("--p with a Gaussian operator", Run("--p", "0.5"), "--p applies only to --operator entry-sampling"),
                     ("--lambda with GD", Run("--solver", "gd", "--lambda", "0.1"), "--lambda is the damping of scaledgd-lambda"),
                     ("--relative-lambda with SVP", Run("--solver", "svp", "--relative-lambda", "0.1"), "--relative-lambda is the damping"),
                     ("--init spectral:3", Run("--init", "spectral:3"), "spectral takes no scale"),
                     ("--threads 0", Run("--threads", "0"), "--threads must be at least 1; got 0"),
                 })
            yield return new Probe(flags, name, args, ExitCodes.Usage, fragment);
        yield return new Probe(flags, "--diagnostics without a ground truth", Solve("nostar.npz", "--h", "2", "--diagnostics"), ExitCodes.Usage, "--diagnostics needs a ground truth")
        { Prepare = dir => Bundle(dir, "nostar.npz", groundTruth: false) };
        yield return new Probe(flags, "--tol-error without a ground truth", Solve("nostar.npz", "--h", "2", "--tol-error", "1e-6"), ExitCodes.Usage, "--tol-error needs a ground truth")
        { Prepare = dir => Bundle(dir, "nostar.npz", groundTruth: false) };
        yield return new Probe(flags, "U0 without V0 in a bundle", Solve("u0.npz"), ExitCodes.InvalidInput, "has 'U0' but not 'V0'")
        { Prepare = dir => Bundle(dir, "u0.npz", onlyU0: true) };
        yield return new Probe(flags, "a non-integer shape", Solve("b.npz"), ExitCodes.InvalidInput, "'shape' must hold two integers")
        {
            Prepare = dir => Entries(dir, "b.npz", ("A", NpyArray.Create<double>(new double[4 * 12], [4, 12])), ("y", NpyArray.Create<double>(new double[4], [4])),
                ("shape", NpyArray.Create<double>([3.5, 4], [2]))),
        };
        yield return new Probe(flags, "--batch without SGD is a warning", Run("--solver", "scaledgd", "--batch", "10"), ExitCodes.Success, "--batch has no effect");

        // Messages that misled.
        const string messages = "Messages";
        yield return new Probe(messages, "a directory is not called a missing file", ["solve", "--problem", "{dir}", "--out", "{dir}/out"], ExitCodes.InvalidInput, "is a directory");
        yield return new Probe(messages, "a missing file", Solve("missing.npz"), ExitCodes.InvalidInput, "no such file");
        yield return new Probe(messages, "an empty file", Solve("empty.npz"), ExitCodes.InvalidInput, "empty or not a regular file")
        { Prepare = dir => WriteIn(dir, "empty.npz", "") };
        yield return new Probe(messages, "a corrupt archive is an input error", Solve("corrupt.npz"), ExitCodes.InvalidInput, "corrupt.npz")
        { Prepare = dir => WriteIn(dir, "corrupt.npz", "PK\u0003\u0004 not a zip") };
        yield return new Probe(messages, "bad data inside a file is an input error", Solve("nan.npz"), ExitCodes.InvalidInput, "NaN")
        { Prepare = dir => Bundle(dir, "nan.npz", nanInY: true) };
        yield return new Probe(messages, "--kappa 0.5 without .NET's suffixes", Run("--kappa", "0.5"), ExitCodes.Usage, "--kappa: the condition number κ must be a finite number ≥ 1; got 0.5");
        yield return new Probe(messages, "--m 0 without .NET's wording", Run("--m", "0"), ExitCodes.Usage, "--m: must be at least 1; got 0");
        yield return new Probe(messages, "finite data far below 1e-154 is not 'zero'", Solve("tiny.npz", "--solver", "scaledgd", "--json"), ExitCodes.Success, "converged")
        {
            Prepare = dir => Bundle(dir, "tiny.npz", scale: 1e-160),
            Verify = (_, result) =>
            {
                using var report = JsonDocument.Parse(result.Stdout);
                double error = report.RootElement.GetProperty("runs")[0].GetProperty("relative_error").GetDouble(), residual = report.RootElement.GetProperty("runs")[0].GetProperty("relative_residual").GetDouble();
                Assert.That(error, Is.GreaterThan(0).And.LessThan(1e-6), "the error metric must neither underflow to 0 nor stay large");
                Assert.That(residual, Is.LessThan(1e-6));
            },
        };
    }

    private static IDisposable? WriteIn(string dir, string relative, string content)
    {
        string path = Path.Combine(dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return null;
    }

    private static IDisposable? Entries(string dir, string name, params (string Name, NpyArray Array)[] entries)
    {
        Npz.Write(Path.Combine(dir, name), entries.Select(e => new KeyValuePair<string, NpyArray>(e.Name, e.Array)));
        return null;
    }

    private static IDisposable? Shape(string dir, long[] shape) =>
        Entries(dir, "b.npz", ("A", NpyArray.Create<double>(new double[4 * 12], [4, 12])), ("y", NpyArray.Create<double>(new double[4], [4])), ("shape", NpyArray.Create<long>(shape, [2])));

    /// <summary>A 12×10 rank-2 problem with 400 Gaussian measurements, written as NumPy would (A as m×n1×n2).</summary>
    private static IDisposable? Bundle(string dir, string name, bool groundTruth = true, bool onlyU0 = false, bool deficientStart = false, bool nanInY = false, double scale = 1)
    {
        const int n1 = 12, n2 = 10, m = 400;
        var rows = GaussianEnsemble.Draw<double>(n1, n2, m, seed: 3);
        var target = LowRankTarget.Asymmetric<double>(n1, n2, 2, 3, seed: 4);
        if (scale != 1) target = LowRankTarget.FromFactors(target.Left, target.Right, [.. target.SingularValues.Select(s => s * scale)]);
        var problem = SensingProblem.Create(target, MeasurementOperators.Dense(n1, n2, m, rows));
        string path = Path.Combine(dir, name);
        ProblemBundle.Save<double>(path, rows, problem);
        var entries = Npz.Read(path).ToDictionary(e => e.Key, e => e.Value);
        if (!groundTruth) entries.Remove("M_star");
        if (nanInY)
        {
            var y = entries["y"].ToArray<double>();
            y[7] = double.NaN;
            entries["y"] = NpyArray.Create<double>(y, [m]);
        }
        if (onlyU0) entries["U0"] = NpyArray.Create<double>(new double[n1 * 2], [n1, 2]);
        if (deficientStart)
        {
            // Rank-one factors of width 4: ScaledGD's preconditioner (VᵀV)⁻¹ is singular at iteration 0.
            var u0 = new Matrix<double>(n1, 4);
            var v0 = new Matrix<double>(n2, 4);
            u0[0, 0] = v0[0, 0] = 1;
            entries["U0"] = NpyArray.Create<double>(u0.Data, [n1, 4], fortranOrder: true);
            entries["V0"] = NpyArray.Create<double>(v0.Data, [n2, 4], fortranOrder: true);
        }
        Npz.Write(path, entries);
        return null;
    }

    /// <summary>A 16 KiB tmpfs (too small for the figure); skipped with the reason where mounting is not permitted.</summary>
    private static Unmount TinyDisk(string mount)
    {
        Directory.CreateDirectory(mount);
        var (code, error) = ProbeHost.Tool("mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", mount);
        if (code != 0) Assert.Ignore($"cannot mount a 16 KiB tmpfs here (needs root and mount permission): {error.Trim()}");
        return new Unmount(mount);
    }

    private sealed class Unmount(string mount) : IDisposable
    {
        public void Dispose() => ProbeHost.Tool("umount", mount);
    }

    private static void AssertNoTemporaryFiles(string dir)
    {
        if (!Directory.Exists(dir)) return;
        Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName).Where(f => f!.EndsWith(AtomicFile.TemporarySuffix, StringComparison.Ordinal)), Is.Empty,
            "an interrupted write leaves no temporary file");
    }

    /// <summary>A cancelled run: .partial files with iterations in them, a manifest saying complete = false, nothing half written.</summary>
    private static void AssertPartialRun(string dir)
    {
        using var trace = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "trace.partial.json")));
        var runs = trace.RootElement.GetProperty("runs");
        Assert.That(runs[0].GetProperty("iterations").GetInt32(), Is.GreaterThan(0), "the solver ran before the signal");
        Assert.That(runs.EnumerateArray().Select(r => r.GetProperty("status").GetString()), Does.Contain("cancelled"));
        Assert.That(trace.RootElement.GetProperty("complete").GetBoolean(), Is.False);
        Assert.That(File.ReadAllBytes(Path.Combine(dir, "convergence.partial.png")).Take(4), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47 }));
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "manifest.partial.json")));
        Assert.That(manifest.RootElement.GetProperty("complete").GetBoolean(), Is.False);
        AssertNoTemporaryFiles(dir);
    }

    private static void AssertJson(string stdout)
    {
        Assert.That(stdout.TrimStart(), Does.StartWith("{").Or.StartWith("["), "stdout starts with JSON");
        Assert.DoesNotThrow(() => JsonDocument.Parse(stdout).Dispose(), "stdout is one JSON document and nothing else:\n" + stdout);
    }
}
