using System.Text.Json.Nodes;
using MatrixSensing.LinearAlgebra;
using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Random;
using MatrixSensing.Solvers;

namespace MatrixSensing.Benchmarks.SideBySide;

/// <summary>
/// The rank-one and completion rows: GD on the very same data in our library and in NumPy (rank-one: BLAS GEMMs;
/// completion: NumPy's bincount scatter and SciPy's sparse matrix products), agreement on the iterate checked
/// after a few steps, with the bytes-streamed bound of each kernel.
/// </summary>
internal sealed partial class Harness
{
    private void SparseCases()
    {
        RankOneGd(n: 1000, m: _options.Quick ? 10_000 : 50_000, h: 10);
        EntrySamplingGd(n: _options.Quick ? 3000 : 10_000, count: _options.Quick ? 300_000 : 2_000_000, h: 10);
    }

    /// <summary>
    /// GD with rank-one measurements a_iᵀ Z b_i/√m. Our operator is built from the same a, b the peer reads (rows of
    /// m×n matrices). Bound: one read of a and b (the fused pass) plus y read and r written, over the bandwidth.
    /// </summary>
    private void RankOneGd(int n, int m, int h)
    {
        string id = "gd-rank-one";
        string title = $"GD, RankOne {n}×{n}, m={m}, h={h}, float64";
        Log($"{title}: preparing");
        string dir = Path.Combine(_data, id);
        Directory.CreateDirectory(dir);
        RankOneOperator<double> op;
        {
            var a = new Matrix<double>(m, n);
            var b = new Matrix<double>(m, n);
            ParallelNormal.Fill<double>(a.Data, 21, 1.0);
            ParallelNormal.Fill<double>(b.Data, 22, 1.0);
            Npy.Write<double>(Path.Combine(dir, "L.npy"), a.Data, [m, n], fortranOrder: true);
            Npy.Write<double>(Path.Combine(dir, "R.npy"), b.Data, [m, n], fortranOrder: true);
            op = MeasurementOperators.RankOne(a, b);
        }
        GC.Collect();
        var problem = SensingProblem.Create(LowRankTarget.Asymmetric<double>(n, n, 5, conditionNumber: 10, seed: 3), op);
        var (stepper, eta, agreement) = StartAndCheck(id, problem, h, "rank-one", dir, new JsonObject());
        var columns = new List<Column> { stepper.Column("ours"), new("numpy", k => _peer.Run(id, k)) };
        Column.Interleave(columns, Rounds, perRound: 2);
        _peer.Send(new JsonObject { ["op"] = "drop", ["id"] = id });
        double bytes = StreamedBytes(op);
        double flops = 4.0 * m * (n + n) * h; // 2 FMAs (4 flops) per element of a_i, b_i per factor column
        Add(new CaseResult(id, title)
        {
            Ours = columns[0].MedianSeconds,
            NumPy = columns[1].MedianSeconds,
            LimitBytes = bytes, LimitThreads = Threads,
            BytesPerIteration = stepper.BytesPerIteration,
            Samples = columns[0].Samples.Count,
            Note = $"bound: a, b read once + y, r = {bytes / 1e6:F0} MB/iter; {flops / 1e9:F1} GFLOP/iter; U agrees with NumPy to {agreement:E0}",
            Extra = new JsonObject { ["eta"] = eta, ["numpy_agreement"] = agreement, ["flops_per_iteration"] = flops },
        });
    }

