using MatrixSensing.Interop;
using MatrixSensing.Operators;
using MatrixSensing.Random;

namespace MatrixSensing.Tests.Operators;

/// <summary>
/// The fused rank-one pass against a direct per-measurement oracle (Uᵀa_i, Vᵀb_i, then the sums written out), at
/// sizes that are not multiples of the vector width or of the 8-measurement block, in float and double, with float32
/// storage, and bit-identical for any thread count.
/// </summary>
public class RankOneKernelTests
{
    private static double[] Normal(int length, ulong seed)
    {
        var x = new double[length];
        new RandomStream(seed, 23).FillNormal<double>(x, 1.0);
        return x;
    }

    [TestCase(1, 1, 1, 1)]
    [TestCase(3, 2, 7, 2)]
    [TestCase(13, 9, 45, 5)]
    [TestCase(130, 67, 301, 10)]
    [TestCase(17, 17, 4099, 3)]
    public void Fused_pass_matches_the_per_measurement_formula(int n1, int n2, int m, int h)
    {
        foreach (var storage in new[] { StoragePrecision.Compute, StoragePrecision.Reduced })
        {
            var op = MeasurementOperators.RankOne<double>(n1, n2, m, seed: 3, storage: storage);
            var a = op.LeftData();
            var b = op.RightData();
            var u = Normal(n1 * h, 1);
            var v = Normal(n2 * h, 2);
            var y = Normal(m, 3);
            var ws = op.CreateWorkspace(h);
            var residual = new double[m];
            var gv = new double[n1 * h];
            var gtu = new double[n2 * h];
            op.ResidualAndAdjointFactored(u, v, y, ws, residual, gv, gtu);

            double s = op.ObservationScale;
            var gvRef = new double[gv.Length];
            var gtuRef = new double[gtu.Length];
            double worst = 0, scaleOfR = 0;
            for (int i = 0; i < m; i++)
            {
                var p = new double[h];
                var q = new double[h];
                for (int l = 0; l < h; l++)
                {
                    for (int j = 0; j < n1; j++) p[l] += a[i, j] * u[j + l * n1];
                    for (int k = 0; k < n2; k++) q[l] += b[i, k] * v[k + l * n2];
                }
                double r = -y[i];
                for (int l = 0; l < h; l++) r += s * p[l] * q[l];
                worst = Math.Max(worst, Math.Abs(residual[i] - r));
                scaleOfR = Math.Max(scaleOfR, Math.Abs(r));
                for (int l = 0; l < h; l++)
                {
                    for (int j = 0; j < n1; j++) gvRef[j + l * n1] += s * r * a[i, j] * q[l];
                    for (int k = 0; k < n2; k++) gtuRef[k + l * n2] += s * r * b[i, k] * p[l];
                }
            }
            Assert.That(worst, Is.LessThan(1e-12 * (1 + scaleOfR)), $"{storage}: residual");
            Assert.That(RelativeDifference(gv, gvRef), Is.LessThan(1e-12), $"{storage}: G·V");
            Assert.That(RelativeDifference(gtu, gtuRef), Is.LessThan(1e-12), $"{storage}: Gᵀ·U");
        }
    }

    [Test]
    public void Float_compute_matches_double()
    {
        const int n1 = 37, n2 = 29, m = 1000, h = 6;
        var opD = MeasurementOperators.RankOne<double>(n1, n2, m, seed: 5);
        // The same vectors in float (a seed draws different values per precision).
        static MatrixSensing.LinearAlgebra.Matrix<float> ToSingle(MatrixSensing.LinearAlgebra.Matrix<double> x) => new(x.Rows, x.Columns, Array.ConvertAll(x.Data, e => (float)e));
        var opF = MeasurementOperators.RankOne(ToSingle(opD.LeftData()), ToSingle(opD.RightData()));
        var u = Normal(n1 * h, 4);
        var v = Normal(n2 * h, 5);
        var y = Normal(m, 6);
        var (rD, gvD, gtuD) = Fused(opD, u, v, y, h);
        var (rF, gvF, gtuF) = Fused(opF, Array.ConvertAll(u, x => (float)x), Array.ConvertAll(v, x => (float)x), Array.ConvertAll(y, x => (float)x), h);
        Assert.Multiple(() =>
        {
            Assert.That(RelativeDifference(Array.ConvertAll(rF, x => (double)x), rD), Is.LessThan(1e-4));
            Assert.That(RelativeDifference(Array.ConvertAll(gvF, x => (double)x), gvD), Is.LessThan(1e-4));
            Assert.That(RelativeDifference(Array.ConvertAll(gtuF, x => (double)x), gtuD), Is.LessThan(1e-4));
        });
    }

