using System.Numerics;
using MatrixSensing.LinearAlgebra;

namespace MatrixSensing.Operators;

/// <summary>Builds the measurement operators of SPEC §2 by name, each seeded and scaled so that E[A*A] = I.</summary>
public static class MeasurementOperators
{
    /// <summary>Gaussian: entries i.i.d. N(0, 1/m). With <see cref="StoragePrecision.Reduced"/> and T = double the ensemble is stored in float32.</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="m">Number of measurements.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="storage">Storage precision.</param>
    public static MeasurementOperator<T> Gaussian<T>(int rows, int columns, int m, ulong seed = 0, StoragePrecision storage = StoragePrecision.Compute)
        where T : unmanaged, IFloatingPointIeee754<T> => Dense<T>(rows, columns, m, seed, symmetric: false, storage);

    /// <summary>Symmetric Gaussian: A_i = (G_i + G_iᵀ)/2 with G_i entries i.i.d. N(0, 1/m), for n×n symmetric problems.</summary>
    /// <param name="order">n.</param>
    /// <param name="m">Number of measurements.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="storage">Storage precision.</param>
    public static MeasurementOperator<T> SymmetricGaussian<T>(int order, int m, ulong seed = 0, StoragePrecision storage = StoragePrecision.Compute)
        where T : unmanaged, IFloatingPointIeee754<T> => Dense<T>(order, order, m, seed, symmetric: true, storage);

    /// <summary>Rademacher: entries i.i.d. ±1/√m, stored one bit per entry.</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="m">Number of measurements.</param>
    /// <param name="seed">Seed.</param>
    public static RademacherOperator<T> Rademacher<T>(int rows, int columns, int m, ulong seed = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(rows, columns, m);
        LinearAlgebra.MemoryGuard.EnsureFits((long)m * ((rows * (long)columns + 63) / 64) * 8, $"a {m}×({rows}·{columns}) bit-packed Rademacher ensemble");
        return new RademacherOperator<T>(rows, columns, m, seed);
    }

