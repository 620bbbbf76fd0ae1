using System.Globalization;
using System.Text.Json.Nodes;
using MatrixSensing.Benchmarks.Solvers;
using MatrixSensing.LinearAlgebra;
using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Random;
using MatrixSensing.Solvers;

namespace MatrixSensing.Benchmarks.SideBySide;

internal sealed partial class Harness
{
    private readonly List<Func<double>> _allocations = [];

    private int Rounds => _options.Quick ? 3 : 7;

    private void RunCases()
    {
        // Headline sizes from the issue: n1 = n2 = 100, h = 10, m = 4000 (A is 4000 × 10⁴, 320 MB in float64).
        int n = 100, m = _options.Quick ? 1000 : 4000, h = 10, rank = 5;

        var headline = DenseGaussian(n, m, seed: 11);
        GdDense("gd-gaussian-f64", $"GD, Gaussian {n}×{n}, m={m}, h={h}, float64", headline, rank, h, withMathNet: true);
        var reduced = ReducedGaussian(n, m, seed: 11);
        GdDense("gd-gaussian-f32", $"GD, Gaussian {n}×{n}, m={m}, h={h}, float32-stored, float64 compute (NumPy: float64)", reduced, rank, h, withMathNet: false);
        _peer.Send(new JsonObject { ["op"] = "drop", ["id"] = "gd-gaussian-f32" });
        reduced = null!;
        var signs = RademacherDense(n, m, seed: 11);
        GdDense("gd-rademacher", $"GD, Rademacher bit-packed {n}×{n}, m={m}, h={h} (NumPy: the same ±1/√m matrix in float64)", signs, rank, h, withMathNet: false);
        _peer.Send(new JsonObject { ["op"] = "drop", ["id"] = "gd-rademacher" });
        signs = null!;
        PreconditionerOverhead(headline, n, h, rank);
        _peer.Send(new JsonObject { ["op"] = "drop", ["id"] = "gd-gaussian-f64" });

        Generation();
        Scaling(headline);
        headline = null!;
        GC.Collect();

        // The size of Tong et al.'s experiments: A is 10⁴ × 4·10⁴ (3.2 GB in float64).
        int large = 200, largeM = _options.Quick ? 2000 : 10000;
        var big = DenseGaussian(large, largeM, seed: 12);
        GdDense("gd-gaussian-f64-200", $"GD, Gaussian {large}×{large}, m={largeM}, h={h}, float64", big, rank, h, withMathNet: false);
        _peer.Send(new JsonObject { ["op"] = "drop", ["id"] = "gd-gaussian-f64-200" });
        big = null!;
        GC.Collect();

        SparseCases();
        Readme();
        Platform();

        var bytes = _allocations.Select(f => f()).Where(double.IsFinite).ToList();
        Add(new CaseResult("allocation", "Bytes allocated per iteration (all our timed loops)")
        {
            BytesPerIteration = bytes.Count > 0 ? bytes.Max() : null,
            Note = $"max over {bytes.Count} timed loops, GC.GetAllocatedBytesForCurrentThread around the loop",
        });
    }

    /// <summary>A dense Gaussian operator with the float64 host copy the peers read.</summary>
    private sealed record Dense(MeasurementOperator<double> Operator, double[] Matrix, int N, int M);

    /// <summary>The same kind of ensemble stored in float32 (our side); the peers get its exact float64 widening.</summary>
    private static Dense ReducedGaussian(int n, int m, ulong seed)
    {
        var stored = GaussianEnsemble.Draw<float>(n, n, m, seed);
        var widened = Array.ConvertAll(stored, x => (double)x);
        return new Dense(new MixedPrecisionDenseOperator(n, n, m, stored), widened, n, m);
    }