    [Test]
    public void Results_are_the_same_bits_for_any_thread_count_and_repeat()
    {
        // m = 40 000: the full pass runs in 16 fixed chunks.
        var op = MeasurementOperators.RankOne<double>(41, 33, 40_000, seed: 7);
        const int h = 10;
        var u = Normal(41 * h, 7);
        var v = Normal(33 * h, 8);
        var y = Normal(op.Count, 9);
        (double[] Residual, double[] GV, double[] GtU)? first = null;
        foreach (int threads in new[] { 1, 2, 1, 3 })
        {
            using var _ = BlasThreads.Scope(threads);
            var result = Fused(op, u, v, y, h);
            first ??= result;
            Assert.Multiple(() =>
            {
                Assert.That(result.Residual, Is.EqualTo(first.Value.Residual), $"{threads} threads: residual");
                Assert.That(result.GV, Is.EqualTo(first.Value.GV), $"{threads} threads: G·V");
                Assert.That(result.GtU, Is.EqualTo(first.Value.GtU), $"{threads} threads: Gᵀ·U");
            });
        }
    }

    [Test]
    public void Unaligned_buffers_give_the_same_bits()
    {
        const int n1 = 19, n2 = 11, m = 333, h = 5;
        var op = MeasurementOperators.RankOne<double>(n1, n2, m, seed: 8);
        var u = Normal(n1 * h, 10);
        var v = Normal(n2 * h, 11);
        var y = Normal(m, 12);
        var reference = Fused(op, u, v, y, h);
        foreach (int offset in new[] { 1, 3 })
        {
            double[] Shift(double[] x) { var s = new double[x.Length + offset]; x.CopyTo(s, offset); return s; }
            var (ub, vb, yb) = (Shift(u), Shift(v), Shift(y));
            var r = new double[m + offset];
            var gv = new double[n1 * h + offset];
            var gtu = new double[n2 * h + offset];
            op.ResidualAndAdjointFactored(ub.AsSpan(offset), vb.AsSpan(offset), yb.AsSpan(offset), op.CreateWorkspace(h), r.AsSpan(offset), gv.AsSpan(offset), gtu.AsSpan(offset));
            Assert.Multiple(() =>
            {
                Assert.That(r.AsSpan(offset).ToArray(), Is.EqualTo(reference.Residual), $"offset {offset}");
                Assert.That(gv.AsSpan(offset).ToArray(), Is.EqualTo(reference.GV), $"offset {offset}");
                Assert.That(gtu.AsSpan(offset).ToArray(), Is.EqualTo(reference.GtU), $"offset {offset}");
            });
        }
    }

    [Test]
    public void Reduced_storage_holds_half_the_bytes_and_is_named()
    {
        var full = MeasurementOperators.RankOne<double>(64, 64, 1000, seed: 1);
        var reduced = MeasurementOperators.RankOne<double>(64, 64, 1000, seed: 1, storage: StoragePrecision.Reduced);
        Assert.Multiple(() =>
        {
            Assert.That(reduced.StoredBytes * 2, Is.EqualTo(full.StoredBytes));
            Assert.That(reduced.IsReducedPrecision, Is.True);
            Assert.That(reduced.Name, Is.EqualTo("rank-one-f32"));
            Assert.That(full.StoredBytes, Is.EqualTo(2L * 64 * 1000 * sizeof(double)));
        });
    }

    private static (T[] Residual, T[] GV, T[] GtU) Fused<T>(MeasurementOperator<T> op, T[] u, T[] v, T[] y, int h)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var ws = op.CreateWorkspace(h);
        var residual = new T[op.Count];
        var gv = new T[op.Rows * h];
        var gtu = new T[op.Columns * h];
        op.ResidualAndAdjointFactored(u, v, y, ws, residual, gv, gtu);
        return (residual, gv, gtu);
    }

    private static double RelativeDifference(double[] a, double[] b)
    {
        double diff = 0, norm = 0;
        for (int i = 0; i < a.Length; i++) { diff += (a[i] - b[i]) * (a[i] - b[i]); norm += b[i] * b[i]; }
        return Math.Sqrt(diff / Math.Max(norm, 1e-300));
    }
}
