using System.Text.Json;
using MatrixSensing.IO;
using MatrixSensing.Tests.IO;
using CommandLine = MatrixSensing.Cli.Cli;

namespace MatrixSensing.Tests.Cli;

/// <summary>
/// Every output says what produced it, and `msense run --config` reruns it from that alone: trace.json, the --json
/// summary and the meta entry of estimate files are each fed back and must reproduce the run.
/// </summary>
public class OutputsTests
{
    private string _dir = "";

    [SetUp]
    public void MakeDirectory() => _dir = Directory.CreateTempSubdirectory("msense-out-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CommandLine.RunAsync(args, stdout, stderr, CancellationToken.None).GetAwaiter().GetResult();
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static readonly string[] Tiny =
        ["--n1", "14", "--n2", "12", "--rank", "2", "--h", "4", "--m", "400", "--kappa", "3", "--max-iter", "300", "--threads", "1", "--quiet"];

    private static JsonElement Load(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    /// <summary>(solver, iteration) and (loss, relative residual) of every trace.csv row.</summary>
    private static (string[] Steps, double[] Values) Iterates(string traceCsv)
    {
        var rows = File.ReadAllLines(traceCsv).Skip(1).Select(l => l.Split(',')).ToList();
        return ([.. rows.Select(c => c[0] + "," + c[1])], [.. rows.SelectMany(c => new[] { double.Parse(c[3], System.Globalization.CultureInfo.InvariantCulture), double.Parse(c[4], System.Globalization.CultureInfo.InvariantCulture) })]);
    }

    /// <summary>
    /// A rerun makes the same iterations with the same values. Values are compared to 1e-9 relative, not bit for bit:
    /// two runs of one problem in one process are not yet bit-identical (ConcurrencyTests.Repeated_runs_are_bit_identical
    /// _in_deterministic_mode), and rounding differences grow along a trajectory; a config that differs in any
    /// parameter gives a different run at the first iterations.
    /// </summary>
    private static void AssertSameRun(string expectedCsv, string actualCsv)
    {
        var (expectedSteps, expected) = Iterates(expectedCsv);
        var (actualSteps, actual) = Iterates(actualCsv);
        Assert.That(actualSteps, Is.EqualTo(expectedSteps));
        for (int k = 0; k < expected.Length; k++)
            Assert.That(actual[k], Is.EqualTo(expected[k]).Within(1e-9 * Math.Abs(expected[k]) + 1e-300), $"value {k}");
    }

    [Test]
    public void Trace_json_records_every_parameter_and_option_after_defaults()
    {
        var (code, _, stderr) = Run(["run", .. Tiny, "--solver", "scaledgd-lambda,gd,sgd", "--noise", "0.001", "--seed", "7", "--out", _dir]);
        Assert.That(code, Is.Zero, stderr);
        var doc = Load(Path.Combine(_dir, "trace.json"));
        var problem = doc.GetProperty("config").GetProperty("problem");
        var solvers = doc.GetProperty("config").GetProperty("solvers");
        Assert.Multiple(() =>
        {
            Assert.That(doc.GetProperty("schema").GetString(), Is.EqualTo("msense.trace/1"));
            Assert.That(doc.GetProperty("complete").GetBoolean(), Is.True);
            Assert.That(problem.GetProperty("n1").GetInt32(), Is.EqualTo(14));
            Assert.That(problem.GetProperty("r_star").GetInt32(), Is.EqualTo(2));
            Assert.That(problem.GetProperty("noise").GetDouble(), Is.EqualTo(0.001));
            Assert.That((problem.GetProperty("seed").GetUInt64(), problem.GetProperty("operator_seed").GetUInt64(), problem.GetProperty("noise_seed").GetUInt64()), Is.EqualTo((7UL, 8UL, 9UL)));
            Assert.That(problem.GetProperty("operator_name").GetString(), Is.EqualTo("gaussian-f32"));
            Assert.That(problem.GetProperty("p").ValueKind, Is.EqualTo(JsonValueKind.Null), "missing values are explicit nulls");
            Assert.That(solvers.EnumerateArray().Select(s => s.GetProperty("solver").GetString()), Is.EqualTo(new[] { "scaledgd-lambda", "gd", "sgd" }));
            Assert.That(solvers[0].GetProperty("display_name").GetString(), Is.EqualTo("ScaledGD(λ)"));
            // Defaults are written as the values used, so a rerun does not depend on the defaults of another version.
            Assert.That(solvers[0].GetProperty("lambda").GetDouble(), Is.EqualTo(0.1));
            Assert.That(solvers[0].GetProperty("lambda_relative").GetBoolean(), Is.True);
            Assert.That(solvers[1].GetProperty("step").GetDouble(), Is.EqualTo(0.5));
            Assert.That(solvers[1].GetProperty("init").GetString(), Is.EqualTo("small-random"));
            Assert.That(solvers[1].GetProperty("lambda").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(solvers[2].GetProperty("batch").GetInt32(), Is.EqualTo(40));
            Assert.That(doc.GetProperty("config").GetProperty("threads").GetInt32(), Is.EqualTo(1));
            Assert.That(doc.GetProperty("provenance").GetProperty("msense_version").GetString(), Is.Not.Empty);
            Assert.That(doc.GetProperty("provenance").GetProperty("native").GetProperty("openblas_path").GetString(), Is.EqualTo(MatrixSensing.Interop.NativeLibraries.Describe().OpenBlasPath));
            Assert.That(doc.GetProperty("runs")[0].GetProperty("status").GetString(), Is.EqualTo("max_iterations"), "the noise floor is above tol_error");
            Assert.That(doc.GetProperty("runs")[0].GetProperty("trace")[0].TryGetProperty("relative_error", out _), Is.True);
        });
    }

    [Test]
    public void Run_config_reruns_a_trace_json_as_is_with_the_same_iterates()
    {
        string first = Path.Combine(_dir, "first"), second = Path.Combine(_dir, "second");
        string[] symmetric = ["run", "--n1", "14", "--rank", "2", "--h", "4", "--m", "400", "--kappa", "3", "--max-iter", "300", "--threads", "1", "--quiet"];
        Assert.That(Run([.. symmetric, "--solver", "scaledgd-lambda,gd", "--symmetric", "--seed", "3", "--out", first]).Code, Is.Zero);
        var (code, _, stderr) = Run("run", "--config", Path.Combine(first, "trace.json"), "--out", second, "--quiet");
        Assert.That(code, Is.Zero, stderr);
        AssertSameRun(Path.Combine(first, "trace.csv"), Path.Combine(second, "trace.csv"));
        Assert.That(Load(Path.Combine(second, "trace.json")).GetProperty("config").GetProperty("problem").ToString(),
            Is.EqualTo(Load(Path.Combine(first, "trace.json")).GetProperty("config").GetProperty("problem").ToString()));
    }

    [Test]
    public void Run_config_reruns_a_json_summary_and_a_hand_written_config()
    {
        var (code, stdout, _) = Run(["run", .. Tiny, "--solver", "gd", "--json", "--out", Path.Combine(_dir, "a")]);
        Assert.That(code, Is.Zero);
        string summary = Path.Combine(_dir, "summary.json");
        File.WriteAllText(summary, stdout);
        Assert.That(Run("run", "--config", summary, "--out", Path.Combine(_dir, "b"), "--quiet").Code, Is.Zero);
        AssertSameRun(Path.Combine(_dir, "a", "trace.csv"), Path.Combine(_dir, "b", "trace.csv"));

        // A config written by hand names only what differs from the defaults.
        string hand = Path.Combine(_dir, "hand.json");
        File.WriteAllText(hand, """
            { "problem": { "n1": 14, "n2": 12, "r_star": 2, "kappa": 3, "m": 400 },
              "solvers": [ { "solver": "gd", "h": 4, "max_iter": 300 } ], "threads": 1 }
            """);
        Assert.That(Run("run", "--config", hand, "--out", Path.Combine(_dir, "c"), "--quiet").Code, Is.Zero);
        AssertSameRun(Path.Combine(_dir, "a", "trace.csv"), Path.Combine(_dir, "c", "trace.csv"));
    }

    [TestCase("""{ "problem": { "n_1": 14 } }""", "n_1")]
    [TestCase("""{ "schema": "msense.run/9" }""", "msense.run/9")]
    [TestCase("""{ "solvers": [] }""", "'solvers' is empty")]
    [TestCase("""{ "solvers": [ { "solver": "newton" } ] }""", "unknown solver 'newton'")]
    [TestCase("""{ "solvers": [ { "solver": "gd", "lambda": 1 } ] }""", "no damping")]
    [TestCase("[1, 2]", "JSON object")]
    [TestCase("{", "not JSON")]
    public void A_bad_config_is_refused_with_one_line_and_exit_code_3(string text, string expected)
    {
        string path = Path.Combine(_dir, "bad.json");
        File.WriteAllText(path, text);
        var (code, _, stderr) = Run("run", "--config", path, "--out", _dir, "--threads", "1");
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(3), stderr);
            Assert.That(stderr, Does.Contain(expected));
            Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
        });
    }

