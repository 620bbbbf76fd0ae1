using System.Numerics;
using MatrixSensing.LinearAlgebra;
using MatrixSensing.Random;

namespace MatrixSensing.Operators;

/// <summary>
/// Matrix completion: observe the entries Ω, A(Z)_k = Z[i_k, j_k]/√p, with Ω drawn entry by entry with probability p
/// or as exactly |Ω| entries uniformly without replacement (then p = |Ω|/(n1n2)), or given by the caller.
/// Measurement k is always (<see cref="ObservedRows"/>[k], <see cref="ObservedColumns"/>[k]), in the caller's order for
/// given entries (generated ones are numbered by row, then column); the kernels keep their own row- and column-sorted
/// copies with a permutation back to that order. Factored routes cost O(|Ω|h), on row-major copies of the factors,
/// so each observed entry reads two contiguous h-vectors; the row-subset routes cost O(batch·h) plus one clear of
/// the outputs.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public sealed class EntrySamplingOperator<T> : MeasurementOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int[] _row;
    private readonly int[] _column;
    private readonly EntryLayout _layout;
    private readonly T _scale;

    private EntrySamplingOperator(int rows, int columns, int[] row, int[] column, double probability)
        : base(rows, columns, row.Length)
    {
        _layout = EntryLayout.Build(rows, columns, row, column);
        _row = row;
        _column = column;
        Probability = probability;
        _scale = T.One / T.Sqrt(T.CreateTruncating(probability));
    }

    /// <summary>Observes each entry independently with probability p.</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="probability">p in (0, 1].</param>
    /// <param name="seed">Seed of Ω.</param>
    internal static EntrySamplingOperator<T> Bernoulli(int rows, int columns, double probability, ulong seed)
    {
        CheckShape(rows, columns);
        if (!(probability > 0 && probability <= 1))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "The observation probability p must be in (0, 1].");
        long total = (long)rows * columns;
        var rng = new RandomStream(seed, 0x4F4D4547UL);
        var indices = new List<long>((int)Math.Min(int.MaxValue, total * probability * 1.1 + 16));
        // Geometric gaps between observed entries: O(|Ω|) draws instead of O(n1n2).
        double logQ = probability < 1 ? Math.Log(1 - probability) : double.NegativeInfinity;
        for (long index = -1; ;)
        {
            long gap = probability >= 1 ? 1 : 1 + (long)Math.Floor(Math.Log(1 - rng.NextDouble()) / logQ);
            index += gap;
            if (index >= total) break;
            indices.Add(index);
        }
        if (indices.Count == 0)
            throw new ArgumentException($"No entry was observed (p = {probability} of {total}); raise p.", nameof(probability));
        return FromLinear(rows, columns, indices, probability);
    }

    /// <summary>Observes exactly <paramref name="count"/> entries drawn uniformly without replacement.</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="count">|Ω| in [1, n1n2].</param>
    /// <param name="seed">Seed of Ω.</param>
    internal static EntrySamplingOperator<T> Uniform(int rows, int columns, int count, ulong seed)
    {
        CheckShape(rows, columns);
        long total = (long)rows * columns;
        if (count < 1 || count > total)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"The number of observed entries must be in [1, n1·n2] = [1, {total}].");
        if (total > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(rows), rows, "Exact-count sampling supports n1·n2 ≤ 2³¹ − 1; use Bernoulli sampling for larger matrices.");
        var picks = new int[count];
        new RandomStream(seed, 0x4F4D4547UL).SampleWithoutReplacement((int)total, picks);
        return FromLinear(rows, columns, picks.Select(p => (long)p).ToList(), (double)count / total);
    }

    /// <summary>
    /// Observes given entries, measurement k being (observedRows[k], observedColumns[k]) in the order given, scaled by
    /// 1/√p with p = |Ω|/(n1n2). The index lists are copied.
    /// </summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="observedRows">Row index of each observation.</param>
    /// <param name="observedColumns">Column index of each observation.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index lies outside the matrix.</exception>
    /// <exception cref="ArgumentException">The lists differ in length, are empty, or name an entry twice.</exception>
    internal static EntrySamplingOperator<T> FromIndices(int rows, int columns, ReadOnlySpan<int> observedRows, ReadOnlySpan<int> observedColumns)
    {
        CheckShape(rows, columns);
        if (observedRows.Length != observedColumns.Length)
            throw new ArgumentException($"observedRows has {observedRows.Length} indices but observedColumns has {observedColumns.Length}; give one row and one column per observation.", nameof(observedColumns));
        if (observedRows.IsEmpty)
            throw new ArgumentException("No entry was given: a completion operator needs at least one observed entry.", nameof(observedRows));
        MemoryGuard.EnsureFits(32L * observedRows.Length, $"an entry-sampling operator with {observedRows.Length} observations");
        return new EntrySamplingOperator<T>(rows, columns, observedRows.ToArray(), observedColumns.ToArray(),
            (double)observedRows.Length / ((long)rows * columns));
    }

    /// <summary>p, the observation probability the scaling uses.</summary>
    public double Probability { get; }

    /// <summary>1/√p: a raw observed entry M_jk times this is its measurement.</summary>
    public override T ObservationScale => _scale;

    /// <inheritdoc/>
    public override string Name => "entry-sampling";

    /// <inheritdoc/>
    public override long StoredBytes => 2L * sizeof(int) * Count + _layout.Bytes;

    /// <summary>Row of each observation, in measurement order: measurement k reads entry (ObservedRows[k], ObservedColumns[k]).</summary>
    public ReadOnlySpan<int> ObservedRows => _row;

    /// <summary>Column of each observation, in measurement order.</summary>
    public ReadOnlySpan<int> ObservedColumns => _column;

    /// <inheritdoc/>
    protected override void ApplyCore(ReadOnlySpan<T> z, Span<T> result)
    {
        for (int k = 0; k < Count; k++) result[k] = z[_row[k] + _column[k] * Rows] * _scale;
    }

    /// <inheritdoc/>
    protected override void ApplyAdjointCore(ReadOnlySpan<T> residual, Span<T> result)
    {
        result.Clear();
        for (int k = 0; k < Count; k++) result[_row[k] + _column[k] * Rows] += residual[k] * _scale;
    }

    /// <inheritdoc/>
    protected override OperatorWorkspace<T> CreateWorkspaceCore(int rank, int maxBatch) => new Scratch(this, rank, maxBatch);

    /// <inheritdoc/>
    protected override void ApplyFactoredCore(ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> result) =>
        Pass(EntrySamplingPass<T>.PassMode.Forward, u, v, default, result, (Scratch)workspace, default, default);

    /// <inheritdoc/>
    protected override void AdjointFactoredCore(ReadOnlySpan<T> residual, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> gv, Span<T> gtu)
        => Pass(EntrySamplingPass<T>.PassMode.Adjoint, u, v, residual, default, (Scratch)workspace, gv, gtu);

    /// <inheritdoc/>
    protected override void ResidualAndAdjointFactoredCore(ReadOnlySpan<T> u, ReadOnlySpan<T> v, ReadOnlySpan<T> measurements, OperatorWorkspace<T> workspace,
        Span<T> residual, Span<T> gv, Span<T> gtu) =>
        Pass(EntrySamplingPass<T>.PassMode.Fused, u, v, measurements, residual, (Scratch)workspace, gv, gtu);

    /// <inheritdoc/>
    protected override unsafe void ApplyFactoredRowsCore(ReadOnlySpan<int> rows, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> result)
    {
        var ws = (Scratch)workspace;
        int h = ws.Rank, hp = ws.Stride, n1 = Rows, n2 = Columns;
        if (UsePaddedRows(rows.Length))
        {
            ToPaddedRowMajor(u, n1, h, hp, ws.Ut);
            ToPaddedRowMajor(v, n2, h, hp, ws.Vt);
            fixed (T* ut = ws.Ut, vt = ws.Vt)
                for (int b = 0; b < rows.Length; b++)
                    result[b] = _scale * EntrySamplingPass<T>.Dot(ut + (long)_row[rows[b]] * hp, vt + (long)_column[rows[b]] * hp, hp);
            return;
        }
        // Straight from the column-major factors: O(h) per measurement, nothing of size n1 or n2 touched.
        for (int b = 0; b < rows.Length; b++)
        {
            int i = _row[rows[b]], j = _column[rows[b]];
            T sum = T.Zero;
            for (int l = 0; l < h; l++) sum += u[i + l * n1] * v[j + l * n2];
            result[b] = _scale * sum;
        }
    }

    /// <inheritdoc/>
    protected override unsafe void AdjointFactoredRowsCore(ReadOnlySpan<int> rows, ReadOnlySpan<T> residual, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> gv, Span<T> gtu)
    {
        var ws = (Scratch)workspace;
        int h = ws.Rank, hp = ws.Stride, n1 = Rows, n2 = Columns;
        if (UsePaddedRows(rows.Length))
        {
            ToPaddedRowMajor(u, n1, h, hp, ws.Ut);
            ToPaddedRowMajor(v, n2, h, hp, ws.Vt);
            ws.GVt.AsSpan().Clear();
            ws.GtUt.AsSpan().Clear();
            fixed (T* ut = ws.Ut, vt = ws.Vt, gvt = ws.GVt, gtut = ws.GtUt)
                for (int b = 0; b < rows.Length; b++)
                {
                    long i = _row[rows[b]] * (long)hp, j = _column[rows[b]] * (long)hp;
                    T c = _scale * residual[b];
                    EntrySamplingPass<T>.AddScaled(gvt + i, c, vt + j, hp);
                    EntrySamplingPass<T>.AddScaled(gtut + j, c, ut + i, hp);
                }
            FromPaddedRowMajor(ws.GVt, n1, h, hp, gv);
            FromPaddedRowMajor(ws.GtUt, n2, h, hp, gtu);
            return;
        }
        // One clear of the outputs (they are dense n×h by contract), then O(h) per measurement.
        gv.Clear();
        gtu.Clear();
        for (int b = 0; b < rows.Length; b++)
        {
            int i = _row[rows[b]], j = _column[rows[b]];
            T c = _scale * residual[b];
            for (int l = 0; l < h; l++)
            {
                gv[i + l * n1] += c * v[j + l * n2];
                gtu[j + l * n2] += c * u[i + l * n1];
            }
        }
    }

    /// <summary>
    /// Large batches (validation subsets, big mini-batches) go through the padded row-major copies, where each entry
    /// reads and writes two contiguous h-vectors; small ones (per-sample SGD) read the column-major factors directly,
    /// so their cost stays O(batch·h) plus the one clear of the outputs.
    /// </summary>
    private bool UsePaddedRows(int batch) => 4L * batch >= (long)Rows + Columns;

    private void Pass(EntrySamplingPass<T>.PassMode mode, ReadOnlySpan<T> u, ReadOnlySpan<T> v, ReadOnlySpan<T> measurements, Span<T> residual,
        Scratch ws, Span<T> gv, Span<T> gtu)
    {
        int h = ws.Rank, hp = ws.Stride;
        ToPaddedRowMajor(u, Rows, h, hp, ws.Ut);
        ToPaddedRowMajor(v, Columns, h, hp, ws.Vt);
        ws.Kernel.Run(mode, ws.Ut, ws.Vt, measurements, residual, ws.Coefficient, ws.GVt, ws.GtUt);
        if (mode == EntrySamplingPass<T>.PassMode.Forward) return;
        FromPaddedRowMajor(ws.GVt, Rows, h, hp, gv);
        FromPaddedRowMajor(ws.GtUt, Columns, h, hp, gtu);
    }

    private static void ToPaddedRowMajor(ReadOnlySpan<T> columnMajor, int n, int h, int stride, Span<T> rowMajor)
    {
        // Only the first h of each padded row are written: the padding keeps the zeros it was allocated with.
        for (int i = 0; i < n; i++)
        {
            var row = rowMajor.Slice(i * stride, h);
            for (int l = 0; l < h; l++) row[l] = columnMajor[i + l * n];
        }
    }

    private static void FromPaddedRowMajor(ReadOnlySpan<T> rowMajor, int n, int h, int stride, Span<T> columnMajor)
    {
        for (int l = 0; l < h; l++)
        {
            var column = columnMajor.Slice(l * n, n);
            for (int i = 0; i < n; i++) column[i] = rowMajor[i * stride + l];
        }
    }

    private static void CheckShape(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
    }

    /// <summary>Generated entries, numbered by row then column (the row pass then reads y and writes r in order).</summary>
    private static EntrySamplingOperator<T> FromLinear(int rows, int columns, List<long> linear, double probability)
    {
        MemoryGuard.EnsureFits(40L * linear.Count, $"an entry-sampling operator with {linear.Count} observations");
        var key = new long[linear.Count];
        for (int k = 0; k < key.Length; k++) key[k] = linear[k] % rows * columns + linear[k] / rows;
        Array.Sort(key);
        var row = new int[key.Length];
        var column = new int[key.Length];
        for (int k = 0; k < key.Length; k++)
        {
            row[k] = (int)(key[k] / columns);
            column[k] = (int)(key[k] % columns);
        }
        return new EntrySamplingOperator<T>(rows, columns, row, column, probability);
    }

    private sealed class Scratch : OperatorWorkspace<T>
    {
        public Scratch(EntrySamplingOperator<T> owner, int rank, int maxBatch) : base(owner, rank, maxBatch)
        {
            Stride = EntrySamplingPass<T>.PaddedRank(rank);
            Ut = new T[(long)owner.Rows * Stride];
            Vt = new T[(long)owner.Columns * Stride];
            GVt = new T[Ut.Length];
            GtUt = new T[Vt.Length];
            Coefficient = new T[owner.Count];
            Kernel = new EntrySamplingPass<T>(owner._layout, owner._scale, rank);
        }

        public int Stride { get; }
        public T[] Ut { get; }
        public T[] Vt { get; }
        public T[] GVt { get; }
        public T[] GtUt { get; }

        /// <summary>s·r of each entry in row-sorted storage order, written by the row pass for the column pass.</summary>
        public T[] Coefficient { get; }

        public EntrySamplingPass<T> Kernel { get; }
    }
}
