using MatrixSensing.LinearAlgebra;
using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Random;

namespace MatrixSensing.Tests.Operators;

/// <summary>Rank-one operators built from data behave exactly like the seeded ones on the same vectors.</summary>
public class RankOneDataTests
{
    private static double[] Normal(int length, ulong seed)
    {
        var x = new double[length];
        new RandomStream(seed, 17).FillNormal<double>(x, 1.0);
        return x;
    }

    /// <summary>The operator's vectors as the m×n data matrix a user would hold (row i = the i-th vector).</summary>
    private static Matrix<double> AsData(ReadOnlySpan<double> columnsPerMeasurement, int n, int m)
    {
        var data = new Matrix<double>(m, n);
        for (int i = 0; i < m; i++)
            for (int l = 0; l < n; l++)
                data[i, l] = columnsPerMeasurement[l + i * n];
        return data;
    }

    [TestCase(false)]
    [TestCase(true)]
    public void From_data_equals_the_seeded_operator_on_the_same_vectors(bool symmetric)
    {
        int n1 = 7, n2 = symmetric ? 7 : 5, m = 301, h = 3;
        var seeded = MeasurementOperators.RankOne<double>(n1, n2, m, seed: 9, symmetric);
        var a = seeded.LeftData();
        var b = symmetric ? null : seeded.RightData();
        var fromData = MeasurementOperators.RankOne(a, b);
        Assert.Multiple(() =>
        {
            Assert.That(fromData.Rows, Is.EqualTo(n1));
            Assert.That(fromData.Columns, Is.EqualTo(n2));
            Assert.That(fromData.Count, Is.EqualTo(m));
            Assert.That(fromData.IsSymmetric, Is.EqualTo(symmetric));
            Assert.That(fromData.ObservationScale, Is.EqualTo(seeded.ObservationScale));
            Assert.That(fromData.ObservationScale, Is.EqualTo(1 / Math.Sqrt(symmetric ? 2.0 * m : m)).Within(1e-15));
        });

        var z = Normal(n1 * n2, 1);
        double[] ys = new double[m], yd = new double[m];
        seeded.Apply(z, ys);
        fromData.Apply(z, yd);
        Assert.That(yd, Is.EqualTo(ys));

        var u = Normal(n1 * h, 2);
        var v = symmetric ? u : Normal(n2 * h, 3);
        var y = Normal(m, 4);
        var (rs, gvs, gtus) = Fused(seeded, u, v, y, h);
        var (rd, gvd, gtud) = Fused(fromData, u, v, y, h);
        Assert.Multiple(() =>
        {
            Assert.That(rd, Is.EqualTo(rs));
            Assert.That(gvd, Is.EqualTo(gvs));
            Assert.That(gtud, Is.EqualTo(gtus));
        });
    }

    [Test]
    public void Raw_bilinear_values_become_the_operators_measurements()
    {
        // y_i = a_iᵀ M b_i raw, computed here from the data matrices alone; FromObservations applies 1/√m.
        int n1 = 6, n2 = 4, m = 200;
        var a = new Matrix<double>(m, n1, Normal(m * n1, 5));
        var b = new Matrix<double>(m, n2, Normal(m * n2, 6));
        var target = LowRankTarget.Asymmetric<double>(n1, n2, 2, 3, seed: 7);
        var truth = target.ToMatrix();
        var raw = new double[m];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n1; j++)
                for (int k = 0; k < n2; k++)
                    raw[i] += a[i, j] * truth[j, k] * b[i, k];
        var op = MeasurementOperators.RankOne(a, b);
        var fromRaw = SensingProblem.FromObservations(op, raw, target: target);
        var synthetic = SensingProblem.Create(target, op);
        Assert.That(fromRaw.Target, Is.SameAs(target));
        for (int i = 0; i < m; i++)
            Assert.That(fromRaw.Measurements[i], Is.EqualTo(synthetic.Measurements[i]).Within(1e-12 * (1 + Math.Abs(synthetic.Measurements[i]))), $"measurement {i}");
    }

    [Test]
    public void Bad_data_is_refused_with_the_argument_named()
    {
        var a = new Matrix<double>(10, 3, Normal(30, 8));
        var nan = new Matrix<double>(10, 3, Normal(30, 8));
        nan[4, 2] = double.NaN;
        Assert.Multiple(() =>
        {
            Assert.That(() => MeasurementOperators.RankOne(a, new Matrix<double>(9, 3)), Throws.ArgumentException.With.Property("ParamName").EqualTo("b"));
            Assert.That(() => MeasurementOperators.RankOne(nan), Throws.ArgumentException.With.Property("ParamName").EqualTo("a").And.Message.Contains("(4, 2)"));
            Assert.That(() => MeasurementOperators.RankOne(a, nan), Throws.ArgumentException.With.Property("ParamName").EqualTo("b"));
            Assert.That(() => MeasurementOperators.RankOne(new Matrix<double>(0, 3)), Throws.ArgumentException.With.Property("ParamName").EqualTo("a"));
        });
    }

    private static (double[], double[], double[]) Fused(MeasurementOperator<double> op, double[] u, double[] v, double[] y, int h)
    {
        var ws = op.CreateWorkspace(h);
        var residual = new double[op.Count];
        var gv = new double[op.Rows * h];
        var gtu = new double[op.Columns * h];
        op.ResidualAndAdjointFactored(u, v, y, ws, residual, gv, gtu);
        return (residual, gv, gtu);
    }
}
