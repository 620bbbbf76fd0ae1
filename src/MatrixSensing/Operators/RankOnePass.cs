using System.Numerics;
using System.Runtime.CompilerServices;

namespace MatrixSensing.Operators;

/// <summary>What a rank-one pass computes.</summary>
internal enum RankOneMode
{
    /// <summary>r_i ← s·⟨Uᵀa_i, Vᵀb_i⟩.</summary>
    Forward,

    /// <summary>c_i ← s·r_i from a given residual; G·V = Σ c_i a_i (Vᵀb_i)ᵀ and Gᵀ·U = Σ c_i b_i (Uᵀa_i)ᵀ.</summary>
    Adjoint,

    /// <summary>r_i ← s·⟨Uᵀa_i, Vᵀb_i⟩ − y_i, then the adjoint products with c_i = s·r_i, from the same read of a_i, b_i.</summary>
    Fused,
}

/// <summary>
/// The stored vectors of a rank-one operator and its fused pass, for one storage precision. Vector i occupies
/// [i·stride, i·stride + n) with the padding up to the stride zero, so the kernels run whole vectors with no tails.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
internal abstract class RankOneStore<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Measurements per block: the register tile of the kernels.</summary>
    internal const int Block = 8;

    protected RankOneStore(int rows, int columns, int count, bool symmetric)
    {
        Rows = rows;
        Columns = columns;
        Count = count;
        Symmetric = symmetric;
        RowStride = Pad(rows);
        ColumnStride = Pad(columns);
        // Fixed by m alone (never by the thread count): each chunk sums its measurements into its own partial
        // products, and the partials are added in chunk order.
        Chunks = Math.Clamp(count / 2048, 1, 16);
    }

    internal int Rows { get; }

    internal int Columns { get; }

    internal int Count { get; }

    internal bool Symmetric { get; }

    /// <summary>Padded length of a_i (a multiple of two compute vectors).</summary>
    internal int RowStride { get; }

    /// <summary>Padded length of b_i.</summary>
    internal int ColumnStride { get; }

    /// <summary>Number of fixed measurement chunks of a full pass.</summary>
    internal int Chunks { get; }

    internal abstract long StoredBytes { get; }

    internal abstract bool IsReduced { get; }

    /// <summary>Padded length for n elements: a multiple of 2·Vector&lt;T&gt;.Count, the step of <see cref="IWideLoad{TStore, T}"/>.</summary>
    internal static int Pad(int n) => (n + 2 * Vector<T>.Count - 1) / (2 * Vector<T>.Count) * (2 * Vector<T>.Count);

    /// <summary>Element l of a_i (right: of b_i) in the compute precision.</summary>
    internal abstract T Left(int l, int i);

    /// <inheritdoc cref="Left"/>
    internal abstract T Right(int l, int i);

    /// <summary>
    /// a_i for i in [first, first + count) as columns of <paramref name="scratch"/> (stride <see cref="RowStride"/>)
    /// in the compute precision; a view of the storage itself when it is in that precision.
    /// </summary>
    internal abstract ReadOnlySpan<T> LeftBlock(int first, int count, Span<T> scratch);

    /// <inheritdoc cref="LeftBlock"/>
    internal abstract ReadOnlySpan<T> RightBlock(int first, int count, Span<T> scratch);

    /// <summary>
    /// One chunk of a pass over positions [first, last): position p is measurement subset[p] (p when the subset is
    /// empty). Reads the padded factors, writes the residual (forward, fused) and adds into the chunk's partial
    /// products <paramref name="gv"/> (RowStride×h) and <paramref name="gtu"/> (ColumnStride×h), which it clears first.
    /// </summary>
    internal abstract unsafe void Chunk(RankOneMode mode, T scale, int h, int* subset, int first, int last, T* u, T* v, T* y, T* r,
        T* gv, T* gtu, T* scratch);

    /// <summary>Scratch elements one chunk needs (for its block of projections and weights).</summary>
    internal static int ChunkScratch(int h) => 4 * Block * h;
}

