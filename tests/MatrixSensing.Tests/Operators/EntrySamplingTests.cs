using MatrixSensing.Interop;
using MatrixSensing.Operators;
using MatrixSensing.Random;

namespace MatrixSensing.Tests.Operators;

/// <summary>
/// Completion operators: measurement k is entry (ObservedRows[k], ObservedColumns[k]) whatever the storage order,
/// bad entries are refused with one-line messages, and the sorted kernels agree with a direct per-entry oracle at
/// shapes whose rank is not a multiple of the vector width, for any thread count, bit for bit.
/// </summary>
public class EntrySamplingTests
{
    private static double[] Normal(int length, ulong seed)
    {
        var x = new double[length];
        new RandomStream(seed, 31).FillNormal<double>(x, 1.0);
        return x;
    }

    private static (int[] Rows, int[] Columns) ShuffledEntries(int n1, int n2, int count, ulong seed)
    {
        var picks = new int[count];
        new RandomStream(seed, 5).SampleWithoutReplacement(n1 * n2, picks);
        // The sample's order is random, so the caller's order is neither row- nor column-sorted.
        return (picks.Select(p => p / n2).ToArray(), picks.Select(p => p % n2).ToArray());
    }

    private static IEnumerable<TestCaseData> Operators()
    {
        yield return new TestCaseData((Func<EntrySamplingOperator<double>>)(() => MeasurementOperators.EntrySampling<double>(37, 29, 0.3, seed: 3))).SetArgDisplayNames("bernoulli");
        yield return new TestCaseData((Func<EntrySamplingOperator<double>>)(() => MeasurementOperators.EntrySampling<double>(37, 29, 400, seed: 4))).SetArgDisplayNames("uniform");
        yield return new TestCaseData((Func<EntrySamplingOperator<double>>)(() =>
        {
            var (r, c) = ShuffledEntries(37, 29, 400, 6);
            return MeasurementOperators.EntrySampling<double>(37, 29, r, c);
        })).SetArgDisplayNames("from-indices");
    }

    [TestCaseSource(nameof(Operators))]
    public void Measurement_k_reads_the_entry_the_operator_reports_for_k(Func<EntrySamplingOperator<double>> build)
    {
        var op = build();
        var z = Normal(op.Rows * op.Columns, 1);
        var y = new double[op.Count];
        op.Apply(z, y);
        double s = 1 / Math.Sqrt(op.Probability);
        Assert.That(op.ObservationScale, Is.EqualTo(s).Within(1e-15));
        for (int k = 0; k < op.Count; k++)
            Assert.That(y[k], Is.EqualTo(z[op.ObservedRows[k] + op.ObservedColumns[k] * op.Rows] * s), $"measurement {k}");

        // The factored kernels (sorted storage) keep the same numbering: compare with the direct per-entry formula.
        foreach (int h in new[] { 1, 3, 5, 10, 13 })
        {
            var u = Normal(op.Rows * h, 2);
            var v = Normal(op.Columns * h, 3);
            var ws = op.CreateWorkspace(h);
            var f = new double[op.Count];
            op.ApplyFactored(u, v, ws, f);
            for (int k = 0; k < op.Count; k++)
            {
                double expected = 0;
                for (int l = 0; l < h; l++) expected += u[op.ObservedRows[k] + l * op.Rows] * v[op.ObservedColumns[k] + l * op.Columns];
                Assert.That(f[k], Is.EqualTo(expected * s).Within(1e-12 * (1 + Math.Abs(expected * s))), $"h={h}, measurement {k}");
            }
        }
    }

    [Test]
    public void Given_entries_keep_their_order_and_the_kernels_match_a_direct_oracle()
    {
        var (r, c) = ShuffledEntries(53, 41, 900, 8);
        var op = MeasurementOperators.EntrySampling<double>(53, 41, r, c);
        Assert.Multiple(() =>
        {
            Assert.That(op.ObservedRows.ToArray(), Is.EqualTo(r));
            Assert.That(op.ObservedColumns.ToArray(), Is.EqualTo(c));
        });
        double s = op.ObservationScale;
        foreach (int h in new[] { 1, 4, 7, 10, 17 })
        {
            var u = Normal(op.Rows * h, 10);
            var v = Normal(op.Columns * h, 11);
            var y = Normal(op.Count, 12);
            var ws = op.CreateWorkspace(h);
            var residual = new double[op.Count];
            var gv = new double[op.Rows * h];
            var gtu = new double[op.Columns * h];
            op.ResidualAndAdjointFactored(u, v, y, ws, residual, gv, gtu);

            var gvRef = new double[gv.Length];
            var gtuRef = new double[gtu.Length];
            for (int k = 0; k < op.Count; k++)
            {
                int i = r[k], j = c[k];
                double value = 0;
                for (int l = 0; l < h; l++) value += u[i + l * op.Rows] * v[j + l * op.Columns];
                double rk = s * value - y[k];
                Assert.That(residual[k], Is.EqualTo(rk).Within(1e-12 * (1 + Math.Abs(rk))), $"h={h}, residual {k}");
                for (int l = 0; l < h; l++)
                {
                    gvRef[i + l * op.Rows] += s * rk * v[j + l * op.Columns];
                    gtuRef[j + l * op.Columns] += s * rk * u[i + l * op.Rows];
                }
            }
            Assert.That(MaxDifference(gv, gvRef), Is.LessThan(1e-11), $"h={h}: G·V");
            Assert.That(MaxDifference(gtu, gtuRef), Is.LessThan(1e-11), $"h={h}: Gᵀ·U");
        }
    }