    /// <summary>
    /// GD for completion on |Ω| entries of an n×n matrix, observed uniformly, given to the peers in a shuffled order
    /// (as data sets come) and to us through the same index lists. Bound model: per entry the row pass reads its column
    /// index (4 B), permutation (4 B), y (8 B), writes r (8 B) and its coefficient (8 B); the column pass reads its row
    /// index and CSR position (8 B) and the coefficient (8 B): 48 B per entry, plus the factor copies; the gathers of
    /// factor rows are assumed to hit cache.
    /// </summary>
    private void EntrySamplingGd(int n, int count, int h)
    {
        string id = "gd-entry-sampling";
        string title = $"GD, EntrySampling {n}×{n}, |Ω|={count:G3}, h={h}, float64, entries in random order";
        Log($"{title}: preparing");
        var picks = new int[count];
        new RandomStream(31, 7).SampleWithoutReplacement(checked(n * n), picks);
        int[] rows = [.. picks.Select(p => p / n)], cols = [.. picks.Select(p => p % n)];
        picks = null!;
        var op = MeasurementOperators.EntrySampling<double>(n, n, rows, cols);
        string dir = Path.Combine(_data, id);
        Directory.CreateDirectory(dir);
        Npy.Write<int>(Path.Combine(dir, "rows.npy"), rows, [count]);
        Npy.Write<int>(Path.Combine(dir, "cols.npy"), cols, [count]);
        var problem = SensingProblem.Create(LowRankTarget.Asymmetric<double>(n, n, 5, conditionNumber: 10, seed: 3), op);
        var parameters = new JsonObject { ["scale"] = op.ObservationScale };
        var (stepper, eta, agreement) = StartAndCheck(id, problem, h, "entry", dir, parameters);
        string scipyId = id + "-scipy";
        LoadPeer(scipyId, "entry-scipy", dir, eta, n, n, parameters);
        var scipyU = NumPyPeer.Doubles(_peer.Send(new JsonObject { ["op"] = "check", ["id"] = scipyId, ["iterations"] = CheckIterations }), "U");
        double scipyAgreement = RelativeDifference(_checkedLeft!, scipyU);

        var columns = new List<Column> { stepper.Column("ours"), new("scipy", k => _peer.Run(scipyId, k)), new("numpy", k => _peer.Run(id, k)) };
        Column.Interleave(columns, Rounds, perRound: 3);
        _peer.Send(new JsonObject { ["op"] = "drop", ["id"] = id });
        _peer.Send(new JsonObject { ["op"] = "drop", ["id"] = scipyId });
        int hp = (h + System.Numerics.Vector<double>.Count - 1) / System.Numerics.Vector<double>.Count * System.Numerics.Vector<double>.Count;
        double bytes = 48.0 * count + 6.0 * (2 * n) * hp * sizeof(double);
        Add(new CaseResult(id, title)
        {
            Ours = columns[0].MedianSeconds,
            NumPy = columns[1].MedianSeconds,
            LimitBytes = bytes, LimitThreads = Threads,
            BytesPerIteration = stepper.BytesPerIteration,
            Samples = columns[0].Samples.Count,
            Note = $"NumPy column = NumPy + SciPy sparse (CSR data refreshed per iteration); NumPy bincount {CaseResult.Time(columns[2].MedianSeconds)}; bound 48 B/entry + factor copies = {bytes / 1e6:F0} MB/iter; U agrees with SciPy to {scipyAgreement:E0}, NumPy to {agreement:E0}",
            Extra = new JsonObject
            {
                ["eta"] = eta, ["numpy_agreement"] = agreement, ["scipy_agreement"] = scipyAgreement,
                ["numpy_bincount_seconds"] = columns[2].MedianSeconds, ["scipy_seconds"] = columns[1].MedianSeconds,
            },
        });
    }

    private const int CheckIterations = 3;
    private double[]? _checkedLeft;

    /// <summary>
    /// Our GD session from a saved start, and the peer loaded with the same start, y and step; returns the relative
    /// difference of U after <see cref="CheckIterations"/> steps on both sides.
    /// </summary>
    private (SessionStepper<double> Stepper, double Eta, double Agreement) StartAndCheck(string id, SensingProblem<double> problem, int h, string kind, string dir, JsonObject parameters)
    {
        int n1 = problem.Rows, n2 = problem.Columns;
        var (u0, v0) = StartFactors(n1, n2, h, 5);
        var init = Initialization.Given(new Matrix<double>(n1, h, (double[])u0.Clone()), new Matrix<double>(n2, h, (double[])v0.Clone()));
        var stepper = Track(new GradientDescent<double>().Start(problem, Stepping(h, Magnitude.Relative(0.5), init)));
        double eta = stepper.Session.StepSize;
        Npy.Write(Path.Combine(dir, "y.npy"), problem.Measurements, [problem.Count]);
        Npy.Write<double>(Path.Combine(dir, "U0.npy"), u0, [n1, h], fortranOrder: true);
        Npy.Write<double>(Path.Combine(dir, "V0.npy"), v0, [n2, h], fortranOrder: true);
        LoadPeer(id, kind, dir, eta, n1, n2, parameters);
        for (int i = 1; i < CheckIterations; i++) stepper.Session.Step(); // the stepper took the first
        _checkedLeft = stepper.Session.Left.ToArray();
        var peer = NumPyPeer.Doubles(_peer.Send(new JsonObject { ["op"] = "check", ["id"] = id, ["iterations"] = CheckIterations }), "U");
        return (stepper, eta, RelativeDifference(_checkedLeft, peer));
    }

    /// <summary>Has the peer load problem <paramref name="id"/> of <paramref name="kind"/> from the files in <paramref name="dir"/>.</summary>
    private void LoadPeer(string id, string kind, string dir, double eta, int n1, int n2, JsonObject parameters)
    {
        var load = (JsonObject)parameters.DeepClone();
        load["op"] = "load";
        load["id"] = id;
        load["kind"] = kind;
        load["dir"] = dir;
        load["eta"] = eta;
        load["n1"] = n1;
        load["n2"] = n2;
        _peer.Send(load);
    }
}