/// <summary>The storage and kernels for one stored element type, read through <typeparamref name="TLoad"/>.</summary>
/// <typeparam name="T">Compute precision.</typeparam>
/// <typeparam name="TStore">Stored element type.</typeparam>
/// <typeparam name="TLoad">How stored elements become compute vectors.</typeparam>
internal sealed unsafe class RankOneStore<T, TStore, TLoad> : RankOneStore<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TStore : unmanaged
    where TLoad : struct, IWideLoad<TStore, T>
{
    /// <summary>Elements of a tile of a_i: the tile of 8 vectors and of the factor stays in L1 across the h columns.</summary>
    private const int Tile = 128;

    private readonly TStore[] _a;
    private readonly TStore[] _b;
    private readonly TStore[] _zero;

    /// <summary>Wraps padded storage (vector i at i·stride); <paramref name="b"/> is <paramref name="a"/> when symmetric.</summary>
    internal RankOneStore(int rows, int columns, int count, TStore[] a, TStore[] b) : base(rows, columns, count, ReferenceEquals(a, b))
    {
        _a = a;
        _b = b;
        _zero = new TStore[Math.Max(RowStride, ColumnStride)];
    }

    internal override long StoredBytes => ((long)_a.Length + (Symmetric ? 0 : _b.Length)) * Unsafe.SizeOf<TStore>();

    internal override bool IsReduced => typeof(TStore) != typeof(T);

    internal override T Left(int l, int i) => TLoad.Widen(_a[l + (long)i * RowStride]);

    internal override T Right(int l, int i) => TLoad.Widen(_b[l + (long)i * ColumnStride]);

    internal override ReadOnlySpan<T> LeftBlock(int first, int count, Span<T> scratch) => View(_a, RowStride, first, count, scratch);

    internal override ReadOnlySpan<T> RightBlock(int first, int count, Span<T> scratch) => View(_b, ColumnStride, first, count, scratch);

    private static ReadOnlySpan<T> View(TStore[] data, int stride, int first, int count, Span<T> scratch)
    {
        var stored = data.AsSpan(first * stride, count * stride);
        if (typeof(TStore) == typeof(T)) return System.Runtime.InteropServices.MemoryMarshal.Cast<TStore, T>(stored);
        for (int k = 0; k < stored.Length; k++) scratch[k] = TLoad.Widen(stored[k]);
        return scratch[..stored.Length];
    }

    internal override void Chunk(RankOneMode mode, T scale, int h, int* subset, int first, int last, T* u, T* v, T* y, T* r,
        T* gv, T* gtu, T* scratch)
    {
        int n1p = RowStride, n2p = ColumnStride;
        bool adjoint = mode != RankOneMode.Forward;
        if (adjoint)
        {
            new Span<T>(gv, n1p * h).Clear();
            new Span<T>(gtu, n2p * h).Clear();
        }
        T* p = scratch, q = scratch + Block * h, wp = scratch + 2 * Block * h, wq = scratch + 3 * Block * h;
        TStore** a = stackalloc TStore*[Block];
        TStore** b = stackalloc TStore*[Block];
        fixed (TStore* pa = _a, pb = _b, pz = _zero)
        {
            for (int start = first; start < last; start += Block)
            {
                int valid = Math.Min(Block, last - start);
                for (int k = 0; k < Block; k++)
                {
                    // Past the end of the chunk the tile reads a zero vector with weight zero: one branch-free kernel.
                    long i = k < valid ? (subset is null ? start + k : subset[start + k]) : -1;
                    a[k] = i < 0 ? pz : pa + i * n1p;
                    b[k] = i < 0 ? pz : pb + i * n2p;
                }
                Project(a, u, n1p, h, p);
                Project(b, v, n2p, h, q);
                for (int k = 0; k < Block; k++)
                {
                    T c = T.Zero;
                    if (k < valid)
                    {
                        int pos = start + k;
                        if (mode == RankOneMode.Adjoint)
                        {
                            c = scale * y[pos];
                        }
                        else
                        {
                            T dot = T.Zero;
                            for (int l = 0; l < h; l++) dot += p[k + Block * l] * q[k + Block * l];
                            T value = scale * dot;
                            if (mode == RankOneMode.Fused) value -= y[pos];
                            r[pos] = value;
                            c = scale * value;
                        }
                    }
                    for (int l = 0; l < h; l++)
                    {
                        wq[k + Block * l] = c * q[k + Block * l];
                        wp[k + Block * l] = c * p[k + Block * l];
                    }
                }
                if (!adjoint) continue;
                Accumulate(a, wq, gv, n1p, h);
                Accumulate(b, wp, gtu, n2p, h);
            }
        }
    }

    /// <summary>result[k + 8l] ← ⟨x_k, f_l⟩ for the block's 8 stored vectors x_k and the padded factor columns f_l.</summary>
    private static void Project(TStore** x, T* f, int length, int h, T* result)
    {
        int w = Vector<T>.Count, step = 2 * w;
        new Span<T>(result, Block * h).Clear();
        TStore* x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3], x4 = x[4], x5 = x[5], x6 = x[6], x7 = x[7];
        for (int start = 0; start < length; start += Tile)
        {
            int end = Math.Min(length, start + Tile);
            for (int l = 0; l < h; l++)
            {
                T* fl = f + (long)l * length;
                Vector<T> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
                for (int e = start; e < end; e += step)
                {
                    var f0 = Unsafe.ReadUnaligned<Vector<T>>(fl + e);
                    var f1 = Unsafe.ReadUnaligned<Vector<T>>(fl + e + w);
                    TLoad.Load(x0 + e, out var lo, out var hi); s0 = VectorMath.MultiplyAdd(hi, f1, VectorMath.MultiplyAdd(lo, f0, s0));
                    TLoad.Load(x1 + e, out lo, out hi); s1 = VectorMath.MultiplyAdd(hi, f1, VectorMath.MultiplyAdd(lo, f0, s1));
                    TLoad.Load(x2 + e, out lo, out hi); s2 = VectorMath.MultiplyAdd(hi, f1, VectorMath.MultiplyAdd(lo, f0, s2));
                    TLoad.Load(x3 + e, out lo, out hi); s3 = VectorMath.MultiplyAdd(hi, f1, VectorMath.MultiplyAdd(lo, f0, s3));
                    TLoad.Load(x4 + e, out lo, out hi); s4 = VectorMath.MultiplyAdd(hi, f1, VectorMath.MultiplyAdd(lo, f0, s4));
                    TLoad.Load(x5 + e, out lo, out hi); s5 = VectorMath.MultiplyAdd(hi, f1, VectorMath.MultiplyAdd(lo, f0, s5));
                    TLoad.Load(x6 + e, out lo, out hi); s6 = VectorMath.MultiplyAdd(hi, f1, VectorMath.MultiplyAdd(lo, f0, s6));
                    TLoad.Load(x7 + e, out lo, out hi); s7 = VectorMath.MultiplyAdd(hi, f1, VectorMath.MultiplyAdd(lo, f0, s7));
                }
                T* rl = result + Block * l;
                rl[0] += Vector.Sum(s0);
                rl[1] += Vector.Sum(s1);
                rl[2] += Vector.Sum(s2);
                rl[3] += Vector.Sum(s3);
                rl[4] += Vector.Sum(s4);
                rl[5] += Vector.Sum(s5);
                rl[6] += Vector.Sum(s6);
                rl[7] += Vector.Sum(s7);
            }
        }
    }

    /// <summary>g_l ← g_l + Σ_k weight[k + 8l]·x_k for the padded output columns g_l, tile by tile.</summary>
    private static void Accumulate(TStore** x, T* weight, T* g, int length, int h)
    {
        int w = Vector<T>.Count, step = 2 * w;
        for (int start = 0; start < length; start += Tile)
        {
            int end = Math.Min(length, start + Tile);
            // Two passes of four vectors: eight (low, high) pairs would not fit in the 16 vector registers of AVX2.
            for (int half = 0; half < Block; half += 4)
            {
                TStore* x0 = x[half], x1 = x[half + 1], x2 = x[half + 2], x3 = x[half + 3];
                for (int e = start; e < end; e += step)
                {
                    TLoad.Load(x0 + e, out var a0, out var b0);
                    TLoad.Load(x1 + e, out var a1, out var b1);
                    TLoad.Load(x2 + e, out var a2, out var b2);
                    TLoad.Load(x3 + e, out var a3, out var b3);
                    for (int l = 0; l < h; l++)
                    {
                        T* gl = g + (long)l * length + e;
                        T* wl = weight + Block * l + half;
                        var c0 = new Vector<T>(wl[0]);
                        var c1 = new Vector<T>(wl[1]);
                        var c2 = new Vector<T>(wl[2]);
                        var c3 = new Vector<T>(wl[3]);
                        var g0 = Unsafe.ReadUnaligned<Vector<T>>(gl);
                        var g1 = Unsafe.ReadUnaligned<Vector<T>>(gl + w);
                        g0 = VectorMath.MultiplyAdd(a3, c3, VectorMath.MultiplyAdd(a2, c2, VectorMath.MultiplyAdd(a1, c1, VectorMath.MultiplyAdd(a0, c0, g0))));
                        g1 = VectorMath.MultiplyAdd(b3, c3, VectorMath.MultiplyAdd(b2, c2, VectorMath.MultiplyAdd(b1, c1, VectorMath.MultiplyAdd(b0, c0, g1))));
                        Unsafe.WriteUnaligned(gl, g0);
                        Unsafe.WriteUnaligned(gl + w, g1);
                    }
                }
            }
        }
    }
}
