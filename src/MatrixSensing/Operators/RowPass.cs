using System.Numerics;
using MatrixSensing.Operators.Kernels;

namespace MatrixSensing.Operators;

/// <summary>
/// The passes of a dense ensemble (one stored row a_i per measurement, A_i = s·a_i) over its m rows, on the
/// <see cref="RowEngine"/> and <see cref="ChunkedParallel"/>: forward r = s·A z, fused residual-and-adjoint, adjoint,
/// and their row-subset forms. Immutable, so one instance serves every solver of its operator; the fused pass
/// takes its partial-sum buffers from the caller's workspace.
/// <para>
/// Chunking, fixed by the sizes alone: the forward and fused passes split the rows in K contiguous chunks (the
/// fused pass sums chunk k's part of Aᵀr into its own buffer, then adds the K buffers in chunk order); the adjoint
/// splits the n1·n2 columns in K ranges, each summing over all rows in order. Results depend on K (hence on m and
/// n1·n2) and on the vector width, never on the thread count or on buffer addresses.
/// </para>
/// </summary>
internal abstract class RowPass<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected RowPass(int count, int rowLength, long rowBytes, T scale)
    {
        Count = count;
        RowLength = rowLength;
        Scale = scale;
        BlockRows = RowEngine.BlockRows(rowBytes);
        long work = (long)count * rowLength;
        RowChunks = ChunkedParallel.ChunkCount(work, count / 4 + 1);
        ColumnChunks = ChunkedParallel.ChunkCount(work, (rowLength + ColumnGranule - 1) / ColumnGranule);
    }

    /// <summary>Column ranges of the adjoint start on multiples of this many elements (a whole word of bits).</summary>
    internal const int ColumnGranule = 64;

    /// <summary>m.</summary>
    internal int Count { get; }

    /// <summary>n1·n2.</summary>
    internal int RowLength { get; }

    /// <summary>s, the factor every stored row is multiplied by.</summary>
    internal T Scale { get; }

    /// <summary>Rows per register block of the engine.</summary>
    internal int BlockRows { get; }

    /// <summary>K of the forward and fused passes.</summary>
    internal int RowChunks { get; }

    /// <summary>K of the adjoint pass.</summary>
    internal int ColumnChunks { get; }

    /// <summary>Elements of partial-sum scratch <see cref="ResidualAndAdjoint"/> needs: (K − 1)·n1·n2.</summary>
    internal int PartialsLength => (RowChunks - 1) * RowLength;

    /// <summary>r ← s·A z.</summary>
    internal abstract void Forward(ReadOnlySpan<T> z, Span<T> result);

    /// <summary>r ← s·A z − y and g ← s·Aᵀ r in one pass over the rows.</summary>
    /// <param name="z">Z, n1·n2.</param>
    /// <param name="y">y, m.</param>
    /// <param name="residual">m, overwritten.</param>
    /// <param name="g">n1·n2, overwritten.</param>
    /// <param name="partials">At least <see cref="PartialsLength"/> elements of scratch.</param>
    internal abstract void ResidualAndAdjoint(ReadOnlySpan<T> z, ReadOnlySpan<T> y, Span<T> residual, Span<T> g, Span<T> partials);

    /// <summary>g ← s·Aᵀ c.</summary>
    internal abstract void Adjoint(ReadOnlySpan<T> coefficients, Span<T> g);

    /// <summary>result[k] ← s·⟨a_{rows[k]}, z⟩ (on the calling thread: batches are small).</summary>
    internal abstract void ForwardRows(ReadOnlySpan<int> rows, ReadOnlySpan<T> z, Span<T> result);

    /// <summary>g ← Σ_k s·c_k·a_{rows[k]} in batch order.</summary>
    internal abstract void AdjointRows(ReadOnlySpan<int> rows, ReadOnlySpan<T> coefficients, Span<T> g);
}

