using System.Numerics;
using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Random;

namespace MatrixSensing.Benchmarks.Solvers;

/// <summary>The operators the solver benchmarks and the side-by-side harness build, by name.</summary>
public static class BenchmarkOperators
{
    /// <summary>A Gaussian m × n1n2 matrix in a plain <see cref="DenseOperator{T}"/> (the user-given route).</summary>
    public const string Dense = "dense";

    /// <summary>Names available on this build, for [ParamsSource].</summary>
    /// <param name="compute">The compute precision.</param>
    public static IReadOnlyList<string> Available(Type compute) =>
        compute == typeof(double) ? [Dense, "gaussian", "gaussian-f32", "rademacher", "rank-one", "entry-sampling"] : [Dense, "gaussian", "rademacher", "rank-one", "entry-sampling"];

    /// <summary>Side-by-side cases not wired to a NumPy peer yet, with the reason shown in tables.</summary>
    public static IReadOnlyDictionary<string, string> Pending { get; } = new Dictionary<string, string>();

    /// <summary>
    /// A Gaussian measurement matrix (entries N(0, 1/m)), m rows of n1·n2 values, row i = vec(A_i), from
    /// <see cref="ParallelNormal"/> on every core.
    /// </summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="count">m.</param>
    /// <param name="seed">Seed.</param>
    public static T[] GaussianMatrix<T>(int rows, int columns, int count, ulong seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = GC.AllocateUninitializedArray<T>(checked(rows * columns * count));
        ParallelNormal.Fill<T>(values, seed, T.CreateTruncating(1 / Math.Sqrt(count)));
        return values;
    }

    /// <summary>Creates the named operator.</summary>
    /// <param name="name">One of <see cref="Available"/>.</param>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="count">m (for entry sampling: |Ω|).</param>
    /// <param name="seed">Seed of the ensemble.</param>
    public static MeasurementOperator<T> Create<T>(string name, int rows, int columns, int count, ulong seed) where T : unmanaged, IFloatingPointIeee754<T> =>
        name switch
        {
            Dense => new DenseOperator<T>(rows, columns, count, GaussianMatrix<T>(rows, columns, count, seed)),
            "gaussian" => MeasurementOperators.Gaussian<T>(rows, columns, count, seed),
            "gaussian-f32" => MeasurementOperators.Gaussian<T>(rows, columns, count, seed, StoragePrecision.Reduced),
            "rademacher" => MeasurementOperators.Rademacher<T>(rows, columns, count, seed),
            "rank-one" => MeasurementOperators.RankOne<T>(rows, columns, count, seed),
            "entry-sampling" => MeasurementOperators.EntrySampling<T>(rows, columns, count, seed),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown operator."),
        };

    /// <summary>
    /// Options for timing single iterations: no stopping rule can fire (no tolerance, an iteration limit that is never
    /// reached) and trace metrics are evaluated only at iteration 0, so <see cref="MatrixSensing.Solvers.SolverSession{T}.Step"/>
    /// is exactly one solver iteration.
    /// </summary>
    /// <param name="rank">h.</param>
    public static MatrixSensing.Solvers.SolverOptions SteppingOptions(int rank) => new()
    {
        Rank = rank,
        MaxIterations = int.MaxValue - 1,
        TraceEvery = int.MaxValue - 1,
        Seed = 7,
    };

    /// <summary>An asymmetric problem with a rank-r target and κ = 10 on the named operator.</summary>
    /// <param name="name">Operator name.</param>
    /// <param name="n1">Rows.</param>
    /// <param name="n2">Columns.</param>
    /// <param name="m">Measurements.</param>
    /// <param name="rank">r*.</param>
    /// <param name="seed">Seed.</param>
    public static SensingProblem<T> Problem<T>(string name, int n1, int n2, int m, int rank, ulong seed = 1) where T : unmanaged, IFloatingPointIeee754<T> =>
        SensingProblem.Create(LowRankTarget.Asymmetric<T>(n1, n2, rank, conditionNumber: 10, seed: seed), Create<T>(name, n1, n2, m, seed + 100));
}
