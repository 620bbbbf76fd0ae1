using MatrixSensing.LinearAlgebra;
using MatrixSensing.Operators;
using MatrixSensing.Random;

namespace MatrixSensing.Tests.Operators;

/// <summary>
/// Every operator against its own definition: adjoint identity, factored routes equal the materialized ones,
/// row subsets equal the full route restricted, empirical isometry, determinism, no allocation per call.
/// </summary>
[TestFixtureSource(nameof(Cases))]
public class OperatorContractTests(string name, Func<ulong, MeasurementOperator<double>> build, double isometryTolerance)
{
    private const int Rank = 3;
    private readonly MeasurementOperator<double> _op = build(7);

    private static IEnumerable<TestFixtureData> Cases()
    {
        yield return Case("gaussian", s => MeasurementOperators.Gaussian<double>(6, 5, 600, s), 0.15);
        yield return Case("gaussian-f32", s => MeasurementOperators.Gaussian<double>(6, 5, 600, s, StoragePrecision.Reduced), 0.15);
        yield return Case("symmetric-gaussian", s => MeasurementOperators.SymmetricGaussian<double>(6, 600, s), 0.15);
        yield return Case("rademacher", s => MeasurementOperators.Rademacher<double>(6, 5, 600, s), 0.15);
        yield return Case("rank-one", s => MeasurementOperators.RankOne<double>(6, 5, 2000, s), 0.3);
        yield return Case("rank-one-symmetric", s => MeasurementOperators.RankOne<double>(6, 6, 2000, s, symmetric: true), 0.3);
        yield return Case("rank-one-f32", s => MeasurementOperators.RankOne<double>(7, 5, 2000, s, storage: StoragePrecision.Reduced), 0.3);
        yield return Case("entry-sampling-bernoulli", s => MeasurementOperators.EntrySampling<double>(30, 25, 0.6, s), 0.25);
        yield return Case("entry-sampling-count", s => MeasurementOperators.EntrySampling<double>(30, 25, 400, s), 0.25);
        // All but one measurement, in reverse order: the subset keeps the isometry scale while every index is remapped.
        yield return Case("gaussian-subset", s => new SubsetOperator<double>(MeasurementOperators.Gaussian<double>(6, 5, 601, s), [.. Enumerable.Range(1, 600).Reverse()]), 0.15);
        yield return Case("fresh-gaussian", s => MeasurementOperators.Fresh<double>(6, 5, 600, refreshEvery: 3, s), 0.15);
    }

    private static TestFixtureData Case(string name, Func<ulong, MeasurementOperator<double>> build, double tolerance) =>
        new TestFixtureData(name, build, tolerance).SetArgDisplayNames(name);

    private static double[] Random(int length, ulong seed)
    {
        var x = new double[length];
        new RandomStream(seed, 99).FillNormal<double>(x, 1.0);
        return x;
    }

    private (double[] U, double[] V) Factors(ulong seed) => (Random(_op.Rows * Rank, seed), Random(_op.Columns * Rank, seed + 1));

    private double[] Product(double[] u, double[] v)
    {
        var z = new double[_op.Rows * _op.Columns];
        Blas.Gemm(Transpose.None, Transpose.Transposed, _op.Rows, _op.Columns, Rank, 1.0, u, _op.Rows, v, _op.Columns, 0.0, z, _op.Rows);
        return z;
    }

    private static double RelativeDifference(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double diff = 0, norm = 0;
        for (int i = 0; i < a.Length; i++) { diff += (a[i] - b[i]) * (a[i] - b[i]); norm += b[i] * b[i]; }
        return Math.Sqrt(diff / Math.Max(norm, 1e-300));
    }

    [Test]
    public void Adjoint_identity_holds()
    {
        var z = Random(_op.Rows * _op.Columns, 1);
        var r = Random(_op.Count, 2);
        var az = new double[_op.Count];
        var atr = new double[z.Length];
        _op.Apply(z, az);
        _op.ApplyAdjoint(r, atr);
        double lhs = Blas.Dot<double>(az, r), rhs = Blas.Dot<double>(z, atr);
        Assert.That(Math.Abs(lhs - rhs), Is.LessThanOrEqualTo(1e-10 * Math.Max(Math.Abs(lhs), 1)), $"{name}: {lhs} vs {rhs}");
    }

