using System.Numerics;
using System.Runtime.CompilerServices;

namespace MatrixSensing.Operators.Kernels;

/// <summary>
/// How the elements of an ensemble's rows are loaded, in the compute precision T: the only part of a dense pass that
/// depends on the storage. <see cref="RowEngine"/> owns everything else (blocking, vector width, tails, threads).
/// Implementations are small structs holding a pointer into storage the caller keeps pinned for the call.
/// </summary>
/// <typeparam name="T">The compute precision.</typeparam>
internal interface IRowElements<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Elements [j, j + TVector.Count) of <paramref name="row"/>; j is a multiple of TVector.Count.</summary>
    TVector Load<TVector>(nint row, int j) where TVector : struct, ISimdVector<TVector, T>;

    /// <summary>Element j of <paramref name="row"/>.</summary>
    T Load(nint row, int j);
}

/// <summary>Rows stored in T itself: row i is [i·n, (i+1)·n).</summary>
internal readonly unsafe struct StoredRows<T>(T* data, int rowLength) : IRowElements<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Load<TVector>(nint row, int j) where TVector : struct, ISimdVector<TVector, T> => TVector.Load(data + row * rowLength + j);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Load(nint row, int j) => data[row * rowLength + j];
}

/// <summary>Rows stored in float32 and widened to double as they are loaded (exact: every float is a double).</summary>
internal readonly unsafe struct WidenedRows(float* data, int rowLength) : IRowElements<double>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Load<TVector>(nint row, int j) where TVector : struct, ISimdVector<TVector, double> => TVector.LoadWidened(data + row * rowLength + j);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Load(nint row, int j) => data[row * rowLength + j];
}

/// <summary>
/// Rows of ±1 stored one bit per element (set = +1), each row starting on a 64-bit word. A vector's lanes never
/// straddle a word (the lane count divides 64 and j is a multiple of it), so one shift yields all its bits.
/// </summary>
internal readonly unsafe struct SignRows<T>(ulong* bits, int wordsPerRow) : IRowElements<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Load<TVector>(nint row, int j) where TVector : struct, ISimdVector<TVector, T> =>
        TVector.Signs(bits[row * wordsPerRow + (j >> 6)] >> (j & 63));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Load(nint row, int j) => T.CreateTruncating(2 * (int)((bits[row * wordsPerRow + (j >> 6)] >> (j & 63)) & 1) - 1);
}
