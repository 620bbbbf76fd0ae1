using System.Numerics;
using MatrixSensing.Random;

namespace MatrixSensing.Operators;

/// <summary>
/// Generators of the dense Gaussian ensembles (SPEC §2): entries i.i.d. N(0, 1/m), drawn in parallel with a result
/// that depends only on the seed. Stored in the compute precision they run on BLAS GEMV (<see cref="DenseOperator{T}"/>);
/// stored in float32 they run on the mixed-precision kernels (<see cref="MixedPrecisionDenseOperator"/>).
/// </summary>
public static class GaussianEnsemble
{
    /// <summary>The m × n1n2 matrix of i.i.d. N(0, 1/m) entries (row i = vec(A_i)), symmetrized per row when asked.</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="count">m.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="symmetric">A_i = (G_i + G_iᵀ)/2 (needs n1 = n2).</param>
    /// <param name="threads">Generation threads (−1: all processors); the values do not depend on it.</param>
    public static T[] Draw<T>(int rows, int columns, int count, ulong seed, bool symmetric = false, int threads = -1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long length = (long)rows * columns * count;
        if (length > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"A {count}×({rows}·{columns}) ensemble has {length} entries, more than one array can hold ({Array.MaxLength}).");
        LinearAlgebra.MemoryGuard.EnsureFits(length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>(), $"a {count}×({rows}·{columns}) Gaussian ensemble");
        var data = GC.AllocateUninitializedArray<T>((int)length);
        ParallelNormal.Fill(data, seed, T.One / T.Sqrt(T.CreateTruncating(count)), threads);
        if (symmetric)
        {
            int n = rows * columns;
            var half = T.CreateTruncating(0.5);
            for (int i = 0; i < count; i++)
            {
                var a = data.AsSpan(i * n, n);
                for (int c = 0; c < rows; c++)
                    for (int d = c + 1; d < rows; d++)
                        a[c + d * rows] = a[d + c * rows] = (a[c + d * rows] + a[d + c * rows]) * half;
            }
        }
        return data;
    }
}

/// <summary>The Gaussian ensemble stored in the compute precision: BLAS GEMV passes.</summary>
/// <typeparam name="T">Compute and storage precision.</typeparam>
public sealed class GaussianOperator<T> : DenseOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Draws the ensemble from a seed.</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="count">m.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="symmetric">A_i = (G_i + G_iᵀ)/2.</param>
    public GaussianOperator(int rows, int columns, int count, ulong seed, bool symmetric = false)
        : base(rows, columns, count, GaussianEnsemble.Draw<T>(rows, columns, count, seed, symmetric), symmetric ? "symmetric-gaussian" : "gaussian")
    {
    }
}

/// <summary>
/// A Gaussian ensemble redrawn every K iterations from a seeded stream (changing measurements): before iteration
/// t = K, 2K, … the solver calls <see cref="MeasurementOperator{T}.Refresh"/>, the ensemble is regenerated in place
/// and the problem retakes y. Not shareable between concurrent solvers.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public sealed class FreshGaussianOperator<T> : DenseOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _data;
    private readonly ulong _seed;

    /// <summary>Draws the first ensemble.</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="count">m.</param>
    /// <param name="seed">Seed of the sequence of ensembles.</param>
    /// <param name="refreshEvery">K ≥ 1.</param>
    public FreshGaussianOperator(int rows, int columns, int count, ulong seed, int refreshEvery)
        : this(rows, columns, count, seed, refreshEvery, GaussianEnsemble.Draw<T>(rows, columns, count, seed))
    {
    }

    private FreshGaussianOperator(int rows, int columns, int count, ulong seed, int refreshEvery, T[] data)
        : base(rows, columns, count, data, "fresh-gaussian")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(refreshEvery, 1);
        RefreshEvery = refreshEvery;
        _data = data;
        _seed = seed;
    }

    /// <summary>K: the ensemble changes before every K-th iteration.</summary>
    public int RefreshEvery { get; }

    /// <summary>How many times the ensemble has been redrawn.</summary>
    public int Draws { get; private set; }

    /// <inheritdoc/>
    public override bool Refresh(int iteration)
    {
        if (iteration == 0 || iteration % RefreshEvery != 0) return false;
        Draws++;
        // The ParallelNormal sequence of a seed derived from the draw number, on this thread so the iteration loop
        // stays allocation-free.
        ParallelNormal.FillRange<T>(_data, RandomStream.DeriveSeed(_seed, (ulong)(iteration / RefreshEvery)), 0, T.One / T.Sqrt(T.CreateTruncating(Count)));
        return true;
    }
}