    [Test]
    public void Factored_forward_equals_the_materialized_route()
    {
        var (u, v) = Factors(3);
        var ws = _op.CreateWorkspace(Rank);
        var factored = new double[_op.Count];
        var dense = new double[_op.Count];
        _op.ApplyFactored(u, v, ws, factored);
        _op.Apply(Product(u, v), dense);
        Assert.That(RelativeDifference(factored, dense), Is.LessThan(1e-12));
    }

    [Test]
    public void Factored_adjoint_equals_the_materialized_route()
    {
        var (u, v) = Factors(4);
        var r = Random(_op.Count, 5);
        var ws = _op.CreateWorkspace(Rank);
        var gv = new double[_op.Rows * Rank];
        var gtu = new double[_op.Columns * Rank];
        _op.AdjointFactored(r, u, v, ws, gv, gtu);
        var g = new double[_op.Rows * _op.Columns];
        _op.ApplyAdjoint(r, g);
        var gvRef = new double[gv.Length];
        var gtuRef = new double[gtu.Length];
        Blas.Gemm(Transpose.None, Transpose.None, _op.Rows, Rank, _op.Columns, 1.0, g, _op.Rows, v, _op.Columns, 0.0, gvRef, _op.Rows);
        Blas.Gemm(Transpose.Transposed, Transpose.None, _op.Columns, Rank, _op.Rows, 1.0, g, _op.Rows, u, _op.Rows, 0.0, gtuRef, _op.Columns);
        Assert.That(RelativeDifference(gv, gvRef), Is.LessThan(1e-12));
        Assert.That(RelativeDifference(gtu, gtuRef), Is.LessThan(1e-12));
    }

    [Test]
    public void Fused_residual_and_adjoint_equal_the_separate_passes_for_any_thread_count()
    {
        var (u, v) = Factors(12);
        var y = Random(_op.Count, 13);
        var ws = _op.CreateWorkspace(Rank);
        var residual = new double[_op.Count];
        _op.ApplyFactored(u, v, ws, residual);
        for (int i = 0; i < residual.Length; i++) residual[i] -= y[i];
        var gv = new double[_op.Rows * Rank];
        var gtu = new double[_op.Columns * Rank];
        _op.AdjointFactored(residual, u, v, ws, gv, gtu);
        foreach (int threads in new[] { 1, 2 })
        {
            using var _ = MatrixSensing.Interop.BlasThreads.Scope(threads);
            var fusedResidual = new double[_op.Count];
            var fusedGv = new double[gv.Length];
            var fusedGtu = new double[gtu.Length];
            _op.ResidualAndAdjointFactored(u, v, y, ws, fusedResidual, fusedGv, fusedGtu);
            Assert.That(RelativeDifference(fusedResidual, residual), Is.LessThan(1e-12), $"{threads} threads");
            Assert.That(RelativeDifference(fusedGv, gv), Is.LessThan(1e-12), $"{threads} threads");
            Assert.That(RelativeDifference(fusedGtu, gtu), Is.LessThan(1e-12), $"{threads} threads");
        }
    }

    [Test]
    public void Row_subsets_equal_the_full_route_restricted()
    {
        var (u, v) = Factors(6);
        int[] rows = [.. Enumerable.Range(0, _op.Count).Where(i => i % 7 == 3)];
        var ws = _op.CreateWorkspace(Rank, rows.Length);
        var full = new double[_op.Count];
        _op.ApplyFactored(u, v, ws, full);
        var subset = new double[rows.Length];
        _op.ApplyFactoredRows(rows, u, v, ws, subset);
        Assert.That(RelativeDifference(subset, rows.Select(i => full[i]).ToArray()), Is.LessThan(1e-12));

        var r = Random(rows.Length, 7);
        var scattered = new double[_op.Count];
        for (int k = 0; k < rows.Length; k++) scattered[rows[k]] = r[k];
        var gv = new double[_op.Rows * Rank];
        var gtu = new double[_op.Columns * Rank];
        var gvFull = new double[gv.Length];
        var gtuFull = new double[gtu.Length];
        _op.AdjointFactoredRows(rows, r, u, v, ws, gv, gtu);
        _op.AdjointFactored(scattered, u, v, ws, gvFull, gtuFull);
        Assert.That(RelativeDifference(gv, gvFull), Is.LessThan(1e-12));
        Assert.That(RelativeDifference(gtu, gtuFull), Is.LessThan(1e-12));
    }

