using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Random;

namespace MatrixSensing.Tests;

/// <summary>Small seeded problems shared by the solver tests, sized so that the suite stays fast.</summary>
internal static class TestProblems
{
    /// <summary>A dense Gaussian operator built independently of the library's generators (entries N(0, 1/m)).</summary>
    internal static DenseOperator<double> Gaussian(int n1, int n2, int m, ulong seed, bool symmetric = false)
    {
        var data = new double[(long)m * n1 * n2];
        new RandomStream(seed, 77).FillNormal<double>(data, 1 / Math.Sqrt(m));
        if (symmetric)
        {
            for (int i = 0; i < m; i++)
            {
                var a = data.AsSpan(i * n1 * n2, n1 * n2);
                for (int c = 0; c < n1; c++)
                    for (int d = c + 1; d < n1; d++)
                        a[c + d * n1] = a[d + c * n1] = (a[c + d * n1] + a[d + c * n1]) / 2;
            }
        }
        return new DenseOperator<double>(n1, n2, m, data);
    }

    internal static SensingProblem<double> Asymmetric(int n, int rank, double kappa, int m, ulong seed = 1, double noise = 0) =>
        SensingProblem.Create(LowRankTarget.Asymmetric<double>(n, n, rank, kappa, seed), Gaussian(n, n, m, seed + 100), noise, seed + 200);

    internal static SensingProblem<double> Symmetric(int n, int rank, double kappa, int m, ulong seed = 1) =>
        SensingProblem.Create(LowRankTarget.Symmetric<double>(n, rank, kappa, seed), Gaussian(n, n, m, seed + 100, symmetric: true));

    /// <summary>The built-in solvers that apply to a problem like this one (symmetry, operator).</summary>
    internal static MatrixSensing.Solvers.SolverKind[] KindsFor(SensingProblem<double> problem) =>
        [.. Enum.GetValues<MatrixSensing.Solvers.SolverKind>().Where(k => MatrixSensing.Solvers.SolverRegistry.Get(k).AppliesTo(problem))];

    /// <summary>‖UVᵀ − M*‖_F/‖M*‖_F computed densely, independent of the solver's factored metric.</summary>
    internal static double DenseRelativeError<T>(MatrixSensing.Solvers.SolverResult<T> result, LowRankTarget<T> target)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var estimate = result.Estimate();
        var truth = target.ToMatrix();
        double diff = 0, norm = 0;
        for (int i = 0; i < truth.Data.Length; i++)
        {
            double t = double.CreateTruncating(truth.Data[i]), e = double.CreateTruncating(estimate.Data[i]);
            diff += (e - t) * (e - t);
            norm += t * t;
        }
        return Math.Sqrt(diff / norm);
    }
}
