using MatrixSensing.Operators;
using MatrixSensing.Random;

namespace MatrixSensing.Tests.Operators;

public class OperatorSpecificTests
{
    [Test]
    public void Float32_storage_gives_the_values_of_a_double_operator_on_the_rounded_entries()
    {
        var reduced = MeasurementOperators.Gaussian<double>(7, 6, 300, seed: 3, StoragePrecision.Reduced);
        var rounded = GaussianEnsemble.Draw<float>(7, 6, 300, seed: 3).Select(f => (double)f).ToArray();
        var reference = MeasurementOperators.Dense(7, 6, 300, rounded);
        var z = new double[42];
        new RandomStream(1).FillNormal<double>(z, 1.0);
        double[] a = new double[300], b = new double[300];
        reduced.Apply(z, a);
        reference.Apply(z, b);
        for (int i = 0; i < a.Length; i++) Assert.That(a[i], Is.EqualTo(b[i]).Within(1e-12 * (1 + Math.Abs(b[i]))));
    }

    [Test]
    public void Generation_does_not_depend_on_the_thread_count()
    {
        var one = GaussianEnsemble.Draw<double>(20, 20, 400, seed: 5, threads: 1);
        var two = GaussianEnsemble.Draw<double>(20, 20, 400, seed: 5, threads: 2);
        Assert.That(two, Is.EqualTo(one));
    }

    [Test]
    public void Gaussian_entries_have_variance_one_over_m()
    {
        var data = GaussianEnsemble.Draw<double>(10, 10, 500, seed: 6);
        double variance = data.Select(x => x * x).Average();
        Assert.That(variance * 500, Is.EqualTo(1).Within(0.02));
    }

    [Test]
    public void Symmetric_gaussian_measurements_are_symmetric_matrices()
    {
        var data = GaussianEnsemble.Draw<double>(5, 5, 10, seed: 7, symmetric: true);
        for (int i = 0; i < 10; i++)
            for (int r = 0; r < 5; r++)
                for (int c = 0; c < 5; c++)
                    Assert.That(data[i * 25 + r + c * 5], Is.EqualTo(data[i * 25 + c + r * 5]));
    }

    [Test]
    public void Rademacher_entries_are_plus_or_minus_one_over_root_m_and_balanced()
    {
        var op = MeasurementOperators.Rademacher<float>(9, 7, 256, seed: 8);
        float scale = 1 / MathF.Sqrt(256);
        int positive = 0;
        for (int i = 0; i < 256; i++)
            for (int j = 0; j < 63; j++)
            {
                float e = op.Entry(i, j);
                Assert.That(Math.Abs(e), Is.EqualTo(scale));
                if (e > 0) positive++;
            }
        Assert.That(positive / (256.0 * 63), Is.EqualTo(0.5).Within(0.02));
    }

    [Test]
    public void Float_rademacher_matches_its_entries()
    {
        var op = MeasurementOperators.Rademacher<float>(9, 7, 50, seed: 9);
        var z = new float[63];
        new RandomStream(2).FillNormal<float>(z, 1f);
        var y = new float[50];
        op.Apply(z, y);
        for (int i = 0; i < 50; i++)
        {
            double expected = 0;
            for (int j = 0; j < 63; j++) expected += op.Entry(i, j) * z[j];
            Assert.That(y[i], Is.EqualTo(expected).Within(1e-4));
        }
    }

    [Test]
    public void Fresh_operator_redraws_exactly_at_multiples_of_K()
    {
        var op = MeasurementOperators.Fresh<double>(4, 4, 50, refreshEvery: 3, seed: 1);
        var z = Enumerable.Range(0, 16).Select(i => (double)i).ToArray();
        var before = new double[50];
        op.Apply(z, before);
        var redrawn = Enumerable.Range(0, 10).Where(op.Refresh).ToArray();
        Assert.That(redrawn, Is.EqualTo(new[] { 3, 6, 9 }));
        var after = new double[50];
        op.Apply(z, after);
        Assert.That(after, Is.Not.EqualTo(before));
        Assert.That(op.Draws, Is.EqualTo(3));
    }

    [Test]
    public void Entry_sampling_observes_distinct_entries_with_the_requested_rate()
    {
        var exact = MeasurementOperators.EntrySampling<double>(40, 30, 500, seed: 2);
        var pairs = exact.ObservedRows.ToArray().Zip(exact.ObservedColumns.ToArray()).ToHashSet();
        Assert.That(pairs, Has.Count.EqualTo(500));
        Assert.That(exact.Probability, Is.EqualTo(500.0 / 1200));
        var bernoulli = MeasurementOperators.EntrySampling<double>(200, 100, 0.3, seed: 3);
        Assert.That(bernoulli.Count / 20000.0, Is.EqualTo(0.3).Within(0.015));
    }

    [Test]
    public void Large_completion_problems_never_form_a_dense_matrix_in_the_factored_path()
    {
        // 10⁵ × 10⁵ would be 80 GB dense; the factored route touches only the ~2·10⁵ observed entries.
        var op = MeasurementOperators.EntrySampling<double>(100_000, 100_000, 2e-5, seed: 4);
        var ws = op.CreateWorkspace(2);
        var u = new double[200_000];
        var v = new double[200_000];
        u.AsSpan().Fill(1);
        v.AsSpan().Fill(1);
        var y = new double[op.Count];
        op.ApplyFactored(u, v, ws, y);
        Assert.That(y.All(x => Math.Abs(x - 2 / Math.Sqrt(op.Probability)) < 1e-6));
    }

    [Test]
    public void Bad_arguments_are_rejected_with_their_names()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => MeasurementOperators.Gaussian<double>(0, 5, 10), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("rows"));
            Assert.That(() => MeasurementOperators.Gaussian<double>(5, 5, 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("m"));
            Assert.That(() => MeasurementOperators.EntrySampling<double>(5, 5, 1.5), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("probability"));
            Assert.That(() => MeasurementOperators.EntrySampling<double>(5, 5, 26), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("count"));
            Assert.That(() => MeasurementOperators.Fresh<double>(5, 5, 10, 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("refreshEvery"));
            Assert.That(() => MeasurementOperators.RankOne<double>(5, 4, 10, symmetric: true), Throws.ArgumentException.With.Property("ParamName").EqualTo("symmetric"));
            Assert.That(() => MeasurementOperators.Dense(2, 2, 2, new double[7]), Throws.ArgumentException.With.Property("ParamName").EqualTo("measurementMatrix"));
            Assert.That(() => MeasurementOperators.Dense(1, 1, 2, new[] { 1.0, double.NaN }), Throws.ArgumentException.With.Message.Contains("NaN"));
            Assert.That(() => MeasurementOperators.Gaussian<double>(50_000, 50_000, 50_000), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("entries"));
        });
    }
}
