using MatrixSensing.IO;
using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Solvers;
using MatrixSensing.Tests.IO;

namespace MatrixSensing.Tests.Problems;

/// <summary>
/// Problems from raw observations: each value stays with its entry whatever order the caller gives them in, and
/// the operator's own scaling is applied once.
/// </summary>
public class FromObservationsTests
{
    [Test]
    public void Completion_data_written_by_numpy_in_random_order_is_recovered()
    {
        // A 200×150 rank-3 matrix, 30 % of its entries in random order, as a user's data set would list them.
        // Before measurement k was tied to entry k, this fit a scrambled problem (relative error 1.22).
        PythonNumPy.RequireOrIgnore();
        using var dir = new NpyTestSupport.TempDirectory();
        PythonNumPy.Run("""
            import os, sys
            import numpy as np
            d = sys.argv[1]
            rng = np.random.default_rng(2024)
            n1, n2, r = 200, 150, 3
            M = rng.standard_normal((n1, r)) @ rng.standard_normal((r, n2))
            picks = rng.permutation(n1 * n2)[: int(0.3 * n1 * n2)]
            rows, cols = picks // n2, picks % n2
            np.save(os.path.join(d, 'M.npy'), M)
            np.save(os.path.join(d, 'rows.npy'), rows.astype(np.int64))
            np.save(os.path.join(d, 'cols.npy'), cols.astype(np.int32))
            np.save(os.path.join(d, 'values.npy'), M[rows, cols])
            """.Replace("\r", "", StringComparison.Ordinal), dir.Path);

        var truth = Npy.Read(dir.File("M.npy")).ToColumnMajor<double>();
        int[] rows = Npy.Read(dir.File("rows.npy")).ToArray<int>();
        int[] cols = Npy.Read(dir.File("cols.npy")).ToArray<int>();
        double[] values = Npy.Read(dir.File("values.npy")).ToArray<double>();
        Assert.That(rows.Zip(rows.Skip(1)).Any(p => p.First > p.Second), "the entries must not be sorted for this test to mean anything");

        var op = MeasurementOperators.EntrySampling<double>(200, 150, rows, cols);
        var problem = SensingProblem.FromObservations(op, values);
        var result = new ScaledGd<double>().Solve(problem, new SolverOptions { Rank = 3, MaxIterations = 2000, ResidualTolerance = 1e-12 });
        var estimate = result.Estimate();
        double diff = 0, norm = 0;
        for (int k = 0; k < truth.Length; k++)
        {
            diff += (estimate.Data[k] - truth[k]) * (estimate.Data[k] - truth[k]);
            norm += truth[k] * truth[k];
        }
        Assert.That(Math.Sqrt(diff / norm), Is.LessThanOrEqualTo(1e-6), $"status {result.Status} after {result.Iterations} iterations");
    }

    [Test]
    public void Raw_entries_scaled_by_the_operator_equal_synthetic_measurements()
    {
        var target = LowRankTarget.Asymmetric<double>(30, 20, 2, 4, seed: 3);
        var truth = target.ToMatrix();
        var picks = new int[240];
        new MatrixSensing.Random.RandomStream(4, 1).SampleWithoutReplacement(600, picks);
        int[] rows = [.. picks.Select(p => p % 30)], cols = [.. picks.Select(p => p / 30)];
        var op = MeasurementOperators.EntrySampling<double>(30, 20, rows, cols);
        double[] raw = [.. rows.Select((i, k) => truth[i, cols[k]])];
        var fromRaw = SensingProblem.FromObservations(op, raw, target: target);
        var synthetic = SensingProblem.Create(target, op);
        Assert.That(fromRaw.Target, Is.Not.Null);
        for (int k = 0; k < raw.Length; k++)
            Assert.That(fromRaw.Measurements[k], Is.EqualTo(synthetic.Measurements[k]).Within(1e-12), $"observation {k}");
        Assert.That(fromRaw.Measurements[0], Is.EqualTo(raw[0] / Math.Sqrt(240.0 / 600)).Within(1e-12));
    }

    [Test]
    public void Bad_observations_are_refused_like_measurements()
    {
        var op = MeasurementOperators.EntrySampling<double>(4, 4, [0, 1, 2], [0, 1, 2]);
        Assert.Multiple(() =>
        {
            Assert.That(() => SensingProblem.FromObservations(op, [1.0, 2.0]), Throws.ArgumentException.With.Property("ParamName").EqualTo("observations"));
            Assert.That(() => SensingProblem.FromObservations(op, [1.0, double.NaN, 2.0]), Throws.ArgumentException.With.Message.Contains("index 1"));
            Assert.That(() => SensingProblem.FromObservations(op, [1.0, 2.0, 3.0], target: LowRankTarget.Asymmetric<double>(5, 4, 1, 1, seed: 1)),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("target"));
            Assert.That(() => SensingProblem.FromObservations(MeasurementOperators.EntrySampling<double>(4, 3, [0], [0]), [1.0], symmetric: true),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("symmetric"));
        });
    }
}
