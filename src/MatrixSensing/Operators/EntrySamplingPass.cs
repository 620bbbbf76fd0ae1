using System.Numerics;
using System.Runtime.CompilerServices;
using MatrixSensing.Operators.Kernels;

namespace MatrixSensing.Operators;

/// <summary>
/// The factored passes of a completion operator over the stored entries, on row-major copies of the factors padded
/// to a whole number of SIMD vectors (the padding stays zero, so every h-vector operation is full vectors with no
/// tail). The row pass walks the entries by row: per entry the value s·⟨u_i, v_j⟩ (forward), its residual, and the
/// row's G·V accumulated in place while u_i stays in L1; it writes each entry's coefficient c = s·r in storage order.
/// The column pass walks the entries by column and sums Gᵀ·U from those coefficients. Every output row is summed by one
/// chunk in a fixed order, so results do not depend on the thread count; the chunks run on
/// <see cref="ChunkedParallel"/>.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
internal sealed unsafe class EntrySamplingPass<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly EntryLayout _layout;
    private readonly T _scale;
    private readonly int _stride;
    private T* _ut, _vt, _gvt, _gtut, _coefficient, _y, _r;
    private PassMode _mode;

    internal EntrySamplingPass(EntryLayout layout, T scale, int rank)
    {
        _layout = layout;
        _scale = scale;
        _stride = PaddedRank(rank);
    }

    internal enum PassMode
    {
        /// <summary>r_k ← s·⟨u_i, v_j⟩.</summary>
        Forward,

        /// <summary>c ← s·r_k from the given residual (passed in the place of y); G·V and Gᵀ·U.</summary>
        Adjoint,

        /// <summary>r_k ← s·⟨u_i, v_j⟩ − y_k, c ← s·r_k; G·V and Gᵀ·U.</summary>
        Fused,
    }

    /// <summary>h rounded up to a whole number of <see cref="Vector{T}"/>s: the row stride of the padded copies.</summary>
    internal static int PaddedRank(int rank) => (rank + Vector<T>.Count - 1) / Vector<T>.Count * Vector<T>.Count;

    /// <summary>
    /// Runs the passes the mode needs on padded row-major factors <paramref name="ut"/>, <paramref name="vt"/>;
    /// writes <paramref name="gvt"/>, <paramref name="gtut"/> (padded row-major) unless forward only.
    /// <paramref name="measurements"/> is y (fused) or the given residual (adjoint); <paramref name="residual"/> is
    /// written by the forward and fused modes.
    /// </summary>
    internal void Run(PassMode mode, ReadOnlySpan<T> ut, ReadOnlySpan<T> vt, ReadOnlySpan<T> measurements, Span<T> residual,
        Span<T> coefficient, Span<T> gvt, Span<T> gtut)
    {
        fixed (T* pu = ut, pv = vt, py = measurements, pr = residual, pc = coefficient, pg = gvt, pgt = gtut)
        {
            _ut = pu;
            _vt = pv;
            _y = py;
            _r = pr;
            _coefficient = pc;
            _gvt = pg;
            _gtut = pgt;
            _mode = mode;
            ChunkedParallel.For(_layout.RowChunks.Length - 1, new RowJob(this));
            if (mode != PassMode.Forward) ChunkedParallel.For(_layout.ColumnChunks.Length - 1, new ColumnJob(this));
            _ut = _vt = _y = _r = _coefficient = _gvt = _gtut = null;
        }
    }

    /// <summary>The row pass over the rows of one chunk.</summary>
    internal void RowChunk(int chunk)
    {
        int hp = _stride;
        int[] rowStart = _layout.RowStart, csrColumn = _layout.CsrColumn;
        int[]? measurement = _layout.CsrMeasurement;
        T s = _scale;
        var mode = _mode;
        int first = _layout.RowChunks[chunk], last = _layout.RowChunks[chunk + 1];
        for (int i = first; i < last; i++)
        {
            T* ui = _ut + (long)i * hp;
            T* gi = mode == PassMode.Forward ? null : _gvt + (long)i * hp;
            if (gi is not null) new Span<T>(gi, hp).Clear();
            for (int q = rowStart[i]; q < rowStart[i + 1]; q++)
            {
                T* vj = _vt + (long)csrColumn[q] * hp;
                int k = measurement is null ? q : measurement[q];
                T c;
                if (mode == PassMode.Adjoint)
                {
                    c = s * _y[k];
                }
                else
                {
                    T value = s * Dot(ui, vj, hp);
                    if (mode == PassMode.Forward)
                    {
                        _r[k] = value;
                        continue;
                    }
                    value -= _y[k];
                    _r[k] = value;
                    c = s * value;
                }
                _coefficient[q] = c;
                AddScaled(gi, c, vj, hp);
            }
        }
    }

    /// <summary>The column pass over the columns of one chunk: (Gᵀ·U)_j = Σ c_q·u_{i_q}.</summary>
    internal void ColumnChunk(int chunk)
    {
        int hp = _stride;
        int[] columnStart = _layout.ColumnStart, cscRow = _layout.CscRow, position = _layout.CscPosition;
        int first = _layout.ColumnChunks[chunk], last = _layout.ColumnChunks[chunk + 1];
        for (int j = first; j < last; j++)
        {
            T* gj = _gtut + (long)j * hp;
            new Span<T>(gj, hp).Clear();
            for (int q = columnStart[j]; q < columnStart[j + 1]; q++)
            {
                AddScaled(gj, _coefficient[position[q]], _ut + (long)cscRow[q] * hp, hp);
            }
        }
    }

    /// <summary>A chunk of the row pass, for the kernels' thread dispatch.</summary>
    private readonly struct RowJob(EntrySamplingPass<T> pass) : IChunkJob
    {
        public void Run(int chunk) => pass.RowChunk(chunk);
    }

    /// <summary>A chunk of the column pass.</summary>
    private readonly struct ColumnJob(EntrySamplingPass<T> pass) : IChunkJob
    {
        public void Run(int chunk) => pass.ColumnChunk(chunk);
    }

    /// <summary>⟨a, b⟩ over one padded row (<paramref name="stride"/> elements, a whole number of vectors).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Dot(T* a, T* b, int stride)
    {
        var sum = Vector<T>.Zero;
        for (int l = 0; l < stride; l += Vector<T>.Count) sum = VectorMath.MultiplyAdd(Load(a + l), Load(b + l), sum);
        return Vector.Sum(sum);
    }

    /// <summary>g ← g + c·x over one padded row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddScaled(T* g, T c, T* x, int stride)
    {
        var cv = new Vector<T>(c);
        for (int l = 0; l < stride; l += Vector<T>.Count) Store(g + l, VectorMath.MultiplyAdd(cv, Load(x + l), Load(g + l)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Load(T* p) => Unsafe.ReadUnaligned<Vector<T>>(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* p, Vector<T> value) => Unsafe.WriteUnaligned(p, value);
}