    [Test]
    public void Float_kernels_match_the_double_ones()
    {
        var (r, c) = ShuffledEntries(45, 38, 700, 9);
        var opD = MeasurementOperators.EntrySampling<double>(45, 38, r, c);
        var opF = MeasurementOperators.EntrySampling<float>(45, 38, r, c);
        const int h = 11; // not a multiple of 4, 8 or 16 lanes
        var u = Normal(45 * h, 20);
        var v = Normal(38 * h, 21);
        var y = Normal(700, 22);
        var (resD, gvD, gtuD) = Fused(opD, u, v, y, h);
        var (resF, gvF, gtuF) = Fused(opF, Array.ConvertAll(u, x => (float)x), Array.ConvertAll(v, x => (float)x), Array.ConvertAll(y, x => (float)x), h);
        Assert.Multiple(() =>
        {
            Assert.That(MaxDifference(Array.ConvertAll(resF, x => (double)x), resD), Is.LessThan(1e-3));
            Assert.That(MaxDifference(Array.ConvertAll(gvF, x => (double)x), gvD), Is.LessThan(1e-2));
            Assert.That(MaxDifference(Array.ConvertAll(gtuF, x => (double)x), gtuD), Is.LessThan(1e-2));
        });
    }

    [Test]
    public void Kernels_give_the_same_bits_for_any_thread_count()
    {
        // Large enough for several chunks (2^15 entries each), shuffled so the permutation path runs.
        var (r, c) = ShuffledEntries(700, 600, 150_000, 13);
        var op = MeasurementOperators.EntrySampling<double>(700, 600, r, c);
        const int h = 10;
        var u = Normal(700 * h, 30);
        var v = Normal(600 * h, 31);
        var y = Normal(op.Count, 32);
        (double[] Residual, double[] GV, double[] GtU)? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
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
    public void Unaligned_factor_buffers_give_the_same_results()
    {
        var (r, c) = ShuffledEntries(31, 23, 300, 14);
        var op = MeasurementOperators.EntrySampling<double>(31, 23, r, c);
        const int h = 6;
        var u = Normal(31 * h, 40);
        var v = Normal(23 * h, 41);
        var y = Normal(op.Count, 42);
        var reference = Fused(op, u, v, y, h);
        foreach (int offset in new[] { 1, 2, 3 })
        {
            var ub = new double[u.Length + offset];
            var vb = new double[v.Length + offset];
            var yb = new double[y.Length + offset];
            u.CopyTo(ub, offset);
            v.CopyTo(vb, offset);
            y.CopyTo(yb, offset);
            var ws = op.CreateWorkspace(h);
            var res = new double[op.Count + offset];
            var gv = new double[31 * h + offset];
            var gtu = new double[23 * h + offset];
            op.ResidualAndAdjointFactored(ub.AsSpan(offset), vb.AsSpan(offset), yb.AsSpan(offset), ws, res.AsSpan(offset), gv.AsSpan(offset), gtu.AsSpan(offset));
            Assert.Multiple(() =>
            {
                Assert.That(res.AsSpan(offset).ToArray(), Is.EqualTo(reference.Residual), $"offset {offset}");
                Assert.That(gv.AsSpan(offset).ToArray(), Is.EqualTo(reference.GV), $"offset {offset}");
                Assert.That(gtu.AsSpan(offset).ToArray(), Is.EqualTo(reference.GtU), $"offset {offset}");
            });
        }
    }

    [Test]
    public void Row_subset_routes_touch_only_their_entries()
    {
        // A 10⁵ × 10⁵ problem: any O(n1·n2) work would take minutes; O(batch·h) plus one O((n1 + n2)h) clear is instant.
        var op = MeasurementOperators.EntrySampling<double>(100_000, 100_000, [5, 70_000, 99_999], [99_999, 3, 0]);
        const int h = 4;
        var u = Normal(100_000 * h, 50);
        var v = Normal(100_000 * h, 51);
        var ws = op.CreateWorkspace(h, maxBatch: 2);
        int[] batch = [2, 0];
        var values = new double[2];
        op.ApplyFactoredRows(batch, u, v, ws, values);
        double s = op.ObservationScale;
        double Entry(int i, int j)
        {
            double sum = 0;
            for (int l = 0; l < h; l++) sum += u[i + l * 100_000] * v[j + l * 100_000];
            return s * sum;
        }
        Assert.That(values[0], Is.EqualTo(Entry(99_999, 0)).Within(1e-9));
        Assert.That(values[1], Is.EqualTo(Entry(5, 99_999)).Within(1e-9));
        var gv = new double[100_000 * h];
        var gtu = new double[100_000 * h];
        gv.AsSpan().Fill(7);
        op.AdjointFactoredRows(batch, [1.0, 2.0], u, v, ws, gv, gtu);
        Assert.Multiple(() =>
        {
            Assert.That(gv[99_999 + 2 * 100_000], Is.EqualTo(s * 1.0 * v[0 + 2 * 100_000]).Within(1e-12));
            Assert.That(gtu[99_999 + 1 * 100_000], Is.EqualTo(s * 2.0 * u[5 + 1 * 100_000]).Within(1e-12));
            Assert.That(gv.Count(x => x != 0), Is.EqualTo(2 * h), "only the touched rows of G·V are non-zero");
        });
    }

    [TestCase(3)]     // per-sample sizes: straight from the column-major factors
    [TestCase(2000)]  // validation-subset sizes: through the padded row-major copies
    public void Row_subsets_of_any_size_equal_the_full_route_restricted(int batch)
    {
        var (r, c) = ShuffledEntries(300, 200, 5000, 15);
        var op = MeasurementOperators.EntrySampling<double>(300, 200, r, c);
        const int h = 7;
        var u = Normal(300 * h, 60);
        var v = Normal(200 * h, 61);
        int[] rows = [.. Enumerable.Range(0, batch).Select(k => (k * 7919) % op.Count)];
        var ws = op.CreateWorkspace(h, batch);
        var full = new double[op.Count];
        op.ApplyFactored(u, v, ws, full);
        var values = new double[batch];
        op.ApplyFactoredRows(rows, u, v, ws, values);
        for (int k = 0; k < batch; k++) Assert.That(values[k], Is.EqualTo(full[rows[k]]).Within(1e-12), $"entry {k}");

        var coefficients = Normal(batch, 62);
        var scattered = new double[op.Count];
        for (int k = 0; k < batch; k++) scattered[rows[k]] = coefficients[k];
        double[] gv = new double[300 * h], gtu = new double[200 * h], gvFull = new double[gv.Length], gtuFull = new double[gtu.Length];
        op.AdjointFactoredRows(rows, coefficients, u, v, ws, gv, gtu);
        op.AdjointFactored(scattered, u, v, ws, gvFull, gtuFull);
        Assert.That(MaxDifference(gv, gvFull), Is.LessThan(1e-12));
        Assert.That(MaxDifference(gtu, gtuFull), Is.LessThan(1e-12));
    }

    [Test]
    public void Duplicate_and_out_of_range_entries_are_refused_with_one_line_messages()
    {
        var dup = Assert.Throws<ArgumentException>(() => MeasurementOperators.EntrySampling<double>(4, 4, [0, 2, 1, 2], [1, 3, 0, 3]))!;
        Assert.Multiple(() =>
        {
            Assert.That(dup.Message, Does.Contain("(2, 3)").And.Contain("observations 1 and 3").And.Not.Contain("\n"));
            Assert.That(dup.ParamName, Is.EqualTo("observedRows"));
        });
        var row = Assert.Throws<ArgumentOutOfRangeException>(() => MeasurementOperators.EntrySampling<double>(4, 4, [0, 4], [1, 1]))!;
        Assert.That(row.Message, Does.Contain("Observation 1").And.Contain("(4, 1)"));
        Assert.That(row.ParamName, Is.EqualTo("observedRows"));
        var column = Assert.Throws<ArgumentOutOfRangeException>(() => MeasurementOperators.EntrySampling<double>(4, 4, [0, 1], [1, -1]))!;
        Assert.That(column.ParamName, Is.EqualTo("observedColumns"));
        Assert.That(() => MeasurementOperators.EntrySampling<double>(4, 4, [0, 1], [1]), Throws.ArgumentException.With.Property("ParamName").EqualTo("observedColumns"));
        Assert.That(() => MeasurementOperators.EntrySampling<double>(4, 4, [], []), Throws.ArgumentException.With.Property("ParamName").EqualTo("observedRows"));
    }

    private static (T[] Residual, T[] GV, T[] GtU) Fused<T>(EntrySamplingOperator<T> op, T[] u, T[] v, T[] y, int h)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var ws = op.CreateWorkspace(h);
        var residual = new T[op.Count];
        var gv = new T[op.Rows * h];
        var gtu = new T[op.Columns * h];
        op.ResidualAndAdjointFactored(u, v, y, ws, residual, gv, gtu);
        return (residual, gv, gtu);
    }

    private static double MaxDifference(double[] a, double[] b)
    {
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }
}
