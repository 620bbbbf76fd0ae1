using System.Numerics;

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
    public static RankOneOperator<T> RankOne<T>(int rows, int columns, int m, ulong seed = 0, bool symmetric = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(rows, columns, m);
        LinearAlgebra.MemoryGuard.EnsureFits((long)m * (rows + (symmetric ? 0 : columns)) * System.Runtime.CompilerServices.Unsafe.SizeOf<T>(),
            $"a rank-one ensemble of {m} measurements");
        return new RankOneOperator<T>(rows, columns, m, seed, symmetric);
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

    /// <summary>Matrix completion on given entries (e.g. the observed positions of a data set).</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="observedRows">Row of each observation.</param>
    /// <param name="observedColumns">Column of each observation.</param>
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

    private static void Check(int rows, int columns, int m)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
    }
}
