using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MatrixSensing.IO;
using MatrixSensing.LinearAlgebra;
using MatrixSensing.Random;
using MatrixSensing.Solvers;

namespace MatrixSensing.Tests.Solvers;

/// <summary>
/// Every solver against an independent NumPy run of the SPEC update on the very same bundle (Peers/solver_trajectories.py
/// writes it: A, y, M*, the starting factors; absolute η and λ): the first iteration at which the relative error falls
/// below 1e-2, 1e-4, 1e-6 and 1e-8 must equal NumPy's within ±1, for asymmetric and symmetric problems and for
/// σ₁(M*) = 1 and 10 (a correct preconditioned update is scale-invariant). SGD's batches come from our seeded sampler
/// and are handed to NumPy, so both sides take the same ones.
/// </summary>
[TestFixture("asymmetric", 1.0)]
[TestFixture("asymmetric", 10.0)]
[TestFixture("symmetric", 1.0)]
[TestFixture("symmetric", 10.0)]
public class NumPyTrajectoryTests(string kind, double sigma1)
{
    private const ulong Seed = 17;
    private const int SgdIterations = 800;
    private static readonly double[] Levels = [1e-2, 1e-4, 1e-6, 1e-8];
    private string _dir = "";
    private JsonElement _peer;
    private int _batch;

    private bool Symmetric => kind == "symmetric";

    [OneTimeSetUp]
    public void RunThePeer()
    {
        if (!File.Exists("/usr/bin/python3")) Assert.Ignore("/usr/bin/python3 is not installed");
        _dir = Path.Combine(Path.GetTempPath(), $"msense-trajectory-{kind}-{sigma1}-{Environment.ProcessId}");
        Directory.CreateDirectory(_dir);
        string script = FindUpwards(Path.Combine("tests", "MatrixSensing.Tests", "Peers", "solver_trajectories.py"));
        _batch = int.Parse(File.ReadLines(script).First(l => l.StartsWith("BATCH = ", StringComparison.Ordinal))["BATCH = ".Length..], CultureInfo.InvariantCulture);
        // The same sampler and seed MiniBatchSgd uses, so the peer's batch t is ours.
        var sampler = new EpochSampler(300, new RandomStream(Seed, 0x5CD0UL), dropIncompleteBatch: true);
        var lines = new StringBuilder();
        for (int t = 0; t < SgdIterations; t++) lines.AppendLine(string.Join(' ', sampler.NextBatch(_batch).ToArray()));
        string batches = Path.Combine(_dir, "batches.txt");
        File.WriteAllText(batches, lines.ToString());

        var start = new ProcessStartInfo("/usr/bin/python3", [script, _dir, kind, sigma1.ToString("R", CultureInfo.InvariantCulture), batches])
        {
            RedirectStandardError = true, RedirectStandardOutput = true,
        };
        start.Environment["OPENBLAS_NUM_THREADS"] = "1";
        using var process = Process.Start(start)!;
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 && stderr.Contains("No module named 'numpy'", StringComparison.Ordinal)) Assert.Ignore("NumPy is not installed");
        Assert.That(process.ExitCode, Is.Zero, stderr);
        _peer = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "peer.json"))).RootElement.GetProperty("solvers");
    }

    [OneTimeTearDown]
    public void Clean()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The sensing solvers (the completion-only ones need an entry-sampling bundle).</summary>
    private static IEnumerable<string> Solvers() => SolverRegistry.All.Where(d => !d.NeedsEntrySampling).Select(d => d.Name);

    [TestCaseSource(nameof(Solvers))]
    public void First_iterations_below_each_error_level_match_NumPy(string solver)
    {
        if (Symmetric && !SolverRegistry.Get(solver).SupportsSymmetric) Assert.Pass($"{solver} has no symmetric form");
        Assert.That(_peer.TryGetProperty(solver, out var peer), Is.True, $"the peer has no run of {solver}: add it to solver_trajectories.py");
        int?[] expected = [.. peer.GetProperty("hits").EnumerateArray().Select(h => h.ValueKind == JsonValueKind.Null ? (int?)null : h.GetInt32())];
        Assert.That(expected, Has.All.Not.Null, $"NumPy's {solver} must reach every level for the comparison to mean something");

        string bundle = Path.Combine(_dir, "bundle.npz");
        var loaded = ProblemBundle.Load<double>(bundle, Symmetric);
        string start = peer.GetProperty("start").GetString()!;
        var init = start.Length > 0 ? Start(bundle, start) : loaded.Initialization!;
        var options = new SolverOptions
        {
            Rank = peer.GetProperty("rank").GetInt32(),
            Step = Magnitude.Absolute(peer.GetProperty("eta").GetDouble()),
            Lambda = peer.GetProperty("lam").ValueKind == JsonValueKind.Number ? Magnitude.Absolute(peer.GetProperty("lam").GetDouble()) : null,
            PrecGdConstant = peer.GetProperty("c").ValueKind == JsonValueKind.Number ? peer.GetProperty("c").GetDouble() : null,
            BatchSize = _batch, Seed = Seed,
            MaxIterations = peer.GetProperty("iterations").GetInt32(), ErrorTolerance = 1e-8, TraceEvery = 1,
            Initialization = init,
        };
        var result = SolverFactory.Create<double>(solver).Solve(loaded.Problem, options);
        var actual = Levels.Select(level => result.Trace.FirstOrDefault(t => t.RelativeError < level) is { RelativeError: not null } hit ? hit.Iteration : (int?)null).ToArray();
        for (int k = 0; k < Levels.Length; k++)
        {
            Assert.That(actual[k], Is.Not.Null, $"{solver} never reached {Levels[k]:E0} ({result.Status} after {result.Iterations}); NumPy did at {expected[k]}");
            Assert.That(actual[k]!.Value, Is.EqualTo(expected[k]!.Value).Within(1),
                $"{solver}: first iteration below {Levels[k]:E0}: ours [{string.Join(", ", actual)}], NumPy's [{string.Join(", ", expected)}]");
        }
    }

    /// <summary>The bundle's other starting factors (X0_exact, U0_moderate, ...).</summary>
    private Initialization Start(string bundle, string suffix)
    {
        var entries = Npz.Read(bundle);
        Matrix<double> Factor(string name)
        {
            var a = entries[name];
            return new Matrix<double>((int)a.Shape[0], (int)a.Shape[1], a.ToColumnMajor<double>());
        }
        return Symmetric ? Initialization.Given(Factor("X0" + suffix)) : Initialization.Given(Factor("U0" + suffix), Factor("V0" + suffix));
    }

    private static string FindUpwards(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
