using MatrixSensing.IO;
using MatrixSensing.Operators;
using MatrixSensing.Solvers;

namespace MatrixSensing.Tests.IO;

/// <summary>
/// Dense bundles written by NumPy in every layout a user has: the oracle is NumPy's own y = ⟨A_i, M⟩ computed from the
/// 3-D array, so a loader that flattens A_i the other way fits a different problem and fails.
/// </summary>
public class DenseBundleTests
{
    /// <summary>Writes a 14×9 rank-2 problem; A stored as <paramref name="layout"/> in <paramref name="dtype"/>.</summary>
    private static void Write(string path, string layout, string dtype, bool withMStar = true) => PythonNumPy.Run($$"""
        import numpy as np, sys
        rng = np.random.default_rng(11)
        n1, n2, r, m = 14, 9, 2, 400
        M = rng.standard_normal((n1, r)) @ rng.standard_normal((r, n2))
        A3 = (rng.standard_normal((m, n1, n2)) / np.sqrt(m)).astype('{{dtype}}')
        y = np.einsum('irc,rc->i', A3.astype(np.float64), M)    # the oracle: <A_i, M> from the 3-D array
        extra = {'M_star': M} if {{(withMStar ? "True" : "False")}} else {'shape': np.array([n1, n2])}
        layout = '{{layout}}'
        if layout == '3d':
            np.savez(sys.argv[1], A=A3, y=y, **extra)
        elif layout == 'c':
            np.savez(sys.argv[1], A=A3.reshape(m, -1), y=y, **extra)                    # NumPy's natural flattening
        elif layout == 'c-fortran-stored':
            np.savez(sys.argv[1], A=np.asfortranarray(A3.reshape(m, -1)), y=y, **extra)   # same values, other memory order
        elif layout == 'f':
            np.savez(sys.argv[1], A=A3.reshape(m, -1, order='F'), y=y, order='F', **extra)
        elif layout == 'f-bytes':
            np.savez(sys.argv[1], A=A3.reshape(m, -1, order='F'), y=y, order=b'F', **extra)
        """, path);

    [TestCase("3d", "float64")]
    [TestCase("3d", "float32")]
    [TestCase("c", "float64")]
    [TestCase("c", "float32")]
    [TestCase("c-fortran-stored", "float64")]
    [TestCase("f", "float64")]
    [TestCase("f", "float32")]
    [TestCase("f-bytes", "float64")]
    public void A_bundle_from_NumPy_measures_M_star_exactly_as_NumPy_does(string layout, string dtype)
    {
        PythonNumPy.RequireOrIgnore();
        using var dir = new NpyTestSupport.TempDirectory();
        string path = dir.File("p.npz");
        Write(path, layout, dtype);
        var loaded = ProblemBundle.Load<double>(path);
        var problem = loaded.Problem;
        var measured = new double[problem.Count];
        problem.Operator.Apply(problem.Target!.ToMatrix().Data, measured);
        double diff = 0, norm = 0;
        for (int i = 0; i < measured.Length; i++) { diff += Math.Pow(measured[i] - problem.Measurements[i], 2); norm += Math.Pow(problem.Measurements[i], 2); }
        Assert.Multiple(() =>
        {
            Assert.That((problem.Rows, problem.Columns, problem.Count), Is.EqualTo((14, 9, 400)));
            Assert.That(Math.Sqrt(diff / norm), Is.LessThan(1e-12), "A(M_star) must equal NumPy's y");
            Assert.That(loaded.Storage, Is.EqualTo(dtype));
            Assert.That(problem.Operator, dtype == "float32" ? Is.InstanceOf<MixedPrecisionDenseOperator>() : Is.InstanceOf<DenseOperator<double>>());
        });
    }

    [TestCase("c", "float64")]
    [TestCase("f", "float32")]
    public void A_flattened_bundle_is_solved_to_its_M_star(string layout, string dtype)
    {
        PythonNumPy.RequireOrIgnore();
        using var dir = new NpyTestSupport.TempDirectory();
        string path = dir.File("p.npz");
        Write(path, layout, dtype);
        var solved = new ScaledGd<double>().Solve(ProblemBundle.Load<double>(path).Problem, new SolverOptions { MaxIterations = 300, ErrorTolerance = 1e-10 });
        Assert.That(solved.Final.RelativeError, Is.LessThan(1e-9));
    }