    /// <summary>The bit-packed Rademacher ensemble (our side) and its ±1/√m entries in float64 (the peers' side).</summary>
    private static Dense RademacherDense(int n, int m, ulong seed)
    {
        var op = MeasurementOperators.Rademacher<double>(n, n, m, seed);
        int length = n * n;
        var expanded = GC.AllocateUninitializedArray<double>(length * m);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < length; j++)
                expanded[i * length + j] = op.Entry(i, j);
        return new Dense(op, expanded, n, m);
    }

    private static Dense DenseGaussian(int n, int m, ulong seed)
    {
        var values = BenchmarkOperators.GaussianMatrix<double>(n, n, m, seed);
        return new Dense(new DenseOperator<double>(n, n, m, values), values, n, m);
    }

    private static (double[] U, double[] V) StartFactors(int n1, int n2, int h, ulong seed)
    {
        var u = new double[n1 * h];
        var v = new double[n2 * h];
        var rng = new RandomStream(seed, 0x57A7);
        rng.FillNormal<double>(u, 0.1 / Math.Sqrt(n1));
        rng.FillNormal<double>(v, 0.1 / Math.Sqrt(n2));
        return (u, v);
    }

    private static SolverOptions Stepping(int h, Magnitude step, Initialization init) =>
        BenchmarkOperators.SteppingOptions(h) with { Step = step, Initialization = init };

    /// <summary>
    /// Bytes one iteration must stream: one pass over the stored operator (the residual and the adjoint are computed
    /// in the same pass) plus y read and r written.
    /// </summary>
    private static double StreamedBytes(MeasurementOperator<double> op) => op.StoredBytes + 2.0 * op.Count * sizeof(double);

    private SessionStepper<double> Track(SolverSession<double> session)
    {
        var stepper = new SessionStepper<double>(session);
        _allocations.Add(() => stepper.BytesPerIteration);
        return stepper;
    }

    private void GdDense(string id, string title, Dense d, int rank, int h, bool withMathNet)
    {
        Log($"{title}: preparing");
        int n = d.N, m = d.M;
        var problem = SensingProblem.Create(LowRankTarget.Asymmetric<double>(n, n, rank, conditionNumber: 10, seed: 3), d.Operator);
        var (u0, v0) = StartFactors(n, n, h, 5);
        var init = Initialization.Given(new Matrix<double>(n, h, (double[])u0.Clone()), new Matrix<double>(n, h, (double[])v0.Clone()));
        var stepper = Track(new GradientDescent<double>().Start(problem, Stepping(h, Magnitude.Relative(0.5), init)));
        double eta = stepper.Session.StepSize;

        string dir = Path.Combine(_data, id);
        Directory.CreateDirectory(dir);
        Npy.Write<double>(Path.Combine(dir, "A.npy"), d.Matrix, [m, n * n]);
        Npy.Write(Path.Combine(dir, "y.npy"), problem.Measurements, [m]);
        Npy.Write<double>(Path.Combine(dir, "U0.npy"), u0, [n, h], fortranOrder: true);
        Npy.Write<double>(Path.Combine(dir, "V0.npy"), v0, [n, h], fortranOrder: true);
        _peer.Send(new JsonObject { ["op"] = "load", ["id"] = id, ["kind"] = "gd", ["dir"] = dir, ["eta"] = eta, ["n1"] = n, ["n2"] = n });

        MathNetGd? mathNet = withMathNet ? new MathNetGd(n, n, m, d.Matrix, problem.Measurements.ToArray(), u0, v0, eta) : null;

        // Same start, same step: after 3 iterations the three implementations hold the same U (up to rounding).
        const int checkIterations = 3;
        for (int i = 1; i < checkIterations; i++) stepper.Session.Step(); // the stepper took the first
        var ours = stepper.Session.Left.ToArray();
        var numpy = NumPyPeer.Doubles(_peer.Send(new JsonObject { ["op"] = "check", ["id"] = id, ["iterations"] = checkIterations }), "U");
        var extra = new JsonObject { ["eta"] = eta, ["numpy_agreement"] = RelativeDifference(ours, numpy) };
        if (mathNet is not null)
        {
            for (int i = 0; i < checkIterations; i++) mathNet.Step();
            extra["mathnet_agreement"] = RelativeDifference(ours, mathNet.U.ToColumnMajorArray());
            mathNet.Reset();
        }

        var columns = new List<Column> { stepper.Column("ours"), new("numpy", k => _peer.Run(id, k)) };
        if (mathNet is not null) columns.Add(Column.Timed("mathnet", mathNet.Step));
        // Per-core efficiency: the same session stepped on one thread, interleaved with the others.
        var single = new Column("ours-1", k =>
        {
            using var _ = MatrixSensing.Interop.BlasThreads.Scope(1);
            return stepper.Column("ours-1").Round(k);
        });
        if (Threads > 1) columns.Add(single);
        Column.Interleave(columns, Rounds, perRound: 3);
        if (Threads > 1)
        {
            double t1 = single.MedianSeconds, tn = columns[0].MedianSeconds;
            extra["one_thread_seconds"] = t1;
            extra["per_core_efficiency"] = t1 / (Threads * tn);
        }
        Add(new CaseResult(id, title)
        {
            Ours = columns[0].MedianSeconds,
            NumPy = columns[1].MedianSeconds,
            MathNet = mathNet is null ? null : columns[2].MedianSeconds,
            LimitBytes = StreamedBytes(d.Operator), LimitThreads = Threads,
            BytesPerIteration = stepper.BytesPerIteration,
            Samples = columns[0].Samples.Count,
            Note = $"streams {StreamedBytes(d.Operator) / 1e6:F0} MB/iter (one fused pass); U agrees with NumPy to {extra["numpy_agreement"]!.GetValue<double>():E0}"
                + (Threads > 1 ? $"; 1 thread {CaseResult.Time(single.MedianSeconds)}, per-core efficiency {extra["per_core_efficiency"]!.GetValue<double>():F2}" : ""),
            Extra = extra,
        });
    }

    private static double RelativeDifference(double[] a, double[] b)
    {
        double diff = 0, norm = 0;
        for (int i = 0; i < a.Length; i++)
        {
            diff += (a[i] - b[i]) * (a[i] - b[i]);
            norm += b[i] * b[i];
        }
        return Math.Sqrt(diff / norm);
    }

    /// <summary>ScaledGD(λ) against GD on the same symmetric problem: the cost of the h×h preconditioners.</summary>
    private void PreconditionerOverhead(Dense d, int n, int h, int rank)
    {
        string title = $"ScaledGD(λ) vs GD, symmetric n={n}, m={d.M}, h={h}";
        Log($"{title}: preparing");
        var problem = SensingProblem.Create(LowRankTarget.Symmetric<double>(n, rank, conditionNumber: 10, seed: 4), d.Operator);
        var (x0, _) = StartFactors(n, n, h, 6);
        var gd = Track(new GradientDescent<double>().Start(problem,
            Stepping(h, Magnitude.Relative(0.5), Initialization.Given(new Matrix<double>(n, h, (double[])x0.Clone())))));
        var scaled = Track(new ScaledGradientDescent<double>().Start(problem,
            Stepping(h, Magnitude.Absolute(0.5), Initialization.Given(new Matrix<double>(n, h, (double[])x0.Clone()))) with { Lambda = Magnitude.Relative(0.1) }));
        var columns = new List<Column> { scaled.Column("scaledgd"), gd.Column("gd") };
        Column.Interleave(columns, Rounds, perRound: 3);
        double tScaled = columns[0].MedianSeconds, tGd = columns[1].MedianSeconds;
        double overhead = (tScaled - tGd) / tGd;
        Add(new CaseResult("scaledgd-vs-gd", title)
        {
            Ours = tScaled,
            LimitBytes = StreamedBytes(d.Operator), LimitThreads = Threads,
            BytesPerIteration = Math.Max(gd.BytesPerIteration, scaled.BytesPerIteration),
            Samples = columns[0].Samples.Count,
            Note = $"GD {CaseResult.Time(tGd)}; preconditioner overhead {overhead * 100:+0.0;-0.0}%",
            Extra = new JsonObject { ["gd_seconds"] = tGd, ["scaledgd_seconds"] = tScaled, ["overhead"] = overhead },
        });
    }

    /// <summary>Normals per second: our ziggurat (1 thread and all threads) vs NumPy's default_rng().standard_normal.</summary>
    private void Generation()
    {
        int count = _options.Quick ? 1 << 22 : 1 << 25;
        Log($"Gaussian generation of {count} doubles: preparing");
        var buffer = new double[count];
        ParallelNormal.Fill<double>(buffer, 1, 1.0);
        ulong seed = 2;
        var one = Column.Timed("ours-1", () => ParallelNormal.Fill<double>(buffer, seed++, 1.0, 1));
        var all = Column.Timed("ours-all", () => ParallelNormal.Fill<double>(buffer, seed++, 1.0, Threads));
        var numpy = new Column("numpy", k =>
            NumPyPeer.Times(_peer.Send(new JsonObject { ["op"] = "generate", ["count"] = count, ["rounds"] = k, ["seed"] = 3 })));
        Column.Interleave([one, all, numpy], Rounds, perRound: 1);
        double rateNumPy = count / numpy.MedianSeconds;
        foreach (var (column, threads) in new[] { (one, 1), (all, Threads) })
        {
            double rate = count / column.MedianSeconds;
            Add(new CaseResult($"generation-{threads}", $"Gaussian generation, 2^{Math.Log2(count):F0} float64 normals, {threads} thread{(threads > 1 ? "s" : "")}")
            {
                Ours = column.MedianSeconds,
                NumPy = numpy.MedianSeconds,
                LimitBytes = count * (double)sizeof(double), LimitThreads = threads,
                Samples = column.Samples.Count,
                Note = $"{rate / 1e6:F0} M normals/s vs NumPy {rateNumPy / 1e6:F0} M/s (1 thread)",
                Extra = new JsonObject { ["normals_per_second"] = rate, ["numpy_normals_per_second"] = rateNumPy },
            });
        }
    }

    /// <summary>Per-iteration time of GD on the dense Gaussian over four sizes, interleaved; fits t ∝ (m·n1·n2)^p.</summary>
    private void Scaling(Dense headline)
    {
        var shapes = _options.Quick
            ? new[] { (40, 500), (60, 800), (80, 1000), (100, 1000) }
            : new[] { (60, 2000), (80, 3000), (100, 4000), (130, 6000) };
        Log($"Scaling over {string.Join(", ", shapes.Select(s => $"n={s.Item1} m={s.Item2}"))}: preparing");
        var steppers = new List<(int N, int M, Dense D, SessionStepper<double> S)>();
        foreach (var (n, m) in shapes)
        {
            var d = n == headline.N && m == headline.M ? headline : DenseGaussian(n, m, seed: (ulong)(100 + n));
            var problem = SensingProblem.Create(LowRankTarget.Asymmetric<double>(n, n, 5, conditionNumber: 10, seed: 3), d.Operator);
            var (u0, v0) = StartFactors(n, n, 10, 5);
            var init = Initialization.Given(new Matrix<double>(n, 10, u0), new Matrix<double>(n, 10, v0));
            steppers.Add((n, m, d, Track(new GradientDescent<double>().Start(problem, Stepping(10, Magnitude.Relative(0.5), init)))));
        }
        var columns = steppers.Select(s => s.S.Column($"n{s.N}")).ToList();
        Column.Interleave(columns, Rounds, perRound: 2);
        var x = new List<double>();
        var y = new List<double>();
        for (int i = 0; i < steppers.Count; i++)
        {
            var (n, m, d, s) = steppers[i];
            x.Add(Math.Log((double)m * n * n));
            y.Add(Math.Log(columns[i].MedianSeconds));
            Add(new CaseResult($"scaling-{n}-{m}", $"Scaling: GD, Gaussian {n}×{n}, m={m}, h=10, float64")
            {
                Ours = columns[i].MedianSeconds,
                LimitBytes = StreamedBytes(d.Operator), LimitThreads = Threads,
                BytesPerIteration = s.BytesPerIteration,
                Samples = columns[i].Samples.Count,
                Note = $"m·n1·n2 = {(double)m * n * n:E2}",
            });
        }
        var (slope, _) = Statistics.Fit(x, y);
        Add(new CaseResult("scaling-exponent", "Scaling exponent p in t ∝ (m·n1·n2)^p, dense Gaussian GD")
        {
            Note = $"p = {slope.ToString("F3", CultureInfo.InvariantCulture)} over {steppers.Count} sizes (1 = linear, memory-bound)",
            Extra = new JsonObject { ["exponent"] = slope },
        });
    }

    /// <summary>The README's problem end to end: generate, then ScaledGD(λ) with h = 20 until the error is 1e-8.</summary>
    private void Readme()
    {
        int n = 100, rank = 5, m = _options.Quick ? 3000 : 8000, h = 20;
        const double kappa = 20;
        double tolerance = _options.Quick ? 1e-3 : 1e-8;
        string title = $"End to end: README problem (n={n}, r*={rank}, κ={kappa}, m={m}, h={h}), generate + ScaledGD(λ) to error {tolerance:E0}";
        Log($"{title}: running");
        int oursIterations = 0, numpyIterations = 0;
        double oursError = double.NaN, numpyError = double.NaN;
        var ours = Column.Timed("ours", () =>
        {
            var target = LowRankTarget.Asymmetric<double>(n, n, rank, kappa, seed: 1);
            var op = BenchmarkOperators.Create<double>(BenchmarkOperators.Dense, n, n, m, 2);
            var result = new ScaledGradientDescent<double>().Solve(SensingProblem.Create(target, op), new SolverOptions
            {
                Rank = h, ErrorTolerance = tolerance, TraceEvery = 25, MaxIterations = 3000,
            });
            oursIterations = result.Iterations;
            oursError = result.Final.RelativeError ?? double.NaN;
        });
        var numpy = new Column("numpy", k =>
        {
            var times = new double[k];
            for (int i = 0; i < k; i++)
            {
                var answer = _peer.Send(new JsonObject
                {
                    ["op"] = "readme", ["n"] = n, ["rank"] = rank, ["kappa"] = kappa, ["m"] = m, ["h"] = h, ["seed"] = 1,
                    ["eta"] = 0.5, ["lambda_rel"] = ScaledGradientDescent<double>.DefaultRelativeLambda, ["alpha"] = 1e-16,
                    ["tolerance"] = tolerance, ["max_iterations"] = 3000,
                });
                times[i] = answer["seconds"]!.GetValue<double>();
                numpyIterations = answer["iterations"]!.GetValue<int>();
                numpyError = answer["relative_error"]!.GetValue<double>();
            }
            return times;
        });
        // Each run is many iterations long: no warm-up round, three interleaved rounds.
        for (int r = 0; r < 3; r++)
            foreach (var c in r % 2 == 0 ? new[] { ours, numpy } : [numpy, ours])
                c.Samples.AddRange(c.Round(1));
        Add(new CaseResult("readme-end-to-end", title)
        {
            Ours = ours.MedianSeconds,
            NumPy = numpy.MedianSeconds,
            Samples = ours.Samples.Count,
            Note = $"ours {oursIterations} iterations (error {oursError:E1}, float64 storage until the Gaussian operator lands), NumPy {numpyIterations} (error {numpyError:E1})",
            Extra = new JsonObject
            {
                ["ours_iterations"] = oursIterations, ["numpy_iterations"] = numpyIterations,
                ["ours_error"] = oursError, ["numpy_error"] = numpyError,
            },
        });
    }
}
