using System.Diagnostics;
using MatrixSensing.IO;
using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Solvers;

namespace MatrixSensing.Tests.IO;

public class ProblemBundleTests
{
    private string _dir = "";

    [SetUp]
    public void MakeDirectory() => _dir = Directory.CreateTempSubdirectory("msense-bundle-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    private static (double[] Rows, SensingProblem<double> Problem) Generated(int n1 = 12, int n2 = 10, int m = 400)
    {
        var rows = GaussianEnsemble.Draw<double>(n1, n2, m, seed: 3);
        var problem = SensingProblem.Create(LowRankTarget.Asymmetric<double>(n1, n2, 2, 3, seed: 4), MeasurementOperators.Dense(n1, n2, m, rows));
        return (rows, problem);
    }

    [Test]
    public void A_saved_problem_gives_the_same_numbers_as_the_generated_one()
    {
        var (rows, problem) = Generated();
        string path = Path.Combine(_dir, "problem.npz");
        ProblemBundle.Save<double>(path, rows, problem);
        var loaded = ProblemBundle.Load<double>(path).Problem;
        var options = new SolverOptions { Rank = 4, MaxIterations = 40 };
        var fromMemory = new GradientDescent<double>().Solve(problem, options);
        var fromFile = new GradientDescent<double>().Solve(loaded, options);
        Assert.Multiple(() =>
        {
            Assert.That(loaded.Measurements.ToArray(), Is.EqualTo(problem.Measurements.ToArray()));
            Assert.That(fromFile.Trace.Select(t => t.Loss), Is.EqualTo(fromMemory.Trace.Select(t => t.Loss)));
            Assert.That(fromFile.Final.RelativeError!.Value, Is.EqualTo(fromMemory.Final.RelativeError!.Value).Within(1e-9).Percent);
        });
    }

    [Test]
    public void NumPy_reads_our_bundle_and_loads_our_result()
    {
        RequireNumPy();
        var (rows, problem) = Generated();
        string bundle = Path.Combine(_dir, "problem.npz"), result = Path.Combine(_dir, "result.npz");
        ProblemBundle.Save<double>(bundle, rows, problem);
        var solved = new ScaledGd<double>().Solve(ProblemBundle.Load<double>(bundle).Problem, new SolverOptions { MaxIterations = 300, ErrorTolerance = 1e-12 });
        ProblemBundle.SaveResult(result, solved);
        Python($$"""
            import numpy as np
            b = np.load(r'{{bundle}}'); r = np.load(r'{{result}}')
            A, y, M = b['A'], b['y'], b['M_star']
            assert A.shape == (400, 12, 10) and M.shape == (12, 10)
            assert np.allclose(np.einsum('irc,rc->i', A, M), y, atol=1e-12)
            assert np.allclose(r['U'] @ r['V'].T, r['estimate'], atol=1e-12)
            assert np.linalg.norm(r['estimate'] - M) / np.linalg.norm(M) < 1e-10
            """);
    }

    [Test]
    public void A_bundle_written_by_NumPy_is_solved()
    {
        RequireNumPy();
        string bundle = Path.Combine(_dir, "numpy.npz"), result = Path.Combine(_dir, "result.npz");
        Python($$"""
            import numpy as np
            rng = np.random.default_rng(5)
            n1, n2, r, m = 15, 12, 2, 500
            M = rng.standard_normal((n1, r)) @ rng.standard_normal((r, n2))
            A = rng.standard_normal((m, n1 * n2)) / np.sqrt(m)
            y = A @ M.reshape(-1)          # C-order vec: A given as m x (n1*n2) rows in C order
            np.savez(r'{{bundle}}', A=A.reshape(m, n1, n2), y=y, M_star=M)
            """);
        var loaded = ProblemBundle.Load<double>(bundle);
        var solved = new ScaledGd<double>().Solve(loaded.Problem, new SolverOptions { MaxIterations = 300, ErrorTolerance = 1e-10 });
        Assert.That(solved.Status, Is.EqualTo(SolverStatus.Converged));
        ProblemBundle.SaveResult(result, solved);
        Python($$"""
            import numpy as np
            M = np.load(r'{{bundle}}')['M_star']; E = np.load(r'{{result}}')['estimate']
            assert np.linalg.norm(E - M) / np.linalg.norm(M) < 1e-9, np.linalg.norm(E - M)
            """);
    }

    [Test]
    public void Bundles_with_missing_or_inconsistent_arrays_are_refused_by_name()
    {
        string path = Path.Combine(_dir, "bad.npz");
        Npz.Write(path, [new("A", NpyArray.Create<double>(new double[24], [2, 3, 4]))]);
        Assert.That(() => ProblemBundle.Load<double>(path), Throws.TypeOf<NpyFormatException>().With.Message.Contains("'y'"));
        Npz.Write(path, [new("A", NpyArray.Create<double>(new double[24], [2, 3, 4])), new("y", NpyArray.Create<double>(new double[3], [3]))]);
        Assert.That(() => ProblemBundle.Load<double>(path), Throws.TypeOf<NpyFormatException>().With.Message.Contains("3 values"));
        Npz.Write(path, [new("A", NpyArray.Create<double>(new double[24], [2, 12])), new("y", NpyArray.Create<double>(new double[2], [2]))]);
        Assert.That(() => ProblemBundle.Load<double>(path), Throws.TypeOf<NpyFormatException>().With.Message.Contains("shape"));
    }

    private static void RequireNumPy()
    {
        if (!File.Exists("/usr/bin/python3")) Assert.Ignore("/usr/bin/python3 is not installed");
        using var probe = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-c", "import numpy"]) { RedirectStandardError = true })!;
        probe.WaitForExit();
        if (probe.ExitCode != 0) Assert.Ignore("NumPy (python3-numpy) is not installed");
    }

    private static void Python(string script)
    {
        var start = new ProcessStartInfo("/usr/bin/python3", ["-c", script.Replace("\r", "")]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, stderr);
    }
}