    /// <summary>Rank-one (bilinear) measurements a_iᵀ Z b_i/√m; symmetric: b_i = a_i.</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="m">Number of measurements.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="symmetric">Use b_i = a_i.</param>
    /// <param name="storage">Storage precision (default Compute); Reduced stores a_i, b_i in float32 for T = double, halving the bytes a pass streams.</param>
    public static RankOneOperator<T> RankOne<T>(int rows, int columns, int m, ulong seed = 0, bool symmetric = false, StoragePrecision storage = StoragePrecision.Compute)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(rows, columns, m);
        if (storage == StoragePrecision.Reduced && typeof(T) != typeof(double) && typeof(T) != typeof(float))
            throw new NotSupportedException($"Reduced storage needs T = double; got {typeof(T).Name}.");
        int element = storage == StoragePrecision.Reduced ? sizeof(float) : System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        LinearAlgebra.MemoryGuard.EnsureFits((long)m * (rows + (symmetric ? 0 : columns)) * element, $"a rank-one ensemble of {m} measurements");
        return new RankOneOperator<T>(rows, columns, m, seed, symmetric, storage);
    }

    /// <summary>
    /// Rank-one (bilinear) measurements from data: row i of <paramref name="a"/> is a_i, row i of <paramref name="b"/>
    /// is b_i, and A(Z)_i = a_iᵀ Z b_i/√m (symmetric, <paramref name="b"/> null: b_i = a_i and 1/√(2m), the scaling
    /// of the seeded symmetric ensemble). Raw data y_i = a_iᵀ M b_i goes in through
    /// <c>SensingProblem.FromObservations</c>, which applies that scale. The vectors are copied into the operator's
    /// own layout (one contiguous vector per measurement).
    /// </summary>
    /// <param name="a">m×n1, finite.</param>
    /// <param name="b">m×n2, finite, with as many rows as <paramref name="a"/>; null (default) for the symmetric form.</param>
    public static RankOneOperator<T> RankOne<T>(Matrix<T> a, Matrix<T>? b = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(a);
        int m = a.Rows, n1 = a.Columns, n2 = b?.Columns ?? n1;
        if (m < 1 || n1 < 1 || n2 < 1)
            throw new ArgumentException($"Rank-one data needs at least one measurement and one column; a is {m}×{n1}{(b is null ? "" : $", b is {b.Rows}×{b.Columns}")}.", nameof(a));
        if (b is not null && b.Rows != m)
            throw new ArgumentException($"a has {m} rows (measurements) but b has {b.Rows}; row i of each is the pair (a_i, b_i).", nameof(b));
        CheckFinite(a, nameof(a));
        if (b is not null) CheckFinite(b, nameof(b));
        LinearAlgebra.MemoryGuard.EnsureFits((long)m * (n1 + (b is null ? 0 : n2)) * System.Runtime.CompilerServices.Unsafe.SizeOf<T>(),
            $"a rank-one operator with {m} measurements");
        return new RankOneOperator<T>(n1, n2, m, Transposed(a), b is null ? null : Transposed(b));
    }

    /// <summary>Matrix completion with each entry observed independently with probability p.</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="probability">p in (0, 1].</param>
    /// <param name="seed">Seed.</param>
    public static EntrySamplingOperator<T> EntrySampling<T>(int rows, int columns, double probability, ulong seed = 0)
        where T : unmanaged, IFloatingPointIeee754<T> => EntrySamplingOperator<T>.Bernoulli(rows, columns, probability, seed);

    /// <summary>Matrix completion with exactly <paramref name="count"/> entries observed, uniformly without replacement.</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="count">|Ω|.</param>
    /// <param name="seed">Seed.</param>
    public static EntrySamplingOperator<T> EntrySampling<T>(int rows, int columns, int count, ulong seed = 0)
        where T : unmanaged, IFloatingPointIeee754<T> => EntrySamplingOperator<T>.Uniform(rows, columns, count, seed);

    /// <summary>
    /// Matrix completion on given entries (e.g. the observed positions of a data set). Measurement k is entry
    /// (observedRows[k], observedColumns[k]) in the order given, so the data set's values go in unchanged, in the same
    /// order, through <c>SensingProblem.FromObservations</c> (which applies the 1/√p scaling, p = |Ω|/(n1n2)).
    /// </summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="observedRows">Row of each observation, in [0, n1).</param>
    /// <param name="observedColumns">Column of each observation, in [0, n2); no entry may appear twice.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index lies outside the matrix (the message names the observation).</exception>
    /// <exception cref="ArgumentException">The lists differ in length or are empty, or an entry appears twice (the message names it).</exception>
    public static EntrySamplingOperator<T> EntrySampling<T>(int rows, int columns, ReadOnlySpan<int> observedRows, ReadOnlySpan<int> observedColumns)
        where T : unmanaged, IFloatingPointIeee754<T> => EntrySamplingOperator<T>.FromIndices(rows, columns, observedRows, observedColumns);

    /// <summary>A Gaussian ensemble redrawn every <paramref name="refreshEvery"/> iterations (changing measurements).</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="m">Number of measurements.</param>
    /// <param name="refreshEvery">K ≥ 1.</param>
    /// <param name="seed">Seed.</param>
    public static FreshGaussianOperator<T> Fresh<T>(int rows, int columns, int m, int refreshEvery, ulong seed = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(rows, columns, m);
        ArgumentOutOfRangeException.ThrowIfLessThan(refreshEvery, 1);
        return new FreshGaussianOperator<T>(rows, columns, m, seed, refreshEvery);
    }

    /// <summary>A user-given m × n1n2 matrix (row i = vec(A_i), column-major vec); not copied.</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="m">Number of measurements.</param>
    /// <param name="measurementRows">m·n1·n2 finite values.</param>
    public static DenseOperator<T> Dense<T>(int rows, int columns, int m, T[] measurementRows)
        where T : unmanaged, IFloatingPointIeee754<T> => new(rows, columns, m, measurementRows);

    private static MeasurementOperator<T> Dense<T>(int rows, int columns, int m, ulong seed, bool symmetric, StoragePrecision storage)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(rows, columns, m);
        if (storage == StoragePrecision.Compute || typeof(T) == typeof(float))
            return new GaussianOperator<T>(rows, columns, m, seed, symmetric);
        if (typeof(T) != typeof(double))
            throw new NotSupportedException($"Reduced storage needs T = double; got {typeof(T).Name}.");
        var data = GaussianEnsemble.Draw<float>(rows, columns, m, seed, symmetric);
        var op = new MixedPrecisionDenseOperator(rows, columns, m, data, symmetric ? "symmetric-gaussian-f32" : "gaussian-f32");
        return (MeasurementOperator<T>)(object)op;
    }

    /// <summary>The m×n column-major matrix transposed into n×m: column i becomes row i's vector.</summary>
    private static T[] Transposed<T>(Matrix<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = x.Rows, n = x.Columns;
        var data = x.Data;
        var t = new T[(long)m * n];
        for (int l = 0; l < n; l++)
            for (int i = 0; i < m; i++)
                t[l + (long)i * n] = data[i + (long)l * m];
        return t;
    }

    private static void CheckFinite<T>(Matrix<T> x, string name) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var data = x.Data;
        for (int k = 0; k < data.Length; k++)
            if (!T.IsFinite(data[k]))
                throw new ArgumentException($"{name} holds a non-finite value at ({k % x.Rows}, {k / x.Rows}): {data[k]}.", name);
    }

    private static void Check(int rows, int columns, int m)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
    }
}
