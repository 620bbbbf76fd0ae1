using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MatrixSensing.Random;

namespace MatrixSensing.Operators;

/// <summary>
/// Entries i.i.d. ±1/√m, stored bit-packed (one bit per entry, 64 per word; set bit = +1). A pass reads 1/64 of
/// the bytes of a float64 ensemble and flips signs with a lookup of lane masks, so it is compute-bound.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public sealed class RademacherOperator<T> : MeasurementOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly int Lanes = Vector256<T>.Count;
    private static readonly Vector256<T>[] SignMasks = BuildSignMasks();
    private readonly ulong[] _bits;
    private readonly int _wordsPerRow;
    private readonly T _scale;

    /// <summary>Draws the signs from a seed.</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="count">m.</param>
    /// <param name="seed">Seed of the signs.</param>
    public RademacherOperator(int rows, int columns, int count, ulong seed) : base(rows, columns, count)
    {
        _wordsPerRow = (rows * columns + 63) / 64;
        _bits = new ulong[(long)_wordsPerRow * count];
        new RandomStream(seed, 0x5241444DUL).FillRademacherBits(_bits);
        _scale = T.One / T.Sqrt(T.CreateTruncating(count));
    }

    /// <inheritdoc/>
    public override string Name => "rademacher";

    /// <inheritdoc/>
    public override long StoredBytes => _bits.LongLength * sizeof(ulong);

    /// <summary>The entry (i, j) of the m × n1n2 matrix: ±1/√m.</summary>
    /// <param name="measurement">i.</param>
    /// <param name="index">j, the column-major index into the n1×n2 matrix.</param>
    public T Entry(int measurement, int index) =>
        ((_bits[measurement * _wordsPerRow + (index >> 6)] >> (index & 63)) & 1) != 0 ? _scale : -_scale;

    /// <inheritdoc/>
    protected override void ApplyCore(ReadOnlySpan<T> z, Span<T> result)
    {
        for (int i = 0; i < Count; i++) result[i] = _scale * SignedSum(Row(i), z);
    }

    /// <inheritdoc/>
    protected override void ApplyAdjointCore(ReadOnlySpan<T> residual, Span<T> result)
    {
        result.Clear();
        for (int i = 0; i < Count; i++) AddSigned(Row(i), _scale * residual[i], result);
    }

    /// <inheritdoc/>
    protected override OperatorWorkspace<T> CreateWorkspaceCore(int rank, int maxBatch) => new Scratch(this, rank, maxBatch);

    /// <inheritdoc/>
    protected override void ApplyFactoredCore(ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> result)
    {
        var dense = ((Scratch)workspace).Dense;
        Factored.FormProduct(u, v, Rows, Columns, workspace.Rank, dense);
        ApplyCore(dense, result);
    }

    /// <inheritdoc/>
    protected override void AdjointFactoredCore(ReadOnlySpan<T> residual, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> gv, Span<T> gtu)
    {
        var dense = ((Scratch)workspace).Dense;
        ApplyAdjointCore(residual, dense);
        Factored.FactorProducts<T>(dense, u, v, Rows, Columns, workspace.Rank, gv, gtu);
    }

    /// <inheritdoc/>
    protected override void ApplyFactoredRowsCore(ReadOnlySpan<int> rows, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> result)
    {
        var dense = ((Scratch)workspace).Dense;
        Factored.FormProduct(u, v, Rows, Columns, workspace.Rank, dense);
        for (int k = 0; k < rows.Length; k++) result[k] = _scale * SignedSum(Row(rows[k]), dense);
    }

    /// <inheritdoc/>
    protected override void AdjointFactoredRowsCore(ReadOnlySpan<int> rows, ReadOnlySpan<T> residual, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> gv, Span<T> gtu)
    {
        var dense = ((Scratch)workspace).Dense;
        dense.AsSpan().Clear();
        for (int k = 0; k < rows.Length; k++) AddSigned(Row(rows[k]), _scale * residual[k], dense);
        Factored.FactorProducts<T>(dense, u, v, Rows, Columns, workspace.Rank, gv, gtu);
    }

    private ReadOnlySpan<ulong> Row(int i) => _bits.AsSpan(i * _wordsPerRow, _wordsPerRow);

    /// <summary>Σ_j s_j·z_j with s_j = ±1 from the bits: lanes of z get their sign bit flipped by a mask table.</summary>
    private static T SignedSum(ReadOnlySpan<ulong> bits, ReadOnlySpan<T> z)
    {
        int n = z.Length, j = 0;
        var acc = Vector256<T>.Zero;
        ref T pz = ref MemoryMarshal.GetReference(z);
        int groupMask = (1 << Lanes) - 1;
        for (; j <= n - Lanes; j += Lanes)
        {
            int group = (int)(bits[j >> 6] >> (j & 63)) & groupMask;
            acc += Vector256.Xor(Vector256.LoadUnsafe(ref pz, (nuint)j), SignMasks[group]);
        }
        T sum = Vector256.Sum(acc);
        for (; j < n; j++) sum += ((bits[j >> 6] >> (j & 63)) & 1) != 0 ? z[j] : -z[j];
        return sum;
    }

    /// <summary>g ← g + c·s with s_j = ±1 from the bits.</summary>
    private static void AddSigned(ReadOnlySpan<ulong> bits, T c, Span<T> g)
    {
        int n = g.Length, j = 0;
        var scale = Vector256.Create(c);
        ref T pg = ref MemoryMarshal.GetReference(g);
        int groupMask = (1 << Lanes) - 1;
        for (; j <= n - Lanes; j += Lanes)
        {
            int group = (int)(bits[j >> 6] >> (j & 63)) & groupMask;
            (Vector256.LoadUnsafe(ref pg, (nuint)j) + Vector256.Xor(scale, SignMasks[group])).StoreUnsafe(ref pg, (nuint)j);
        }
        for (; j < n; j++) g[j] += ((bits[j >> 6] >> (j & 63)) & 1) != 0 ? c : -c;
    }

    /// <summary>Mask k flips the sign of every lane whose bit in k is clear (bit clear = −1).</summary>
    private static Vector256<T>[] BuildSignMasks()
    {
        int lanes = Vector256<T>.Count;
        var masks = new Vector256<T>[1 << lanes];
        Span<T> lane = stackalloc T[lanes];
        T negativeZero = T.NegativeZero;
        for (int k = 0; k < masks.Length; k++)
        {
            for (int l = 0; l < lanes; l++) lane[l] = ((k >> l) & 1) != 0 ? T.Zero : negativeZero;
            masks[k] = Vector256.Create<T>(lane);
        }
        return masks;
    }

    private sealed class Scratch(RademacherOperator<T> owner, int rank, int maxBatch) : OperatorWorkspace<T>(owner, rank, maxBatch)
    {
        public T[] Dense { get; } = new T[owner.Rows * owner.Columns];
    }
}
