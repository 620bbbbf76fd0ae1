using MatrixSensing.IO;
using MatrixSensing.Problems;
using MatrixSensing.Solvers;
using CommandLine = MatrixSensing.Cli.Cli;

namespace MatrixSensing.Tests.Cli;

/// <summary>`--solver` and `--h` as the registry defines them: an explicit h is honoured, r* is only the default of exact-rank solvers.</summary>
public class SolverFlagsTests
{
    private string _dir = "";

    [SetUp]
    public void MakeDirectory() => _dir = Directory.CreateTempSubdirectory("msense-flags-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CommandLine.RunAsync([.. args, "--threads", "1", "--quiet"], stdout, stderr, CancellationToken.None).GetAwaiter().GetResult();
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>An n1×n2 rank-2 Gaussian bundle, with or without M_star.</summary>
    private string Bundle(bool withTruth, int n1 = 12, int n2 = 10)
    {
        const int m = 300;
        var target = LowRankTarget.Asymmetric<double>(n1, n2, 2, 2, seed: 3);
        var op = TestProblems.Gaussian(n1, n2, m, 4);
        var problem = SensingProblem.Create(target, op);
        var a = new double[m * n1 * n2];
        var e = new double[n1 * n2];
        for (int k = 0; k < n1 * n2; k++)
        {
            Array.Clear(e);
            e[k] = 1;
            var column = new double[m];
            op.Apply(e, column);
            for (int i = 0; i < m; i++) a[i * n1 * n2 + k] = column[i];
        }
        var entries = new Dictionary<string, NpyArray>
        {
            // A[i] is A_i in column-major order, i.e. a Fortran-order n1×n2 slice: give the flattened form with order 'F'.
            ["A"] = NpyArray.Create<double>(a, [m, n1 * n2]),
            ["order"] = NpyArray.Create<byte>("F"u8.ToArray(), [1]),
            ["shape"] = NpyArray.Create<long>([n1, n2], [2]),
            ["y"] = NpyArray.Create<double>(problem.Measurements, [m]),
        };
        if (withTruth) entries["M_star"] = NpyArray.Create<double>(target.ToMatrix().Data, [n1, n2], fortranOrder: true);
        string path = Path.Combine(_dir, withTruth ? "truth.npz" : "data.npz");
        Npz.Write(path, entries);
        return path;
    }

    private int FactorColumns(string solver = "scaledgd") => (int)Npz.Read(Path.Combine(_dir, "out", $"estimate-{solver}.npz"))["U"].Shape[1];

    [Test]
    public void ScaledGD_honours_h_on_a_bundle_without_ground_truth()
    {
        var (code, _, stderr) = Run("solve", "--problem", Bundle(withTruth: false), "--solver", "scaledgd", "--h", "2", "--max-iter", "50", "--out", Path.Combine(_dir, "out"));
        Assert.That(code, Is.Zero, stderr);
        Assert.That(FactorColumns(), Is.EqualTo(2));
    }

    [Test]
    public void ScaledGD_honours_an_explicit_h_above_the_targets_rank()
    {
        var (code, _, stderr) = Run("solve", "--problem", Bundle(withTruth: true), "--solver", "scaledgd", "--h", "3", "--max-iter", "5", "--out", Path.Combine(_dir, "out"));
        Assert.That(code, Is.Zero, stderr);
        Assert.That(FactorColumns(), Is.EqualTo(3), "--h 3 must not be replaced by r* = 2");
    }

    [Test]
    public void Without_h_an_exact_rank_solver_takes_the_targets_rank_and_others_the_default()
    {
        string bundle = Bundle(withTruth: true, n1: 24, n2: 22);
        Assert.That(Run("solve", "--problem", bundle, "--solver", "scaledgd", "--max-iter", "5", "--out", Path.Combine(_dir, "out")).Code, Is.Zero);
        Assert.That(FactorColumns(), Is.EqualTo(2));
        var (code, _, stderr) = Run("solve", "--problem", bundle, "--solver", "gd", "--max-iter", "5", "--out", Path.Combine(_dir, "out"));
        Assert.That(code, Is.Zero, stderr);
        Assert.That(FactorColumns("gd"), Is.EqualTo(global::MatrixSensing.Cli.Reports.SolverConfig.DefaultRank));
    }

    [Test]
    public void Help_and_errors_list_every_registered_solver()
    {
        var (code, _, stderr) = Run("run", "--solver", "nope");
        Assert.That(code, Is.Not.Zero);
        foreach (var solver in SolverRegistry.All) Assert.That(stderr, Does.Contain(solver.Name));
        var help = Run("run", "--help");
        foreach (var solver in SolverRegistry.All) Assert.That(help.Stdout, Does.Contain(solver.Name));
    }
}
