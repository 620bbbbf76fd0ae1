using MatrixSensing.IO;
using MatrixSensing.Problems;

namespace MatrixSensing.Tests.Problems;

/// <summary>The rank of a given dense M*: the cut-off follows the precision the matrix was stored in.</summary>
public class LowRankTargetFromMatrixTests
{
    /// <summary>A rank-3 30×20 matrix with σ from 10 down to 0.5, rounded to float32 (as a NumPy float32 array would be).</summary>
    private static double[] Float32RankThree()
    {
        var truth = LowRankTarget.FromFactors(
            LowRankTarget.Asymmetric<double>(30, 20, 3, seed: 4).Left, LowRankTarget.Asymmetric<double>(30, 20, 3, seed: 4).Right, [10.0, 3.0, 0.5]);
        return [.. truth.ToMatrix().Data.Select(v => (double)(float)v)];
    }

    [Test]
    public void A_float32_matrix_widened_to_double_keeps_its_rank_with_the_float32_cutoff()
    {
        var data = Float32RankThree();
        var target = LowRankTarget.FromMatrix<double>(data, 30, 20, symmetric: false, LowRankTarget.RankCutoff<float>(30, 20));
        var naive = LowRankTarget.FromMatrix<double>(data, 30, 20, symmetric: false);
        Assert.Multiple(() =>
        {
            Assert.That(target.Rank, Is.EqualTo(3));
            Assert.That(target.SingularValues[2], Is.EqualTo(0.5).Within(1e-5));
            Assert.That(naive.Rank, Is.EqualTo(20), "with double's cut-off, float32 rounding noise counts as rank: the reason for the stored-precision cut-off");
        });
    }

    [Test]
    public void A_float_target_uses_the_float_cutoff_by_default()
    {
        var data = Float32RankThree().Select(v => (float)v).ToArray();
        Assert.That(LowRankTarget.FromMatrix<float>(data, 30, 20, symmetric: false).Rank, Is.EqualTo(3));
    }

    [Test]
    public void A_bundle_with_a_float32_M_star_is_read_at_its_true_rank()
    {
        string dir = Directory.CreateTempSubdirectory("msense-rank-").FullName;
        try
        {
            var mStar = Float32RankThree();
            const int m = 50;
            var a = new float[m * 30 * 20];
            new MatrixSensing.Random.RandomStream(3).FillNormal<float>(a, 0.1f);
            string path = Path.Combine(dir, "p.npz");
            Npz.Write(path, new Dictionary<string, NpyArray>
            {
                ["A"] = NpyArray.Create<float>(a, [m, 30 * 20]),
                ["y"] = NpyArray.Create<float>(new float[m], [m]),
                ["M_star"] = NpyArray.Create<float>(mStar.Select(v => (float)v).ToArray(), [30, 20], fortranOrder: true),
            });
            Assert.That(ProblemBundle.Load<double>(path).Problem.Target!.Rank, Is.EqualTo(3));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Bad_matrices_are_refused_by_name()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => LowRankTarget.FromMatrix<double>(new double[6], 2, 3, false), Throws.ArgumentException.With.Message.Contains("zero"));
            Assert.That(() => LowRankTarget.FromMatrix<double>(new double[5], 2, 3, false), Throws.ArgumentException.With.Message.Contains("2×3"));
            Assert.That(() => LowRankTarget.FromMatrix<double>([1, double.NaN, 0, 1], 2, 2, false), Throws.ArgumentException.With.Message.Contains("NaN"));
            Assert.That(() => LowRankTarget.FromMatrix<double>([1, 0, 0, 1], 2, 2, false, 1.5), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }
}