/// <summary>The passes for one storage: <typeparamref name="TRows"/> reads rows out of the pinned <typeparamref name="TStore"/> array.</summary>
internal abstract unsafe class RowPass<T, TStore, TRows> : RowPass<T>
    where T : unmanaged, IFloatingPointIeee754<T> where TStore : unmanaged where TRows : struct, IRowElements<T>
{
    private readonly TStore[] _storage;
    private readonly int _offset;

    /// <summary>Passes over rows stored in <paramref name="storage"/> from element <paramref name="offset"/> on.</summary>
    protected RowPass(TStore[] storage, int offset, int count, int rowLength, long rowBytes, T scale) : base(count, rowLength, rowBytes, scale)
    {
        _storage = storage;
        _offset = offset;
    }

    /// <summary>The element loader over the pinned storage.</summary>
    protected abstract TRows Rows(TStore* storage);

    internal override void Forward(ReadOnlySpan<T> z, Span<T> result)
    {
        fixed (TStore* a = &_storage[_offset])
        fixed (T* pz = z, pr = result)
        {
            var job = new RowJob { Rows = Rows(a), Pass = Shape, Z = pz, R = pr };
            ChunkedParallel.For(RowChunks, job);
        }
    }

    internal override void ResidualAndAdjoint(ReadOnlySpan<T> z, ReadOnlySpan<T> y, Span<T> residual, Span<T> g, Span<T> partials)
    {
        int n = RowLength;
        if (partials.Length < PartialsLength) throw new ArgumentException($"The pass needs {PartialsLength} elements of scratch.", nameof(partials));
        fixed (TStore* a = &_storage[_offset])
        fixed (T* pz = z, py = y, pr = residual, pg = g, pp = partials)
        {
            var job = new RowJob { Rows = Rows(a), Pass = Shape, Z = pz, Y = py, R = pr, G = pg, Partials = pp };
            ChunkedParallel.For(RowChunks, job);
        }
        // Chunk order, element by element: the same bits for any thread count and any address.
        for (int k = 1; k < RowChunks; k++)
            System.Numerics.Tensors.TensorPrimitives.Add<T>(g[..n], partials.Slice((k - 1) * n, n), g[..n]);
    }

    internal override void Adjoint(ReadOnlySpan<T> coefficients, Span<T> g)
    {
        g[..RowLength].Clear();
        fixed (TStore* a = &_storage[_offset])
        fixed (T* pc = coefficients, pg = g)
        {
            var job = new ColumnJob { Rows = Rows(a), Pass = Shape, C = pc, G = pg };
            ChunkedParallel.For(ColumnChunks, job);
        }
    }

    internal override void ForwardRows(ReadOnlySpan<int> rows, ReadOnlySpan<T> z, Span<T> result)
    {
        fixed (TStore* a = &_storage[_offset])
        fixed (T* pz = z)
        {
            var loader = Rows(a);
            for (int k = 0; k < rows.Length; k++) result[k] = Scale * RowEngine.Dot<T, TRows>(loader, rows[k], RowLength, pz);
        }
    }

    internal override void AdjointRows(ReadOnlySpan<int> rows, ReadOnlySpan<T> coefficients, Span<T> g)
    {
        g[..RowLength].Clear();
        fixed (TStore* a = &_storage[_offset])
        fixed (T* pg = g)
        {
            var loader = Rows(a);
            for (int k = 0; k < rows.Length; k++) RowEngine.AddScaled<T, TRows>(loader, rows[k], RowLength, Scale * coefficients[k], pg);
        }
    }

    private PassShape Shape => new(Count, RowLength, BlockRows, RowChunks, ColumnChunks, Scale);

    private readonly record struct PassShape(int Count, int RowLength, int BlockRows, int RowChunks, int ColumnChunks, T Scale);

    /// <summary>Forward (G null) or fused pass over chunk k's rows; chunk 0 sums into g, chunk k > 0 into partial k − 1.</summary>
    private struct RowJob : IChunkJob
    {
        internal TRows Rows;
        internal PassShape Pass;
        internal T* Z, Y, R, G, Partials;

        public readonly void Run(int chunk)
        {
            var (start, end) = ChunkedParallel.Range(Pass.Count, Pass.RowChunks, chunk);
            if (G == null)
            {
                RowEngine.Residuals<T, TRows>(Rows, start, end, Pass.RowLength, Pass.BlockRows, Pass.Scale, Z, null, R);
                return;
            }
            T* g = chunk == 0 ? G : Partials + (nint)(chunk - 1) * Pass.RowLength;
            new Span<T>(g, Pass.RowLength).Clear();
            RowEngine.ResidualsAndAdjoint<T, TRows>(Rows, start, end, Pass.RowLength, Pass.BlockRows, Pass.Scale, Z, Y, R, g);
        }
    }

    /// <summary>Adjoint over chunk k's column range, all rows in order.</summary>
    private struct ColumnJob : IChunkJob
    {
        internal TRows Rows;
        internal PassShape Pass;
        internal T* C, G;

        public readonly void Run(int chunk)
        {
            var (from, to) = ChunkedParallel.Range(Pass.RowLength, Pass.ColumnChunks, chunk, ColumnGranule);
            if (from < to) RowEngine.Adjoint<T, TRows>(Rows, 0, Pass.Count, from, to, Pass.Scale, C, G);
        }
    }
}

/// <summary>Rows stored in the compute precision.</summary>
internal sealed unsafe class StoredRowPass<T>(T[] rows, int count, int rowLength, int offset = 0)
    : RowPass<T, T, StoredRows<T>>(rows, offset, count, rowLength, (long)rowLength * sizeof(T), T.One)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    protected override StoredRows<T> Rows(T* storage) => new(storage, RowLength);
}

/// <summary>Rows stored in float32, computed in float64.</summary>
internal sealed unsafe class WidenedRowPass(float[] rows, int count, int rowLength, int offset = 0)
    : RowPass<double, float, WidenedRows>(rows, offset, count, rowLength, (long)rowLength * sizeof(float), 1.0)
{
    protected override WidenedRows Rows(float* storage) => new(storage, RowLength);
}

/// <summary>Rows of ±1 bits (64 per word, each row on whole words), scaled by s.</summary>
internal sealed unsafe class SignRowPass<T>(ulong[] bits, int count, int rowLength, T scale, int offset = 0)
    : RowPass<T, ulong, SignRows<T>>(bits, offset, count, rowLength, (rowLength + 63) / 64 * 8L, scale)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    protected override SignRows<T> Rows(ulong* storage) => new(storage, (RowLength + 63) / 64);
}
