using MatrixSensing.IO;
using MatrixSensing.Operators;
using MatrixSensing.Solvers;

namespace MatrixSensing.Tests.IO;

/// <summary>
/// Completion and rank-one bundles as NumPy users write them: raw observed values (no 1/√p or 1/√m applied), entries in
/// the data set's own order. The oracle is NumPy's M_star: each bundle is solved and the estimate compared with it.
/// </summary>
public class DataBundleTests
{
    private static void Completion(string path, string indexType, bool withShape = true, bool shuffled = true, bool withMStar = true) => PythonNumPy.Run($$"""
        import numpy as np, sys
        rng = np.random.default_rng(21)
        n1, n2, r = 60, 45, 2
        M = rng.standard_normal((n1, r)) @ rng.standard_normal((r, n2))
        mask = rng.random((n1, n2)) < 0.5
        rows, cols = np.nonzero(mask)
        order = rng.permutation(len(rows)) if {{(shuffled ? "True" : "False")}} else np.arange(len(rows))
        rows, cols = rows[order].astype('{{indexType}}'), cols[order].astype('{{indexType}}')
        extra = {}
        if {{(withShape ? "True" : "False")}}: extra['shape'] = np.array([n1, n2])
        if {{(withMStar ? "True" : "False")}}: extra['M_star'] = M
        np.savez(sys.argv[1], rows=rows, cols=cols, values=M[rows, cols], **extra)
        """, path);

    private static void RankOne(string path, bool symmetric) => PythonNumPy.Run($$"""
        import numpy as np, sys
        rng = np.random.default_rng(22)
        n, r, m = 20, 2, 900
        if {{(symmetric ? "True" : "False")}}:
            X = rng.standard_normal((n, r)); M = X @ X.T
            a = rng.standard_normal((m, n))
            np.savez(sys.argv[1], a=a, y=np.einsum('ij,jk,ik->i', a, M, a), M_star=M)
        else:
            M = rng.standard_normal((n, r)) @ rng.standard_normal((r, n + 5))
            a, b = rng.standard_normal((m, n)), rng.standard_normal((m, n + 5))
            np.savez(sys.argv[1], a=a, b=b, y=np.einsum('ij,jk,ik->i', a, M, b), M_star=M)
        """, path);

    private static double Error(SolverResult<double> result, MatrixSensing.Problems.SensingProblem<double> problem)
    {
        var e = result.Estimate().Data;
        var t = problem.Target!.ToMatrix().Data;
        double d = 0, n = 0;
        for (int k = 0; k < e.Length; k++) { d += (e[k] - t[k]) * (e[k] - t[k]); n += t[k] * t[k]; }
        return Math.Sqrt(d / n);
    }

    [TestCase("int32")]
    [TestCase("int64")]
    public void A_completion_bundle_keeps_each_value_with_its_entry(string indexType)
    {
        PythonNumPy.RequireOrIgnore();
        using var dir = new NpyTestSupport.TempDirectory();
        string path = dir.File("c.npz");
        Completion(path, indexType);
        var loaded = ProblemBundle.Load<double>(path);
        var problem = loaded.Problem;
        // A(M*) must equal y exactly when every value sits with its entry and the scaling is the operator's own.
        var measured = new double[problem.Count];
        problem.Operator.Apply(problem.Target!.ToMatrix().Data, measured);
        Assert.Multiple(() =>
        {
            Assert.That(loaded.Kind, Is.EqualTo(BundleKind.Completion));
            Assert.That((problem.Rows, problem.Columns), Is.EqualTo((60, 45)));
            Assert.That(measured, Is.EqualTo(problem.Measurements.ToArray()).Within(1e-12));
        });
        // A value moved to another entry would leave the error near 1.
        var result = new ScaledGradientDescent<double>().Solve(problem, new SolverOptions { Rank = 4, MaxIterations = 2000, ErrorTolerance = 1e-8 });
        Assert.That(Error(result, problem), Is.LessThan(1e-4));
    }

    [Test]
    public void Without_shape_or_M_star_the_matrix_is_the_smallest_that_holds_every_entry()
    {
        PythonNumPy.RequireOrIgnore();
        using var dir = new NpyTestSupport.TempDirectory();
        string path = dir.File("c.npz");
        Completion(path, "int64", withShape: false, withMStar: false);
        var problem = ProblemBundle.Load<double>(path).Problem;
        Assert.That((problem.Rows, problem.Columns, problem.Target), Is.EqualTo((60, 45, (object?)null)));
    }

    [Test]
    public void A_completion_bundle_with_a_repeated_entry_is_refused()
    {
        PythonNumPy.RequireOrIgnore();
        using var dir = new NpyTestSupport.TempDirectory();
        string path = dir.File("c.npz");
        PythonNumPy.Run("""
            import numpy as np, sys
            np.savez(sys.argv[1], rows=np.array([0, 1, 0]), cols=np.array([2, 0, 2]), values=np.ones(3), shape=np.array([3, 3]))
            """, path);
        Assert.That(() => ProblemBundle.Load<double>(path), Throws.InstanceOf<ArgumentException>().With.Message.Contains("twice"));
    }

    [Test]
    public void Completion_entries_must_be_integers_of_one_length()
    {
        PythonNumPy.RequireOrIgnore();
        using var dir = new NpyTestSupport.TempDirectory();
        string floats = dir.File("f.npz"), lengths = dir.File("l.npz");
        PythonNumPy.Run("""
            import numpy as np, sys
            np.savez(sys.argv[1], rows=np.array([0., 1.]), cols=np.array([0, 1]), values=np.ones(2))
            np.savez(sys.argv[2], rows=np.array([0, 1]), cols=np.array([0, 1, 2]), values=np.ones(2))
            """, floats, lengths);
        Assert.Multiple(() =>
        {
            Assert.That(() => ProblemBundle.Load<double>(floats), Throws.TypeOf<NpyFormatException>().With.Message.Contains("integer indices"));
            Assert.That(() => ProblemBundle.Load<double>(lengths), Throws.TypeOf<NpyFormatException>().With.Message.Contains("one length"));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public void A_rank_one_bundle_takes_raw_measurements(bool symmetric)
    {
        PythonNumPy.RequireOrIgnore();
        using var dir = new NpyTestSupport.TempDirectory();
        string path = dir.File("r.npz");
        RankOne(path, symmetric);
        var loaded = ProblemBundle.Load<double>(path);
        var problem = loaded.Problem;
        var measured = new double[problem.Count];
        problem.Operator.Apply(problem.Target!.ToMatrix().Data, measured);
        Assert.Multiple(() =>
        {
            Assert.That(loaded.Kind, Is.EqualTo(BundleKind.RankOne));
            Assert.That(problem.IsSymmetric, Is.EqualTo(symmetric), "'a' alone is the symmetric form");
            Assert.That(problem.Operator, Is.InstanceOf<RankOneOperator<double>>());
            Assert.That(measured, Is.EqualTo(problem.Measurements.ToArray()).Within(1e-9));
        });
        var result = new ScaledGradientDescent<double>().Solve(problem, new SolverOptions { Rank = 3, MaxIterations = 3000, ErrorTolerance = 1e-8 });
        Assert.That(Error(result, problem), Is.LessThan(1e-4));
    }
}