    [Test]
    public void Config_and_problem_flags_together_are_refused()
    {
        File.WriteAllText(Path.Combine(_dir, "c.json"), "{}");
        var (code, _, stderr) = Run("run", "--config", Path.Combine(_dir, "c.json"), "--m", "10", "--out", _dir);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("drop --m"));
    }

    [Test]
    public void Solve_writes_one_estimate_per_solver_each_rerunnable_from_its_meta()
    {
        PythonNumPy.RequireOrIgnore();
        string bundle = Path.Combine(_dir, "p.npz"), out1 = Path.Combine(_dir, "o1"), out2 = Path.Combine(_dir, "o2");
        PythonNumPy.Run("""
            import numpy as np, sys
            rng = np.random.default_rng(4)
            n1, n2, r, m = 14, 11, 2, 500
            M = rng.standard_normal((n1, r)) @ rng.standard_normal((r, n2))
            A = (rng.standard_normal((m, n1, n2)) / np.sqrt(m)).astype(np.float32)
            np.savez(sys.argv[1], A=A.reshape(m, -1), y=np.einsum('irc,rc->i', A.astype(np.float64), M), M_star=M)
            """, bundle);
        foreach (string solvers in new[] { "scaledgd", "scaledgd,gd" })
        {
            var (code, _, stderr) = Run("solve", "--problem", bundle, "--solver", solvers, "--h", "2", "--out", out1, "--threads", "1", "--quiet");
            Assert.That(code, Is.Zero, stderr);
            Assert.That(File.Exists(Path.Combine(out1, "estimate-scaledgd.npz")), "one rule: estimate-<solver>.npz, also for one solver");
        }

        Assert.That(File.Exists(Path.Combine(out1, "estimate-gd.npz")));
        var meta = JsonDocument.Parse(ProblemBundle.ReadMeta(Path.Combine(out1, "estimate-gd.npz"))!).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(meta.GetProperty("config").GetProperty("solvers").GetArrayLength(), Is.EqualTo(1));
            Assert.That(meta.GetProperty("config").GetProperty("problem").GetProperty("operator_name").GetString(), Is.EqualTo("dense-f32"));
            Assert.That(meta.GetProperty("config").GetProperty("problem").GetProperty("bundle_sha256").GetString(), Has.Length.EqualTo(64));
            Assert.That(meta.GetProperty("runs")[0].GetProperty("estimate_file").GetString(), Is.EqualTo("estimate-gd.npz"));
        });

        var (rerun, _, err) = Run("run", "--config", Path.Combine(out1, "estimate-gd.npz"), "--out", out2, "--quiet");
        Assert.That(rerun, Is.Zero, err);
        Assert.That(Npz.Read(Path.Combine(out2, "estimate-gd.npz"))["estimate"].ToArray<double>(),
            Is.EqualTo(Npz.Read(Path.Combine(out1, "estimate-gd.npz"))["estimate"].ToArray<double>()).Within(1e-12));
    }
}
