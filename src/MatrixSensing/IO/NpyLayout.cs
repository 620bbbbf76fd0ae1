using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MatrixSensing.IO;

/// <summary>
/// Copies an n-dimensional array from one contiguous element order to another while converting the element type:
/// C order, Fortran order, or any other axis permutation given by strides (in elements). Runs that are contiguous
/// on both sides are copied (or converted) in one loop; otherwise the two fastest axes are copied in cache-sized tiles.
/// The loops run once per load over possibly large arrays, so they are compiled fully optimized at once rather than
/// starting unoptimized (tiered compilation would run the first, often only, call slowly).
/// </summary>
internal static class NpyLayout
{
    private const int Tile = 32;

    /// <summary>Strides of a C-ordered (row-major, last index fastest) array.</summary>
    internal static int[] RowMajorStrides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int k = shape.Length - 1; k >= 0; k--) { strides[k] = s; s *= shape[k]; }
        return strides;
    }

    /// <summary>Strides of a Fortran-ordered (column-major, first index fastest) array.</summary>
    internal static int[] ColumnMajorStrides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int k = 0; k < shape.Length; k++) { strides[k] = s; s *= shape[k]; }
        return strides;
    }

    /// <summary>
    /// Strides of the measurement-row layout: axis 0 (the measurement index) slowest, the remaining axes in
    /// column-major order within each row, so row i is vec(A[i]) with column-major vec.
    /// </summary>
    internal static int[] MeasurementRowStrides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int k = 1; k < shape.Length; k++) { strides[k] = s; s *= shape[k]; }
        strides[0] = s;
        return strides;
    }

    /// <summary>dst[Σ i_k·dstStrides[k]] = convert(src[Σ i_k·srcStrides[k]]) for every index tuple of <paramref name="shape"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PermuteCopy<TSrc, TDst>(ReadOnlySpan<TSrc> src, Span<TDst> dst, ReadOnlySpan<int> shape, ReadOnlySpan<int> srcStrides, ReadOnlySpan<int> dstStrides)
        where TSrc : unmanaged, INumberBase<TSrc>
        where TDst : unmanaged, INumberBase<TDst>
    {
        long count = 1;
        foreach (int d in shape) count *= d;
        if (count == 0) return;

        // Axes of length one move nothing; drop them so the fastest axis on each side has stride 1.
        Span<int> dims = stackalloc int[shape.Length];
        Span<int> ss = stackalloc int[shape.Length];
        Span<int> ds = stackalloc int[shape.Length];
        int n = 0;
        bool same = true;
        for (int k = 0; k < shape.Length; k++)
        {
            if (shape[k] == 1) continue;
            dims[n] = shape[k]; ss[n] = srcStrides[k]; ds[n] = dstStrides[k];
            same &= ss[n] == ds[n];
            n++;
        }

        if (same)
        {
            ConvertRun(src[..(int)count], dst[..(int)count]);
            return;
        }

        int a = IndexOfUnitStride(ss[..n]);
        int b = IndexOfUnitStride(ds[..n]);
        Span<int> odoDims = stackalloc int[n];
        Span<int> odoSrc = stackalloc int[n];
        Span<int> odoDst = stackalloc int[n];
        int m = 0;
        for (int k = 0; k < n; k++)
        {
            if (k == a || k == b) continue;
            odoDims[m] = dims[k]; odoSrc[m] = ss[k]; odoDst[m] = ds[k];
            m++;
        }

        Span<int> index = stackalloc int[m];
        index.Clear();
        int sOff = 0, dOff = 0;
        while (true)
        {
            if (a == b)
            {
                ConvertRun(src.Slice(sOff, dims[a]), dst.Slice(dOff, dims[a]));
            }
            else
            {
                TransposeTile(src[sOff..], dst[dOff..], dims[a], dims[b], ss[b], ds[a]);
            }

            // Advance the odometer over the remaining axes, last axis first.
            int k2 = m - 1;
            while (k2 >= 0)
            {
                index[k2]++;
                sOff += odoSrc[k2];
                dOff += odoDst[k2];
                if (index[k2] < odoDims[k2]) break;
                sOff -= odoSrc[k2] * odoDims[k2];
                dOff -= odoDst[k2] * odoDims[k2];
                index[k2] = 0;
                k2--;
            }

            if (k2 < 0) return;
        }
    }

    /// <summary>
    /// Copies a rows×cols block whose source is contiguous along i (stride 1) and strided by
    /// <paramref name="srcColStride"/> along j, to a destination contiguous along j and strided by
    /// <paramref name="dstRowStride"/> along i.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeTile<TSrc, TDst>(ReadOnlySpan<TSrc> src, Span<TDst> dst, int rows, int cols, int srcColStride, int dstRowStride)
        where TSrc : unmanaged, INumberBase<TSrc>
        where TDst : unmanaged, INumberBase<TDst>
    {
        ref TSrc s0 = ref MemoryMarshal.GetReference(src);
        ref TDst d0 = ref MemoryMarshal.GetReference(dst);
        // Bounds: the last element touched on each side must lie inside its span.
        long lastSrc = (rows - 1) + (long)(cols - 1) * srcColStride;
        long lastDst = (cols - 1) + (long)(rows - 1) * dstRowStride;
        if (lastSrc >= src.Length || lastDst >= dst.Length)
            throw new InvalidOperationException("Layout strides exceed the buffer (internal error).");

        for (int i0 = 0; i0 < rows; i0 += Tile)
        {
            int i1 = Math.Min(i0 + Tile, rows);
            for (int j0 = 0; j0 < cols; j0 += Tile)
            {
                int j1 = Math.Min(j0 + Tile, cols);
                for (int i = i0; i < i1; i++)
                {
                    nint dRow = (nint)i * dstRowStride;
                    for (int j = j0; j < j1; j++)
                    {
                        TSrc v = Unsafe.Add(ref s0, i + (nint)j * srcColStride);
                        Unsafe.Add(ref d0, dRow + j) = TDst.CreateChecked(v);
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConvertRun<TSrc, TDst>(ReadOnlySpan<TSrc> src, Span<TDst> dst)
        where TSrc : unmanaged, INumberBase<TSrc>
        where TDst : unmanaged, INumberBase<TDst>
    {
        if (typeof(TSrc) == typeof(TDst))
        {
            MemoryMarshal.Cast<TSrc, TDst>(src).CopyTo(dst);
            return;
        }

        dst = dst[..src.Length];
        for (int k = 0; k < src.Length; k++)
            dst[k] = TDst.CreateChecked(src[k]);
    }

    private static int IndexOfUnitStride(ReadOnlySpan<int> strides)
    {
        int k = strides.IndexOf(1);
        if (k < 0) throw new InvalidOperationException("Layout has no contiguous axis (internal error).");
        return k;
    }
}
