using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MatrixSensing.Operators.Kernels;

/// <summary>
/// The one engine behind every dense ensemble's passes (stored in T, float32 widened, ±1 bit-packed): the storage is
/// a <see cref="IRowElements{T}"/> struct, the vector width a <see cref="ISimdVector{TSelf, T}"/> struct, and this
/// class owns the loops.
/// <para>
/// Fixed summation order. A row's dot product ⟨a_i, z⟩ puts vector block q (elements [qW, (q+1)W)) into
/// accumulator q mod 2, adds a last odd block to accumulator 0, sums accumulator 0 + 1 lane by lane and then across
/// lanes, and adds the scalar tail in index order with fused multiply-adds. Updates g ← g + c_i·a_i are applied
/// element by element in row order. Both depend only on indices and on the vector width W, never on where a buffer
/// sits in memory (no alignment prologue), so results are bit-identical for any allocation on one machine; a row
/// gives the same bits whether it runs alone or in a block of rows.
/// </para>
/// <para>
/// Register blocking. Rows go in blocks of <see cref="BlockRows"/>: one sweep over z feeds the dot products of all
/// rows of the block (eight independent FMA chains for four rows, enough to cover the FMA latency), then one sweep
/// over g applies all their updates while the block is still in cache, so z and g are loaded once per block, not
/// once per row.
/// </para>
/// </summary>
internal static unsafe class RowEngine
{
    /// <summary>Bytes of rows a block may hold so that its second touch (the update of g) finds them in L2.</summary>
    internal const long BlockBudgetBytes = 768 * 1024;

    /// <summary>Rows per register block: 4, or 1 when four rows would not stay in cache between the two sweeps.</summary>
    /// <param name="rowBytes">Bytes one stored row occupies.</param>
    internal static int BlockRows(long rowBytes) => 4 * rowBytes <= BlockBudgetBytes ? 4 : 1;