    [Test]
    public void Measurements_of_low_rank_matrices_preserve_their_norm_on_average()
    {
        // E[A*A] = I: averaged over random rank-3 matrices, ‖A(Z)‖² ≈ ‖Z‖_F².
        var ws = _op.CreateWorkspace(Rank);
        var y = new double[_op.Count];
        double ratio = 0;
        const int Trials = 20;
        for (int t = 0; t < Trials; t++)
        {
            var (u, v) = Factors(100 + (ulong)(2 * t));
            if (name.Contains("symmetric", StringComparison.Ordinal)) v = u; // symmetric ensembles are isometric on symmetric matrices
            _op.ApplyFactored(u, v, ws, y);
            var z = Product(u, v);
            double expected = Blas.Dot<double>(z, z);
            if (name == "rank-one-symmetric")
            {
                double trace = 0;
                for (int i = 0; i < _op.Rows; i++) trace += z[i + i * _op.Rows];
                expected += trace * trace / 2; // E[(aᵀZa)²] = 2‖Z‖² + tr(Z)², scaled by 1/(2m)
            }
            ratio += Blas.Dot<double>(y, y) / expected / Trials;
        }
        Assert.That(ratio, Is.EqualTo(1).Within(isometryTolerance), name);
    }

    [Test]
    [Category("Determinism")]
    public void Same_seed_builds_the_same_operator()
    {
        var again = build(7);
        var other = build(8);
        var z = Random(_op.Rows * _op.Columns, 9);
        double[] a = new double[_op.Count], b = new double[again.Count], c = new double[other.Count];
        _op.Apply(z, a);
        again.Apply(z, b);
        other.Apply(z, c);
        Assert.That(b, Is.EqualTo(a));
        Assert.That(c, Is.Not.EqualTo(a));
    }

    [Test]
    public void Factored_calls_allocate_nothing()
    {
        var (u, v) = Factors(10);
        int[] rows = [0, 2, 5, 9];
        var ws = _op.CreateWorkspace(Rank, rows.Length);
        var y = new double[_op.Count];
        var yb = new double[rows.Length];
        var gv = new double[_op.Rows * Rank];
        var gtu = new double[_op.Columns * Rank];
        void Round()
        {
            _op.ApplyFactored(u, v, ws, y);
            _op.AdjointFactored(y, u, v, ws, gv, gtu);
            _op.ApplyFactoredRows(rows, u, v, ws, yb);
            _op.AdjointFactoredRows(rows, yb, u, v, ws, gv, gtu);
        }
        Round();
        Assert.That(AllocationProbe.Measure(() => { for (int i = 0; i < 100; i++) Round(); }), Is.Zero);
    }

    [Test]
    public void Wrong_lengths_and_foreign_workspaces_are_rejected()
    {
        var (u, v) = Factors(11);
        var ws = _op.CreateWorkspace(Rank);
        var foreign = build(7).CreateWorkspace(Rank);
        Assert.Multiple(() =>
        {
            Assert.That(() => _op.ApplyFactored(u.AsSpan(1), v, ws, new double[_op.Count]), Throws.ArgumentException.With.Property("ParamName").EqualTo("u"));
            Assert.That(() => _op.ApplyFactored(u, v, ws, new double[_op.Count - 1]), Throws.ArgumentException.With.Property("ParamName").EqualTo("result"));
            Assert.That(() => _op.ApplyFactored(u, v, foreign, new double[_op.Count]), Throws.ArgumentException.With.Property("ParamName").EqualTo("workspace"));
            Assert.That(() => _op.ApplyFactoredRows([0, 1], u, v, ws, new double[2]), Throws.ArgumentException.With.Property("ParamName").EqualTo("rows"));
            Assert.That(() => _op.CreateWorkspace(0), Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }
}
