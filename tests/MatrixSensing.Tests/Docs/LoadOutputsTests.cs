using System.Globalization;
using System.Text.Json;
using MatrixSensing.Tests.IO;
using CommandLine = MatrixSensing.Cli.Cli;

namespace MatrixSensing.Tests.Docs;

/// <summary>
/// docs/load_outputs.py, the NumPy helper that docs/outputs.md shows, loads what msense actually writes: its summary
/// of a `run` and a `solve` folder names the problem, solvers and statuses the trace says, and the estimate it loads
/// is M* itself (so a transposed or misread estimate fails).
/// </summary>
public class LoadOutputsTests
{
    private static string Helper => Path.Combine(Path.GetDirectoryName(ReadmeExampleTests.FindUpwards("README.md"))!, "docs", "load_outputs.py");

    /// <summary>Runs the helper as a script (its <c>__main__</c>) on <paramref name="folder"/>; fails on a non-zero exit.</summary>
    private static string Summary(string folder) =>
        PythonNumPy.Run("import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')", Helper, folder);

    /// <summary>Runs msense in process; fails the test, with its stderr, on a non-zero exit.</summary>
    private static void Msense(params string[] args)
    {
        var stderr = new StringWriter();
        int code = CommandLine.RunAsync([.. args, "--threads", "1", "--quiet"], new StringWriter(), stderr, CancellationToken.None).GetAwaiter().GetResult();
        Assert.That(code, Is.Zero, stderr.ToString());
    }

    [Test]
    public void The_summary_of_a_run_folder_names_the_problem_solvers_and_statuses_of_its_trace()
    {
        PythonNumPy.RequireOrIgnore();
        using var dir = new NpyTestSupport.TempDirectory();
        string outDir = Path.Combine(dir.Path, "run");
        Msense("run", "--n1", "20", "--n2", "16", "--rank", "2", "--h", "4", "--m", "400", "--max-iter", "50", "--out", outDir);

        string summary = Summary(outDir);

        using var trace = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "trace.json")));
        Assert.That(summary, Does.Contain("trace.json: complete=True n1=20 n2=16 r_star=2 m=400 operator=gaussian"));
        foreach (var run in trace.RootElement.GetProperty("runs").EnumerateArray())
        {
            int rows = run.GetProperty("trace").GetArrayLength();
            Assert.That(summary, Does.Contain(
                $"run solver={run.GetProperty("solver").GetString()} status={run.GetProperty("status").GetString()} iterations=50"));
            Assert.That(summary, Does.Contain($"'{run.GetProperty("solver").GetString()}': {rows}"), "trace.csv rows per solver");
        }
        Assert.That(summary, Does.Contain("solver=scaledgd-lambda status=max_iterations"));
        Assert.That(summary, Does.Contain("manifest.json: complete=True exit_code=0"));
    }

    [Test]
    public void The_estimate_it_loads_from_a_solve_folder_is_M_star_with_its_factors_and_meta()
    {
        PythonNumPy.RequireOrIgnore();
        using var dir = new NpyTestSupport.TempDirectory();
        string problem = Path.Combine(dir.Path, "problem.npz");
        PythonNumPy.Run("""
            import sys, numpy as np
            rng = np.random.default_rng(3)
            n1, n2, r, m = 12, 10, 2, 400
            M = rng.standard_normal((n1, r)) @ rng.standard_normal((r, n2))
            A = rng.standard_normal((m, n1, n2)) / np.sqrt(m)
            np.savez(sys.argv[1], A=A.reshape(m, -1), y=np.einsum('irc,rc->i', A, M), M_star=M)
            """, problem);
        string outDir = Path.Combine(dir.Path, "solve");
        Msense("solve", "--problem", problem, "--solver", "scaledgd", "--h", "2", "--out", outDir);

        string summary = Summary(outDir);
        Assert.That(summary, Does.Contain("estimate-scaledgd.npz: estimate=12x10 U=12x2 V=10x2 solver=scaledgd status=converged"));
        Assert.That(summary, Does.Contain("trace.json: complete=True n1=12 n2=10 r_star=2 m=400 operator=dense"));

        // The helper's loaders, against NumPy's own reading of the problem: the estimate is M* (not its transpose),
        // U Vᵀ is the estimate, and the trace's last relative error is the one trace.json reports.
        string check = PythonNumPy.Run("""
            import sys, numpy as np
            sys.path.insert(0, sys.argv[1])
            from load_outputs import load_estimate, load_trace_csv, load_trace_json
            est = load_estimate(sys.argv[2] + '/estimate-scaledgd.npz')
            M = np.load(sys.argv[3])['M_star']
            trace = load_trace_csv(sys.argv[2] + '/trace.csv')['scaledgd']
            doc = load_trace_json(sys.argv[2] + '/trace.json')
            assert est['meta']['runs'][0]['estimate_file'] == 'estimate-scaledgd.npz', est['meta']
            assert np.allclose(est['U'] @ est['V'].T, est['estimate'])
            assert trace['relative_error'][-1] == doc['runs'][0]['relative_error']
            assert np.isnan(trace['nuisance_norm']).all()  # diagnostics off: empty cells are missing values
            print(np.linalg.norm(est['estimate'] - M) / np.linalg.norm(M))
            """, Path.GetDirectoryName(Helper)!, outDir, problem);
        Assert.That(double.Parse(check.Trim(), CultureInfo.InvariantCulture), Is.LessThan(1e-6));
    }
}
