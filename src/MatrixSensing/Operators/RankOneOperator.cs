using System.Numerics;
using System.Numerics.Tensors;
using MatrixSensing.LinearAlgebra;
using MatrixSensing.Operators.Kernels;
using MatrixSensing.Random;

namespace MatrixSensing.Operators;

/// <summary>
/// Bilinear rank-one measurements A(Z)_i = a_iᵀ Z b_i / √m with a_i, b_i ~ N(0, I). The symmetric variant
/// (b_i = a_i) is scaled by 1/√(2m): for Gaussian a, E[(aᵀZa)²] = 2‖Z‖_F² + tr(Z)² on symmetric Z, so this scale gives
/// E‖A(Z)‖² = ‖Z‖_F² + tr(Z)²/2 — an isometry on trace-free directions, with the usual trace bias of such ensembles.
/// The factored routes never form A_i or U·Vᵀ: one fused pass per iteration streams each a_i and b_i once, computing
/// Uᵀa_i and Vᵀb_i, the residual, and the contributions to A*(r)V = Σ c_i a_i (b_iᵀV) and A*(r)ᵀU = Σ c_i b_i (a_iᵀU)
/// while the block of vectors is in cache; O(m(n1 + n2)h) work, memory O(m(n1 + n2)), optionally stored in float32
/// (<see cref="StoragePrecision.Reduced"/>) to halve the bytes a pass streams. Deterministic: fixed measurement chunks
/// summed in a fixed order.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public sealed class RankOneOperator<T> : MeasurementOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Measurements per block of the dense (materialized) routes, which run on BLAS GEMM.</summary>
    private const int DenseBlock = 256;

    private readonly RankOneStore<T> _store;
    private readonly T _scale;

    /// <summary>Draws the vectors from a seed, stored in the compute precision.</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="count">m.</param>
    /// <param name="seed">Seed of a_i and b_i.</param>
    /// <param name="symmetric">Use b_i = a_i (needs n1 = n2).</param>
    public RankOneOperator(int rows, int columns, int count, ulong seed, bool symmetric = false)
        : this(rows, columns, count, seed, symmetric, StoragePrecision.Compute)
    {
    }

    /// <summary>Draws the vectors from a seed in the given storage precision (Reduced needs T = double).</summary>
    internal RankOneOperator(int rows, int columns, int count, ulong seed, bool symmetric, StoragePrecision storage) : base(rows, columns, count)
    {
        if (symmetric && rows != columns)
            throw new ArgumentException($"The symmetric rank-one ensemble needs a square unknown; got {rows}×{columns}.", nameof(symmetric));
        if (storage == StoragePrecision.Reduced && typeof(T) == typeof(double))
        {
            var a = Draw<float>(rows, count, seed ^ 0xA11CEUL);
            var b = symmetric ? a : Draw<float>(columns, count, seed ^ 0xB0BUL);
            _store = (RankOneStore<T>)(object)new RankOneStore<double, float, SingleToDoubleLoad>(rows, columns, count, a, b);
        }
        else
        {
            var a = Draw<T>(rows, count, seed ^ 0xA11CEUL);
            var b = symmetric ? a : Draw<T>(columns, count, seed ^ 0xB0BUL);
            _store = new RankOneStore<T, T, SamePrecisionLoad<T>>(rows, columns, count, a, b);
        }
        IsSymmetric = symmetric;
        _scale = Scale(count, symmetric);
    }

    /// <summary>Wraps vectors given as data: column i of <paramref name="a"/> (n1×m, column-major) is a_i.</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="count">m.</param>
    /// <param name="a">n1×m, column-major.</param>
    /// <param name="b">n2×m, column-major, or null for the symmetric form b_i = a_i.</param>
    internal RankOneOperator(int rows, int columns, int count, T[] a, T[]? b) : base(rows, columns, count)
    {
        IsSymmetric = b is null;
        var pa = Padded(a, rows, count);
        var pb = b is null ? pa : Padded(b, columns, count);
        _store = new RankOneStore<T, T, SamePrecisionLoad<T>>(rows, columns, count, pa, pb);
        _scale = Scale(count, IsSymmetric);
    }

    /// <summary>Whether b_i = a_i.</summary>
    public bool IsSymmetric { get; }

    /// <summary>True when the vectors are stored in float32 while computing in float64.</summary>
    public bool IsReducedPrecision => _store.IsReduced;

    /// <summary>1/√m (1/√(2m) symmetric): a raw a_iᵀ M b_i times this is measurement i.</summary>
    public override T ObservationScale => _scale;

    /// <inheritdoc/>
    public override string Name => (IsSymmetric ? "rank-one-symmetric" : "rank-one") + (_store.IsReduced ? "-f32" : "");

    /// <inheritdoc/>
    public override long StoredBytes => _store.StoredBytes;

    /// <summary>The vectors a_i as the rows of an m×n1 matrix, the way data holds them (for tests and export).</summary>
    internal Matrix<T> LeftData() => Data(Rows, _store.Left);

    /// <summary>The vectors b_i as the rows of an m×n2 matrix (equal to <see cref="LeftData"/> when symmetric).</summary>
    internal Matrix<T> RightData() => Data(Columns, _store.Right);

    private Matrix<T> Data(int n, Func<int, int, T> element)
    {
        var data = new Matrix<T>(Count, n);
        for (int i = 0; i < Count; i++)
            for (int l = 0; l < n; l++) data[i, l] = element(l, i);
        return data;
    }

    /// <inheritdoc/>
    protected override void ApplyCore(ReadOnlySpan<T> z, Span<T> result)
    {
        // Per block: W = Zᵀ·[a_i] (n2×block) by GEMM, then each column dotted with b_i.
        var (w, left, right) = DenseScratch();
        for (int first = 0; first < Count; first += DenseBlock)
        {
            int count = Math.Min(DenseBlock, Count - first);
            var a = _store.LeftBlock(first, count, left);
            var b = _store.RightBlock(first, count, right);
            Blas.Gemm(Transpose.Transposed, Transpose.None, Columns, count, Rows, T.One, z, Rows, a, _store.RowStride, T.Zero, w, Columns);
            for (int k = 0; k < count; k++)
                result[first + k] = _scale * TensorPrimitives.Dot<T>(w.AsSpan(k * Columns, Columns), b.Slice(k * _store.ColumnStride, Columns));
        }
    }

    /// <inheritdoc/>
    protected override void ApplyAdjointCore(ReadOnlySpan<T> residual, Span<T> result)
    {
        // Σ r_i a_i b_iᵀ = Σ over blocks of [a_i]·diag(s·r)·[b_i]ᵀ.
        var (w, left, right) = DenseScratch();
        for (int first = 0; first < Count; first += DenseBlock)
        {
            int count = Math.Min(DenseBlock, Count - first);
            var a = _store.LeftBlock(first, count, left);
            var b = _store.RightBlock(first, count, right);
            for (int k = 0; k < count; k++)
                TensorPrimitives.Multiply<T>(b.Slice(k * _store.ColumnStride, Columns), _scale * residual[first + k], w.AsSpan(k * Columns, Columns));
            Blas.Gemm(Transpose.None, Transpose.Transposed, Rows, Columns, count, T.One, a, _store.RowStride, w, Columns,
                first == 0 ? T.Zero : T.One, result, Rows);
        }
    }

    [ThreadStatic] private static T[]? t_w, t_left, t_right;

    /// <summary>
    /// Scratch of the dense routes (their signatures carry no workspace): buffers per thread, grown on demand, so
    /// repeated calls allocate nothing and a shared operator stays safe across threads.
    /// </summary>
    private (T[] W, T[] Left, T[] Right) DenseScratch()
    {
        static T[] Grow(ref T[]? buffer, long length) => buffer is not null && buffer.Length >= length ? buffer : buffer = new T[length];
        return (Grow(ref t_w, (long)Columns * DenseBlock), Grow(ref t_left, (long)_store.RowStride * DenseBlock), Grow(ref t_right, (long)_store.ColumnStride * DenseBlock));
    }

    /// <inheritdoc/>
    protected override OperatorWorkspace<T> CreateWorkspaceCore(int rank, int maxBatch) => new Scratch(this, rank, maxBatch);

    /// <inheritdoc/>
    protected override void ApplyFactoredCore(ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> result) =>
        Pass(RankOneMode.Forward, default, Count, u, v, default, result, (Scratch)workspace, default, default);

    /// <inheritdoc/>
    protected override void AdjointFactoredCore(ReadOnlySpan<T> residual, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> gv, Span<T> gtu) =>
        Pass(RankOneMode.Adjoint, default, Count, u, v, residual, default, (Scratch)workspace, gv, gtu);

    /// <inheritdoc/>
    protected override void ResidualAndAdjointFactoredCore(ReadOnlySpan<T> u, ReadOnlySpan<T> v, ReadOnlySpan<T> measurements, OperatorWorkspace<T> workspace,
        Span<T> residual, Span<T> gv, Span<T> gtu) =>
        Pass(RankOneMode.Fused, default, Count, u, v, measurements, residual, (Scratch)workspace, gv, gtu);

    /// <inheritdoc/>
    protected override void ApplyFactoredRowsCore(ReadOnlySpan<int> rows, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> result) =>
        Pass(RankOneMode.Forward, rows, rows.Length, u, v, default, result, (Scratch)workspace, default, default);

    /// <inheritdoc/>
    protected override void AdjointFactoredRowsCore(ReadOnlySpan<int> rows, ReadOnlySpan<T> residual, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> gv, Span<T> gtu) =>
        Pass(RankOneMode.Adjoint, rows, rows.Length, u, v, residual, default, (Scratch)workspace, gv, gtu);

    /// <summary>
    /// Copies the factors into the padded workspace, runs the pass over <paramref name="positions"/> measurements
    /// (the subset's, or all) in fixed chunks, and adds the chunks' partial products in chunk order.
    /// </summary>
    private unsafe void Pass(RankOneMode mode, ReadOnlySpan<int> subset, int positions, ReadOnlySpan<T> u, ReadOnlySpan<T> v, ReadOnlySpan<T> y,
        Span<T> residual, Scratch ws, Span<T> gv, Span<T> gtu)
    {
        int h = ws.Rank, n1p = _store.RowStride, n2p = _store.ColumnStride;
        CopyPadded(u, Rows, h, n1p, ws.U);
        CopyPadded(v, Columns, h, n2p, ws.V);
        int chunks = subset.IsEmpty ? _store.Chunks : 1;
                fixed (int* ps = subset)
        fixed (T* pu = ws.U, pv = ws.V, py = y, pr = residual, pg = ws.GV, pgt = ws.GtU, pw = ws.Work)
        {
            ChunkedParallel.For(chunks, new Job(_store, mode, _scale, h, subset.IsEmpty ? null : ps, positions, chunks, pu, pv, py, pr, pg, pgt, pw));
        }
        if (mode == RankOneMode.Forward) return;
        SumChunks(ws.GV, chunks, Rows, n1p, h, gv);
        SumChunks(ws.GtU, chunks, Columns, n2p, h, gtu);
    }

    /// <summary>
    /// One chunk of a pass, for the kernels' thread dispatch: chunk c covers positions [c·P/K, (c+1)·P/K) and writes
    /// only its own partial products and scratch, so any thread may run it.
    /// </summary>
    private readonly unsafe struct Job(RankOneStore<T> store, RankOneMode mode, T scale, int h, int* subset, int positions, int chunks,
        T* u, T* v, T* y, T* r, T* gv, T* gtu, T* work) : IChunkJob
    {
        public void Run(int chunk)
        {
            int first = (int)((long)positions * chunk / chunks), last = (int)((long)positions * (chunk + 1) / chunks);
            store.Chunk(mode, scale, h, subset, first, last, u, v, y, r,
                gv + (long)chunk * store.RowStride * h, gtu + (long)chunk * store.ColumnStride * h, work + (long)chunk * RankOneStore<T>.ChunkScratch(h));
        }
    }

    private static void CopyPadded(ReadOnlySpan<T> columnMajor, int n, int h, int stride, Span<T> padded)
    {
        // Only the first n of each padded column are written: the padding keeps the zeros it was allocated with.
        for (int l = 0; l < h; l++) columnMajor.Slice(l * n, n).CopyTo(padded.Slice(l * stride, n));
    }

    private static void SumChunks(ReadOnlySpan<T> partials, int chunks, int n, int stride, int h, Span<T> result)
    {
        for (int l = 0; l < h; l++)
        {
            var column = result.Slice(l * n, n);
            partials.Slice(l * stride, n).CopyTo(column);
            for (int c = 1; c < chunks; c++)
                TensorPrimitives.Add<T>(column, partials.Slice((c * h + l) * stride, n), column);
        }
    }

    private static T Scale(int count, bool symmetric) => T.One / T.Sqrt(T.CreateTruncating(symmetric ? 2.0 * count : count));

    /// <summary>
    /// m vectors of n standard normals, vector i at i·stride with zero padding: the same values as one unpadded fill
    /// of the seed (drawn in parallel), then spread out in place from the last vector down.
    /// </summary>
    private static TS[] Draw<TS>(int n, int count, ulong seed) where TS : unmanaged, IFloatingPointIeee754<TS>
    {
        int stride = RankOneStore<T>.Pad(n);
        var data = new TS[(long)stride * count];
        ParallelNormal.Fill(data.AsSpan(0, n * count), seed, TS.One);
        Spread(data, n, stride, count);
        return data;
    }

    private static T[] Padded(T[] packed, int n, int count)
    {
        int stride = RankOneStore<T>.Pad(n);
        var data = new T[(long)stride * count];
        packed.CopyTo(data, 0);
        Spread(data, n, stride, count);
        return data;
    }

    private static void Spread<TS>(TS[] data, int n, int stride, int count) where TS : unmanaged
    {
        for (int i = count - 1; i >= 0; i--)
        {
            data.AsSpan(i * n, n).CopyTo(data.AsSpan(i * stride, n));
            data.AsSpan(i * stride + n, stride - n).Clear();
        }
    }

    private sealed class Scratch : OperatorWorkspace<T>
    {
        public Scratch(RankOneOperator<T> owner, int rank, int maxBatch) : base(owner, rank, maxBatch)
        {
            var store = owner._store;
            U = new T[(long)store.RowStride * rank];
            V = new T[(long)store.ColumnStride * rank];
            GV = new T[(long)store.Chunks * U.Length];
            GtU = new T[(long)store.Chunks * V.Length];
            Work = new T[(long)store.Chunks * RankOneStore<T>.ChunkScratch(rank)];
        }

        /// <summary>U padded: column l at l·RowStride.</summary>
        public T[] U { get; }

        /// <summary>V padded: column l at l·ColumnStride.</summary>
        public T[] V { get; }

        /// <summary>One partial G·V per chunk (padded columns).</summary>
        public T[] GV { get; }

        /// <summary>One partial Gᵀ·U per chunk (padded columns).</summary>
        public T[] GtU { get; }

        /// <summary>Per chunk: the block's projections and weights.</summary>
        public T[] Work { get; }
    }
}