    /// <summary>r_i ← s·⟨a_i, z⟩ − y_i for rows [start, end) (without y when <paramref name="y"/> is null).</summary>
    internal static void Residuals<T, TRows>(in TRows rows, nint start, nint end, int n, int blockRows, T s, T* z, T* y, T* r)
        where T : unmanaged, IFloatingPointIeee754<T> where TRows : struct, IRowElements<T>
    {
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported) Pass<T, TRows, Simd512<T>>(rows, start, end, n, blockRows, s, z, y, r, null);
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported) Pass<T, TRows, Simd256<T>>(rows, start, end, n, blockRows, s, z, y, r, null);
        else if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported) Pass<T, TRows, Simd128<T>>(rows, start, end, n, blockRows, s, z, y, r, null);
        else Pass<T, TRows, SimdScalar<T>>(rows, start, end, n, blockRows, s, z, y, r, null);
    }

    /// <summary>
    /// The fused pass over rows [start, end): r_i ← s·⟨a_i, z⟩ − y_i, then g ← g + (s·r_i)·a_i while the row is in
    /// cache (g accumulates; clear it first for a fresh sum).
    /// </summary>
    internal static void ResidualsAndAdjoint<T, TRows>(in TRows rows, nint start, nint end, int n, int blockRows, T s, T* z, T* y, T* r, T* g)
        where T : unmanaged, IFloatingPointIeee754<T> where TRows : struct, IRowElements<T>
    {
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported) Pass<T, TRows, Simd512<T>>(rows, start, end, n, blockRows, s, z, y, r, g);
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported) Pass<T, TRows, Simd256<T>>(rows, start, end, n, blockRows, s, z, y, r, g);
        else if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported) Pass<T, TRows, Simd128<T>>(rows, start, end, n, blockRows, s, z, y, r, g);
        else Pass<T, TRows, SimdScalar<T>>(rows, start, end, n, blockRows, s, z, y, r, g);
    }

    /// <summary>
    /// g_j ← g_j + Σ_i (s·c_i)·a_ij for rows [start, end) and columns [columnStart, columnEnd), rows in order;
    /// <paramref name="columnStart"/> is a multiple of 64 so that column chunks give the bits the whole range gives.
    /// </summary>
    internal static void Adjoint<T, TRows>(in TRows rows, nint start, nint end, int columnStart, int columnEnd, T s, T* c, T* g)
        where T : unmanaged, IFloatingPointIeee754<T> where TRows : struct, IRowElements<T>
    {
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported) Adjoint<T, TRows, Simd512<T>>(rows, start, end, columnStart, columnEnd, s, c, g);
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported) Adjoint<T, TRows, Simd256<T>>(rows, start, end, columnStart, columnEnd, s, c, g);
        else if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported) Adjoint<T, TRows, Simd128<T>>(rows, start, end, columnStart, columnEnd, s, c, g);
        else Adjoint<T, TRows, SimdScalar<T>>(rows, start, end, columnStart, columnEnd, s, c, g);
    }

    /// <summary>⟨a_row, z⟩ in the engine's fixed order (the bits a block pass gives for that row).</summary>
    internal static T Dot<T, TRows>(in TRows rows, nint row, int n, T* z)
        where T : unmanaged, IFloatingPointIeee754<T> where TRows : struct, IRowElements<T>
    {
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported) return Dot1<T, TRows, Simd512<T>>(rows, row, n, z);
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported) return Dot1<T, TRows, Simd256<T>>(rows, row, n, z);
        if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported) return Dot1<T, TRows, Simd128<T>>(rows, row, n, z);
        return Dot1<T, TRows, SimdScalar<T>>(rows, row, n, z);
    }

    /// <summary>g ← g + c·a_row.</summary>
    internal static void AddScaled<T, TRows>(in TRows rows, nint row, int n, T c, T* g)
        where T : unmanaged, IFloatingPointIeee754<T> where TRows : struct, IRowElements<T>
    {
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported) Update1<T, TRows, Simd512<T>>(rows, row, 0, n, c, g);
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported) Update1<T, TRows, Simd256<T>>(rows, row, 0, n, c, g);
        else if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported) Update1<T, TRows, Simd128<T>>(rows, row, 0, n, c, g);
        else Update1<T, TRows, SimdScalar<T>>(rows, row, 0, n, c, g);
    }

    private static void Pass<T, TRows, TV>(in TRows rows, nint start, nint end, int n, int blockRows, T s, T* z, T* y, T* r, T* g)
        where T : unmanaged, IFloatingPointIeee754<T> where TRows : struct, IRowElements<T> where TV : struct, ISimdVector<TV, T>
    {
        nint i = start;
        if (blockRows >= 4)
        {
            for (; i + 4 <= end; i += 4)
            {
                Dot4<T, TRows, TV>(rows, i, n, z, out T d0, out T d1, out T d2, out T d3);
                T r0 = Residual(s, d0, y, i), r1 = Residual(s, d1, y, i + 1), r2 = Residual(s, d2, y, i + 2), r3 = Residual(s, d3, y, i + 3);
                r[i] = r0; r[i + 1] = r1; r[i + 2] = r2; r[i + 3] = r3;
                if (g != null) Update4<T, TRows, TV>(rows, i, 0, n, s * r0, s * r1, s * r2, s * r3, g);
            }
        }
        for (; i < end; i++)
        {
            T ri = Residual(s, Dot1<T, TRows, TV>(rows, i, n, z), y, i);
            r[i] = ri;
            if (g != null) Update1<T, TRows, TV>(rows, i, 0, n, s * ri, g);
        }
    }

    private static void Adjoint<T, TRows, TV>(in TRows rows, nint start, nint end, int columnStart, int columnEnd, T s, T* c, T* g)
        where T : unmanaged, IFloatingPointIeee754<T> where TRows : struct, IRowElements<T> where TV : struct, ISimdVector<TV, T>
    {
        nint i = start;
        for (; i + 4 <= end; i += 4)
            Update4<T, TRows, TV>(rows, i, columnStart, columnEnd, s * c[i], s * c[i + 1], s * c[i + 2], s * c[i + 3], g);
        for (; i < end; i++)
            Update1<T, TRows, TV>(rows, i, columnStart, columnEnd, s * c[i], g);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Residual<T>(T s, T dot, T* y, nint i) where T : unmanaged, IFloatingPointIeee754<T> =>
        y == null ? s * dot : s * dot - y[i];

    private static T Dot1<T, TRows, TV>(in TRows rows, nint row, int n, T* z)
        where T : unmanaged, IFloatingPointIeee754<T> where TRows : struct, IRowElements<T> where TV : struct, ISimdVector<TV, T>
    {
        int w = TV.Count, j = 0;
        TV a0 = TV.Zero, a1 = TV.Zero;
        for (; j + 2 * w <= n; j += 2 * w)
        {
            a0 = TV.MultiplyAdd(rows.Load<TV>(row, j), TV.Load(z + j), a0);
            a1 = TV.MultiplyAdd(rows.Load<TV>(row, j + w), TV.Load(z + j + w), a1);
        }
        if (j + w <= n)
        {
            a0 = TV.MultiplyAdd(rows.Load<TV>(row, j), TV.Load(z + j), a0);
            j += w;
        }
        T sum = TV.Sum(TV.Add(a0, a1));
        for (; j < n; j++) sum = Fused.MultiplyAdd(rows.Load(row, j), z[j], sum);
        return sum;
    }

    private static void Dot4<T, TRows, TV>(in TRows rows, nint row, int n, T* z, out T d0, out T d1, out T d2, out T d3)
        where T : unmanaged, IFloatingPointIeee754<T> where TRows : struct, IRowElements<T> where TV : struct, ISimdVector<TV, T>
    {
        int w = TV.Count, j = 0;
        TV a00 = TV.Zero, a01 = TV.Zero, a10 = TV.Zero, a11 = TV.Zero, a20 = TV.Zero, a21 = TV.Zero, a30 = TV.Zero, a31 = TV.Zero;
        for (; j + 2 * w <= n; j += 2 * w)
        {
            TV z0 = TV.Load(z + j), z1 = TV.Load(z + j + w);
            a00 = TV.MultiplyAdd(rows.Load<TV>(row, j), z0, a00);
            a01 = TV.MultiplyAdd(rows.Load<TV>(row, j + w), z1, a01);
            a10 = TV.MultiplyAdd(rows.Load<TV>(row + 1, j), z0, a10);
            a11 = TV.MultiplyAdd(rows.Load<TV>(row + 1, j + w), z1, a11);
            a20 = TV.MultiplyAdd(rows.Load<TV>(row + 2, j), z0, a20);
            a21 = TV.MultiplyAdd(rows.Load<TV>(row + 2, j + w), z1, a21);
            a30 = TV.MultiplyAdd(rows.Load<TV>(row + 3, j), z0, a30);
            a31 = TV.MultiplyAdd(rows.Load<TV>(row + 3, j + w), z1, a31);
        }
        if (j + w <= n)
        {
            TV z0 = TV.Load(z + j);
            a00 = TV.MultiplyAdd(rows.Load<TV>(row, j), z0, a00);
            a10 = TV.MultiplyAdd(rows.Load<TV>(row + 1, j), z0, a10);
            a20 = TV.MultiplyAdd(rows.Load<TV>(row + 2, j), z0, a20);
            a30 = TV.MultiplyAdd(rows.Load<TV>(row + 3, j), z0, a30);
            j += w;
        }
        d0 = TV.Sum(TV.Add(a00, a01));
        d1 = TV.Sum(TV.Add(a10, a11));
        d2 = TV.Sum(TV.Add(a20, a21));
        d3 = TV.Sum(TV.Add(a30, a31));
        for (; j < n; j++)
        {
            T zj = z[j];
            d0 = Fused.MultiplyAdd(rows.Load(row, j), zj, d0);
            d1 = Fused.MultiplyAdd(rows.Load(row + 1, j), zj, d1);
            d2 = Fused.MultiplyAdd(rows.Load(row + 2, j), zj, d2);
            d3 = Fused.MultiplyAdd(rows.Load(row + 3, j), zj, d3);
        }
    }

    private static void Update1<T, TRows, TV>(in TRows rows, nint row, int from, int to, T c, T* g)
        where T : unmanaged, IFloatingPointIeee754<T> where TRows : struct, IRowElements<T> where TV : struct, ISimdVector<TV, T>
    {
        int w = TV.Count, j = from;
        TV cv = TV.Create(c);
        for (; j + w <= to; j += w)
            TV.MultiplyAdd(rows.Load<TV>(row, j), cv, TV.Load(g + j)).Store(g + j);
        for (; j < to; j++) g[j] = Fused.MultiplyAdd(rows.Load(row, j), c, g[j]);
    }

    private static void Update4<T, TRows, TV>(in TRows rows, nint row, int from, int to, T c0, T c1, T c2, T c3, T* g)
        where T : unmanaged, IFloatingPointIeee754<T> where TRows : struct, IRowElements<T> where TV : struct, ISimdVector<TV, T>
    {
        int w = TV.Count, j = from;
        TV v0 = TV.Create(c0), v1 = TV.Create(c1), v2 = TV.Create(c2), v3 = TV.Create(c3);
        for (; j + w <= to; j += w)
        {
            TV acc = TV.Load(g + j);
            acc = TV.MultiplyAdd(rows.Load<TV>(row, j), v0, acc);
            acc = TV.MultiplyAdd(rows.Load<TV>(row + 1, j), v1, acc);
            acc = TV.MultiplyAdd(rows.Load<TV>(row + 2, j), v2, acc);
            acc = TV.MultiplyAdd(rows.Load<TV>(row + 3, j), v3, acc);
            acc.Store(g + j);
        }
        for (; j < to; j++)
        {
            T acc = g[j];
            acc = Fused.MultiplyAdd(rows.Load(row, j), c0, acc);
            acc = Fused.MultiplyAdd(rows.Load(row + 1, j), c1, acc);
            acc = Fused.MultiplyAdd(rows.Load(row + 2, j), c2, acc);
            acc = Fused.MultiplyAdd(rows.Load(row + 3, j), c3, acc);
            g[j] = acc;
        }
    }
}