    [Test]
    public void Float32_A_is_stored_in_float64_when_full_storage_is_asked_for()
    {
        PythonNumPy.RequireOrIgnore();
        using var dir = new NpyTestSupport.TempDirectory();
        string path = dir.File("p.npz");
        Write(path, "c", "float32");
        var full = ProblemBundle.Load<double>(path, storage: StoragePrecision.Compute);
        var reduced = ProblemBundle.Load<double>(path);
        Assert.Multiple(() =>
        {
            Assert.That(full.Problem.Operator, Is.InstanceOf<DenseOperator<double>>());
            Assert.That(full.Storage, Is.EqualTo("float64"));
            Assert.That(full.Problem.Operator.StoredBytes, Is.EqualTo(2 * reduced.Problem.Operator.StoredBytes));
        });
    }

    [Test]
    public void A_flattened_bundle_with_a_shape_entry_and_no_M_star_loads_in_C_order()
    {
        PythonNumPy.RequireOrIgnore();
        using var dir = new NpyTestSupport.TempDirectory();
        string path = dir.File("p.npz"), truth = dir.File("t.npz");
        Write(path, "c", "float64", withMStar: false);
        Write(truth, "3d", "float64");
        var flat = ProblemBundle.Load<double>(path).Problem;
        var cube = ProblemBundle.Load<double>(truth).Problem;
        var z = new double[14 * 9];
        for (int k = 0; k < z.Length; k++) z[k] = NpyTestSupport.Value(k);
        var a = new double[400];
        var b = new double[400];
        flat.Operator.Apply(z, a);
        cube.Operator.Apply(z, b);
        Assert.That(a, Is.EqualTo(b).Within(1e-12));
    }

    [Test]
    public void An_order_entry_other_than_C_or_F_is_refused_by_name()
    {
        PythonNumPy.RequireOrIgnore();
        using var dir = new NpyTestSupport.TempDirectory();
        string path = dir.File("p.npz");
        PythonNumPy.Run("""
            import numpy as np, sys
            np.savez(sys.argv[1], A=np.ones((3, 4)), y=np.ones(3), shape=np.array([2, 2]), order='K')
            """, path);
        Assert.That(() => ProblemBundle.Load<double>(path), Throws.TypeOf<NpyFormatException>().With.Message.Contains("'order' is 'K'"));
    }

    [Test]
    public void A_float32_M_star_is_read_at_its_true_rank()
    {
        PythonNumPy.RequireOrIgnore();
        using var dir = new NpyTestSupport.TempDirectory();
        string path = dir.File("p.npz");
        PythonNumPy.Run("""
            import numpy as np, sys
            rng = np.random.default_rng(2)
            M = (rng.standard_normal((30, 3)) @ rng.standard_normal((3, 20))).astype(np.float32)
            A = rng.standard_normal((200, 30, 20)).astype(np.float32)
            np.savez(sys.argv[1], A=A, y=np.einsum('irc,rc->i', A.astype(np.float64), M.astype(np.float64)), M_star=M)
            """, path);
        Assert.That(ProblemBundle.Load<double>(path).Problem.Target!.Rank, Is.EqualTo(3));
    }

    [Test]
    public void A_bundle_too_large_for_memory_is_refused_with_the_estimate_before_it_is_read()
    {
        // The header of A declares 2^20 × 1000 × 1000 float32 values (4 TiB) over a few bytes of data: the loader must
        // refuse from the header, with the estimate, instead of inflating (or failing later as truncated).
        using var dir = new NpyTestSupport.TempDirectory();
        string path = dir.File("huge.npz");
        using (var zip = new System.IO.Compression.ZipArchive(File.Create(path), System.IO.Compression.ZipArchiveMode.Create))
        {
            using (var s = zip.CreateEntry("A.npy").Open())
            {
                string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1048576, 1000, 1000), }";
                header = header.PadRight(118) + "\n";
                s.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0]);
                s.Write(System.Text.Encoding.Latin1.GetBytes(header));
                s.Write(new byte[64]);
            }

            using (var s = zip.CreateEntry("y.npy").Open()) Npy.WriteArray(s, NpyArray.Create<double>(new double[4], [4]), version: 0);
        }

        Assert.That(() => ProblemBundle.Load<double>(path), Throws.TypeOf<InsufficientMemoryException>()
            .With.Message.Contains("needs about").And.Message.Contains("GiB").And.Message.Contains("huge.npz"));
    }
}
