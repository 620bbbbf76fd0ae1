using System.Numerics;
using MatrixSensing.LinearAlgebra;
using MatrixSensing.Random;

namespace MatrixSensing.Operators;

/// <summary>
/// Matrix completion: observe the entries Ω, A(Z)_k = Z[i_k, j_k]/√p, with Ω drawn entry by entry with probability p
/// or as exactly |Ω| entries uniformly without replacement (then p = |Ω|/(n1n2)). Factored routes cost O(|Ω|h) and
/// work on row-major copies of the factors, so each observed entry reads two contiguous h-vectors.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public sealed class EntrySamplingOperator<T> : MeasurementOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int[] _row;
    private readonly int[] _column;
    private readonly T _scale;

    private EntrySamplingOperator(int rows, int columns, int[] row, int[] column, double probability)
        : base(rows, columns, row.Length)
    {
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

    /// <summary>Observes given entries (row and column indices, scaled by 1/√p with p = |Ω|/(n1n2)).</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="observedRows">Row index of each observation.</param>
    /// <param name="observedColumns">Column index of each observation.</param>
    internal static EntrySamplingOperator<T> FromIndices(int rows, int columns, ReadOnlySpan<int> observedRows, ReadOnlySpan<int> observedColumns)
    {
        CheckShape(rows, columns);
        if (observedRows.Length != observedColumns.Length || observedRows.IsEmpty)
            throw new ArgumentException("Row and column index lists must be non-empty and of equal length.", nameof(observedColumns));
        var linear = new List<long>(observedRows.Length);
        for (int k = 0; k < observedRows.Length; k++)
        {
            if ((uint)observedRows[k] >= (uint)rows || (uint)observedColumns[k] >= (uint)columns)
                throw new ArgumentOutOfRangeException(nameof(observedRows), $"Entry ({observedRows[k]}, {observedColumns[k]}) lies outside {rows}×{columns}.");
            linear.Add(observedRows[k] + (long)observedColumns[k] * rows);
        }
        return FromLinear(rows, columns, linear, (double)observedRows.Length / ((long)rows * columns));
    }

    /// <summary>p, the observation probability the scaling uses.</summary>
    public double Probability { get; }

    /// <inheritdoc/>
    public override string Name => "entry-sampling";

    /// <inheritdoc/>
    public override long StoredBytes => 2L * sizeof(int) * Count;

    /// <summary>Row of observation k.</summary>
    public ReadOnlySpan<int> ObservedRows => _row;

    /// <summary>Column of observation k.</summary>
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
        Forward(default, u, v, (Scratch)workspace, result, all: true);

    /// <inheritdoc/>
    protected override void AdjointFactoredCore(ReadOnlySpan<T> residual, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> gv, Span<T> gtu) =>
        Adjoint(default, residual, u, v, (Scratch)workspace, gv, gtu, all: true);

    /// <inheritdoc/>
    protected override void ApplyFactoredRowsCore(ReadOnlySpan<int> rows, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> result) =>
        Forward(rows, u, v, (Scratch)workspace, result, all: false);

    /// <inheritdoc/>
    protected override void AdjointFactoredRowsCore(ReadOnlySpan<int> rows, ReadOnlySpan<T> residual, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> gv, Span<T> gtu) =>
        Adjoint(rows, residual, u, v, (Scratch)workspace, gv, gtu, all: false);

    private void Forward(ReadOnlySpan<int> subset, ReadOnlySpan<T> u, ReadOnlySpan<T> v, Scratch ws, Span<T> result, bool all)
    {
        int h = ws.Rank;
        ToRowMajor(u, Rows, h, ws.Ut);
        ToRowMajor(v, Columns, h, ws.Vt);
        int n = all ? Count : subset.Length;
        for (int q = 0; q < n; q++)
        {
            int k = all ? q : subset[q];
            result[q] = _scale * System.Numerics.Tensors.TensorPrimitives.Dot<T>(ws.Ut.AsSpan(_row[k] * h, h), ws.Vt.AsSpan(_column[k] * h, h));
        }
    }

    private void Adjoint(ReadOnlySpan<int> subset, ReadOnlySpan<T> residual, ReadOnlySpan<T> u, ReadOnlySpan<T> v, Scratch ws, Span<T> gv, Span<T> gtu, bool all)
    {
        int h = ws.Rank;
        ToRowMajor(u, Rows, h, ws.Ut);
        ToRowMajor(v, Columns, h, ws.Vt);
        ws.GVt.AsSpan().Clear();
        ws.GtUt.AsSpan().Clear();
        int n = all ? Count : subset.Length;
        for (int q = 0; q < n; q++)
        {
            int k = all ? q : subset[q];
            T c = residual[q] * _scale;
            var gvRow = ws.GVt.AsSpan(_row[k] * h, h);
            var gtuRow = ws.GtUt.AsSpan(_column[k] * h, h);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd<T>(ws.Vt.AsSpan(_column[k] * h, h), c, gvRow, gvRow);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd<T>(ws.Ut.AsSpan(_row[k] * h, h), c, gtuRow, gtuRow);
        }
        ToColumnMajor(ws.GVt, Rows, h, gv);
        ToColumnMajor(ws.GtUt, Columns, h, gtu);
    }

    private static void ToRowMajor(ReadOnlySpan<T> columnMajor, int n, int h, Span<T> rowMajor)
    {
        for (int l = 0; l < h; l++)
            for (int i = 0; i < n; i++)
                rowMajor[i * h + l] = columnMajor[i + l * n];
    }

    private static void ToColumnMajor(ReadOnlySpan<T> rowMajor, int n, int h, Span<T> columnMajor)
    {
        for (int l = 0; l < h; l++)
            for (int i = 0; i < n; i++)
                columnMajor[i + l * n] = rowMajor[i * h + l];
    }

    private static void CheckShape(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
    }

    private static EntrySamplingOperator<T> FromLinear(int rows, int columns, List<long> linear, double probability)
    {
        MemoryGuard.EnsureFits(8L * linear.Count, $"an entry-sampling operator with {linear.Count} observations");
        // Sorted by position: the adjoint's scattered writes then walk memory in order.
        linear.Sort();
        var row = new int[linear.Count];
        var column = new int[linear.Count];
        for (int k = 0; k < linear.Count; k++)
        {
            row[k] = (int)(linear[k] % rows);
            column[k] = (int)(linear[k] / rows);
        }
        return new EntrySamplingOperator<T>(rows, columns, row, column, probability);
    }

    private sealed class Scratch(EntrySamplingOperator<T> owner, int rank, int maxBatch) : OperatorWorkspace<T>(owner, rank, maxBatch)
    {
        public T[] Ut { get; } = new T[owner.Rows * rank];
        public T[] Vt { get; } = new T[owner.Columns * rank];
        public T[] GVt { get; } = new T[owner.Rows * rank];
        public T[] GtUt { get; } = new T[owner.Columns * rank];
    }
}
