using System.Numerics;
using System.Numerics.Tensors;
using MatrixSensing.LinearAlgebra;
using MatrixSensing.Random;

namespace MatrixSensing.Operators;

/// <summary>
/// Bilinear rank-one measurements A(Z)_i = a_iᵀ Z b_i / √m with a_i, b_i ~ N(0, I). The symmetric variant
/// (b_i = a_i) is scaled by 1/√(2m): for Gaussian a, E[(aᵀZa)²] = 2‖Z‖_F² + tr(Z)² on symmetric Z, so this scale gives
/// E‖A(Z)‖² = ‖Z‖_F² + tr(Z)²/2 — an isometry on trace-free directions, with the usual trace bias of such ensembles.
/// The factored routes cost O(m(n1 + n2)h) through GEMM and never form A_i or U·Vᵀ:
/// A(UVᵀ)_i = ⟨Uᵀa_i, Vᵀb_i⟩/√m, A*(r)V = Σ r_i a_i (b_iᵀV)/√m. Memory O(m(n1 + n2)).
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public sealed class RankOneOperator<T> : MeasurementOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _a; // n1×m: column i is a_i
    private readonly T[] _b; // n2×m: column i is b_i (the same array as _a when symmetric)
    private readonly T _scale;

    /// <summary>Draws the vectors from a seed.</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="count">m.</param>
    /// <param name="seed">Seed of a_i and b_i.</param>
    /// <param name="symmetric">Use b_i = a_i (needs n1 = n2).</param>
    public RankOneOperator(int rows, int columns, int count, ulong seed, bool symmetric = false) : base(rows, columns, count)
    {
        if (symmetric && rows != columns)
            throw new ArgumentException($"The symmetric rank-one ensemble needs a square unknown; got {rows}×{columns}.", nameof(symmetric));
        IsSymmetric = symmetric;
        _a = new T[(long)rows * count];
        ParallelNormal.Fill(_a, seed ^ 0xA11CEUL, T.One);
        if (symmetric) _b = _a;
        else
        {
            _b = new T[(long)columns * count];
            ParallelNormal.Fill(_b, seed ^ 0xB0BUL, T.One);
        }
        _scale = T.One / T.Sqrt(T.CreateTruncating(symmetric ? 2.0 * count : count));
    }

    /// <summary>Wraps vectors given as data (not copied): column i of <paramref name="a"/> is a_i.</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="count">m.</param>
    /// <param name="a">n1×m, column-major.</param>
    /// <param name="b">n2×m, column-major, or null for the symmetric form b_i = a_i.</param>
    internal RankOneOperator(int rows, int columns, int count, T[] a, T[]? b) : base(rows, columns, count)
    {
        IsSymmetric = b is null;
        _a = a;
        _b = b ?? a;
        _scale = T.One / T.Sqrt(T.CreateTruncating(IsSymmetric ? 2.0 * count : count));
    }

    /// <summary>a_i as the columns of an n1×m column-major array (for tests and data export).</summary>
    internal ReadOnlySpan<T> LeftVectors => _a;

    /// <summary>b_i as the columns of an n2×m column-major array (the same as <see cref="LeftVectors"/> when symmetric).</summary>
    internal ReadOnlySpan<T> RightVectors => _b;

    /// <summary>1/√m (1/√(2m) symmetric): a raw a_iᵀ M b_i times this is measurement i.</summary>
    public override T ObservationScale => _scale;

    /// <summary>Whether b_i = a_i.</summary>
    public bool IsSymmetric { get; }

    /// <inheritdoc/>
    public override string Name => IsSymmetric ? "rank-one-symmetric" : "rank-one";

    /// <inheritdoc/>
    public override long StoredBytes => (_a.LongLength + (IsSymmetric ? 0 : _b.LongLength)) * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();

    /// <inheritdoc/>
    protected override void ApplyCore(ReadOnlySpan<T> z, Span<T> result)
    {
        // (Zᵀa_i)·b_i for all i: W = Zᵀ·A (n2×m), then column dots with B.
        var w = DenseScratch(Columns * Count);
        Blas.Gemm(Transpose.Transposed, Transpose.None, Columns, Count, Rows, T.One, z, Rows, _a, Rows, T.Zero, w.AsSpan(), Columns);
        for (int i = 0; i < Count; i++) result[i] = _scale * TensorPrimitives.Dot<T>(w.AsSpan(i * Columns, Columns), _b.AsSpan(i * Columns, Columns));
    }

    /// <inheritdoc/>
    protected override void ApplyAdjointCore(ReadOnlySpan<T> residual, Span<T> result)
    {
        // Σ r_i a_i b_iᵀ = A·diag(r)·Bᵀ.
        var scaled = DenseScratch(_b.Length);
        for (int i = 0; i < Count; i++)
            TensorPrimitives.Multiply<T>(_b.AsSpan(i * Columns, Columns), _scale * residual[i], scaled.AsSpan(i * Columns, Columns));
        Blas.Gemm(Transpose.None, Transpose.Transposed, Rows, Columns, Count, T.One, _a, Rows, scaled, Columns, T.Zero, result, Rows);
    }

    [ThreadStatic] private static T[]? t_denseScratch;

    /// <summary>
    /// Scratch of the dense routes (their signatures carry no workspace): one buffer per thread, grown on demand,
    /// so repeated calls allocate nothing and a shared operator stays safe across threads.
    /// </summary>
    private static T[] DenseScratch(int length)
    {
        if (t_denseScratch is null || t_denseScratch.Length < length) t_denseScratch = new T[length];
        return t_denseScratch;
    }

    /// <inheritdoc/>
    protected override OperatorWorkspace<T> CreateWorkspaceCore(int rank, int maxBatch) => new Scratch(this, rank, maxBatch);

    /// <inheritdoc/>
    protected override void ApplyFactoredCore(ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> result)
    {
        var ws = (Scratch)workspace;
        Project(u, v, ws);
        RowDots(ws.P, ws.Q, Count, ws.Rank, result);
    }

    /// <inheritdoc/>
    protected override void AdjointFactoredCore(ReadOnlySpan<T> residual, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> gv, Span<T> gtu)
    {
        var ws = (Scratch)workspace;
        int h = ws.Rank;
        Project(u, v, ws);
        // G·V = A·diag(r)·(BᵀV)/√m and Gᵀ·U = B·diag(r)·(AᵀU)/√m.
        ScaleRows(ws.Q, residual, Count, h);
        ScaleRows(ws.P, residual, Count, h);
        Blas.Gemm(Transpose.None, Transpose.None, Rows, h, Count, ws.RootScale, _a, Rows, ws.Q, Count, T.Zero, gv, Rows);
        Blas.Gemm(Transpose.None, Transpose.None, Columns, h, Count, ws.RootScale, _b, Columns, ws.P, Count, T.Zero, gtu, Columns);
    }

    /// <inheritdoc/>
    protected override void ApplyFactoredRowsCore(ReadOnlySpan<int> rows, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> result)
    {
        var ws = (Scratch)workspace;
        int h = ws.Rank;
        GatherProjections(rows, u, v, ws);
        RowDots(ws.P, ws.Q, rows.Length, h, result, ld: ws.BatchStride);
    }

    /// <inheritdoc/>
    protected override void AdjointFactoredRowsCore(ReadOnlySpan<int> rows, ReadOnlySpan<T> residual, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> gv, Span<T> gtu)
    {
        var ws = (Scratch)workspace;
        int h = ws.Rank, b = rows.Length;
        GatherProjections(rows, u, v, ws);
        ScaleRows(ws.Q, residual, b, h, ws.BatchStride);
        ScaleRows(ws.P, residual, b, h, ws.BatchStride);
        // The batch's a_i and b_i were gathered into contiguous columns by GatherProjections.
        Blas.Gemm(Transpose.None, Transpose.None, Rows, h, b, ws.RootScale, ws.BatchA, Rows, ws.Q, ws.BatchStride, T.Zero, gv, Rows);
        Blas.Gemm(Transpose.None, Transpose.None, Columns, h, b, ws.RootScale, ws.BatchB, Columns, ws.P, ws.BatchStride, T.Zero, gtu, Columns);
    }

    /// <summary>P ← AᵀU (m×h), Q ← BᵀV (m×h), each scaled by m^(−1/4) so that products of two of them carry 1/√m.</summary>
    private void Project(ReadOnlySpan<T> u, ReadOnlySpan<T> v, Scratch ws)
    {
        int h = ws.Rank;
        Blas.Gemm(Transpose.Transposed, Transpose.None, Count, h, Rows, ws.RootScale, _a, Rows, u, Rows, T.Zero, ws.P.AsSpan(), Count);
        Blas.Gemm(Transpose.Transposed, Transpose.None, Count, h, Columns, ws.RootScale, _b, Columns, v, Columns, T.Zero, ws.Q.AsSpan(), Count);
    }

    private void GatherProjections(ReadOnlySpan<int> rows, ReadOnlySpan<T> u, ReadOnlySpan<T> v, Scratch ws)
    {
        int h = ws.Rank, b = rows.Length;
        for (int k = 0; k < b; k++)
        {
            _a.AsSpan(rows[k] * Rows, Rows).CopyTo(ws.BatchA.AsSpan(k * Rows, Rows));
            _b.AsSpan(rows[k] * Columns, Columns).CopyTo(ws.BatchB.AsSpan(k * Columns, Columns));
        }
        Blas.Gemm(Transpose.Transposed, Transpose.None, b, h, Rows, ws.RootScale, ws.BatchA, Rows, u, Rows, T.Zero, ws.P.AsSpan(), ws.BatchStride);
        Blas.Gemm(Transpose.Transposed, Transpose.None, b, h, Columns, ws.RootScale, ws.BatchB, Columns, v, Columns, T.Zero, ws.Q.AsSpan(), ws.BatchStride);
    }

    private static void RowDots(T[] p, T[] q, int count, int h, Span<T> result, int ld = -1)
    {
        if (ld < 0) ld = count;
        result[..count].Clear();
        for (int l = 0; l < h; l++)
        {
            var pl = p.AsSpan(l * ld, count);
            var ql = q.AsSpan(l * ld, count);
            TensorPrimitives.MultiplyAdd<T>(pl, ql, result[..count], result[..count]);
        }
    }

    private static void ScaleRows(T[] x, ReadOnlySpan<T> r, int count, int h, int ld = -1)
    {
        if (ld < 0) ld = count;
        for (int l = 0; l < h; l++) TensorPrimitives.Multiply<T>(x.AsSpan(l * ld, count), r[..count], x.AsSpan(l * ld, count));
    }

    private sealed class Scratch : OperatorWorkspace<T>
    {
        public Scratch(RankOneOperator<T> owner, int rank, int maxBatch) : base(owner, rank, maxBatch)
        {
            BatchStride = Math.Max(1, maxBatch);
            P = new T[Math.Max(owner.Count, BatchStride) * rank];
            Q = new T[P.Length];
            BatchA = new T[owner.Rows * maxBatch];
            BatchB = new T[owner.Columns * maxBatch];
            RootScale = T.Sqrt(owner._scale);
        }

        public T[] P { get; }
        public T[] Q { get; }
        public T[] BatchA { get; }
        public T[] BatchB { get; }
        public int BatchStride { get; }
        public T RootScale { get; }
    }
}
