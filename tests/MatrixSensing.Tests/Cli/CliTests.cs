using System.Text.Json;
using MatrixSensing.IO;
using MatrixSensing.Operators;
using MatrixSensing.Problems;
using CommandLine = MatrixSensing.Cli.Cli;

namespace MatrixSensing.Tests.Cli;

/// <summary>The `msense` commands in-process: outputs, files and exit codes (0 ok, 2 usage, 3 input); faults are in the probe suite.</summary>
public class CliTests
{
    private string _dir = "";

    [SetUp]
    public void MakeDirectory() => _dir = Directory.CreateTempSubdirectory("msense-cli-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CommandLine.RunAsync([.. args, .. args.Length > 0 && args[0] is "run" or "solve" or "sweep" or "reproduce" ? new[] { "--threads", "1" } : []],
            stdout, stderr, CancellationToken.None).GetAwaiter().GetResult();
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static readonly string[] Tiny = ["--n1", "14", "--n2", "12", "--rank", "2", "--h", "4", "--m", "400", "--kappa", "3", "--max-iter", "400"];

    [Test]
    public void Run_prints_the_table_and_writes_the_trace_and_the_plot()
    {
        var (code, stdout, stderr) = Run(["run", .. Tiny, "--out", _dir]);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("ScaledGD(λ)").And.Contain("GD").And.Contain("converged"));
        Assert.That(File.ReadAllLines(Path.Combine(_dir, "trace.csv"))[0], Does.StartWith("solver,iteration,seconds,loss"));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "trace.json")));
        Assert.That(json.RootElement.GetProperty("runs").GetArrayLength(), Is.EqualTo(2));
        Assert.That(File.ReadAllBytes(Path.Combine(_dir, "convergence.png")).Take(8), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }));
    }

    [Test]
    public void Json_mode_prints_only_a_parseable_summary()
    {
        var (code, stdout, _) = Run(["run", .. Tiny, "--solver", "scaledgd,svp", "--json", "--out", _dir]);
        Assert.That(code, Is.Zero);
        using var json = JsonDocument.Parse(stdout);
        var runs = json.RootElement.GetProperty("runs");
        Assert.That(runs.EnumerateArray().Select(e => e.GetProperty("solver").GetString()), Is.EqualTo(new[] { "scaledgd", "svp" }));
        Assert.That(runs[0].GetProperty("relative_error").GetDouble(), Is.LessThan(1e-7));
    }

    [Test]
    public void Quiet_mode_writes_nothing_to_stderr()
    {
        var (code, _, stderr) = Run(["run", .. Tiny, "--solver", "scaledgd", "--quiet", "--out", _dir]);
        Assert.That(code, Is.Zero);
        Assert.That(stderr, Is.Empty);
    }

    [TestCase(new[] { "run", "--bogus" }, "Unrecognized")]
    [TestCase(new[] { "run", "--m", "0" }, "--m: must be at least 1; got 0")]
    [TestCase(new[] { "run", "--kappa", "0.5" }, "condition number")]
    [TestCase(new[] { "run", "--n1", "20", "--n2", "20", "--m", "50", "--h", "200" }, "rank h")]
    [TestCase(new[] { "run", "--solver", "newton" }, "unknown solver")]
    [TestCase(new[] { "run", "--n1", "20", "--n2", "20", "--m", "50", "--step", "-1" }, "step size")]
    [TestCase(new[] { "run", "--init", "magic" }, "unknown initialization")]
    [TestCase(new[] { "run", "--step", "0.1", "--relative-step", "0.1" }, "not both")]
    [TestCase(new[] { "reproduce", "nothing" }, "unknown experiment")]
    [TestCase(new[] { "solve" }, "--problem")]
    public void Bad_flags_give_one_line_and_exit_code_2(string[] args, string expected)
    {
        var (code, _, stderr) = Run([.. args, "--out", "unused"]);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(2), stderr);
            Assert.That(stderr, Does.Contain(expected));
            Assert.That(stderr.TrimEnd().Split('\n').Last(), Does.StartWith("msense: error:"));
            Assert.That(stderr, Does.Not.Contain("   at "));
        });
    }

    [Test]
    public void Unreadable_and_corrupt_files_exit_with_the_input_error_code()
    {
        string corrupt = Path.Combine(_dir, "corrupt.npz");
        File.WriteAllBytes(corrupt, [1, 2, 3, 4, 5]);
        var missing = Run("solve", "--problem", Path.Combine(_dir, "missing.npz"), "--out", _dir);
        var bad = Run("solve", "--problem", corrupt, "--out", _dir);
        Assert.Multiple(() =>
        {
            Assert.That(missing.Code, Is.EqualTo(3));
            Assert.That(missing.Stderr, Does.Contain("no such file"));
            Assert.That(bad.Code, Is.EqualTo(3));
            Assert.That(bad.Stderr, Does.StartWith("msense: error:").And.Not.Contain("   at "));
        });
    }

    [Test]
    public void Impossible_sizes_are_refused_with_the_number()
    {
        var (code, _, stderr) = Run("run", "--n1", "100000", "--n2", "100000", "--m", "100000", "--operator", "rank-one", "--out", _dir);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("GiB"));
    }

    [Test]
    public void Solve_reads_a_bundle_and_writes_the_estimate()
    {
        var rows = GaussianEnsemble.Draw<double>(12, 10, 400, seed: 3);
        var problem = SensingProblem.Create(LowRankTarget.Asymmetric<double>(12, 10, 2, 3, seed: 4), MeasurementOperators.Dense(12, 10, 400, rows));
        string bundle = Path.Combine(_dir, "problem.npz");
        ProblemBundle.Save<double>(bundle, rows, problem);
        var (code, stdout, stderr) = Run("solve", "--problem", bundle, "--solver", "scaledgd", "--out", _dir);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("converged"));
        var estimate = Npz.Read(Path.Combine(_dir, "estimate-scaledgd.npz"))["estimate"].ToColumnMajor<double>();
        var truth = problem.Target!.ToMatrix().Data;
        double diff = Math.Sqrt(estimate.Zip(truth, (a, b) => (a - b) * (a - b)).Sum() / truth.Sum(x => x * x));
        Assert.That(diff, Is.LessThan(1e-7));
    }

    [Test]
    public void Sweep_writes_the_grid_and_the_heatmap()
    {
        var (code, stdout, stderr) = Run("sweep", "--n", "12", "--ranks", "1,2", "--ratios", "1,4", "--trials", "2", "--out", _dir);
        Assert.That(code, Is.Zero, stderr);
        var csv = File.ReadAllLines(Path.Combine(_dir, "sweep.csv"));
        Assert.That(csv, Has.Length.EqualTo(1 + 2 * 2 * 2));
        Assert.That(stdout, Does.Contain("success rate"));
        Assert.That(File.Exists(Path.Combine(_dir, "heatmap.png")));
    }

    [Test]
    public void Info_and_demo_work()
    {
        var info = Run("info");
        var demo = Run("demo");
        Assert.That(info.Code, Is.Zero);
        Assert.That(info.Stdout, Does.Contain("openblas").And.Contain("cpu"));
        Assert.That(demo.Code, Is.Zero);
        Assert.That(demo.Stdout, Does.Contain("SVD"));
    }
}
