using System.Numerics;
using System.Runtime.CompilerServices;

namespace MatrixSensing.LinearAlgebra;

/// <summary>
/// Per-thread pinned scratch whose buffers start on a 64-byte boundary, for the LAPACK calls. Some OpenBLAS kernels
/// (the SSE3 "Prescott" level-2 kernels its LAPACK calls inside potrf, gesdd, syevd, geqrf) peel elements until a
/// pointer is aligned, so their summation order, and the last bits of the result, depend on where the buffers sit.
/// .NET arrays are only 8-byte aligned, so two identical runs would differ. Copying the operands into buffers at a
/// fixed alignment makes every call see the same addresses modulo 64 bytes, whichever kernel OpenBLAS selected.
/// Each thread owns its buffers (grown on first need, then reused), so calls allocate nothing in steady state and
/// concurrent solvers never share one.
/// </summary>
internal static unsafe class AlignedScratch
{
    /// <summary>The alignment every scratch buffer starts on: a cache line, and a multiple of every vector width.</summary>
    internal const int Alignment = 64;

    /// <summary>Independent buffers one call may hold at once.</summary>
    internal const int Slots = 6;

    [ThreadStatic] private static byte[]?[]? t_buffers;

    /// <summary>Buffer <paramref name="slot"/> of this thread, at least <paramref name="length"/> elements, 64-byte aligned.
    /// Its contents are undefined; valid until the next call for the same slot on this thread.</summary>
    /// <param name="slot">0 .. <see cref="Slots"/> − 1; the slots of one call must differ.</param>
    /// <param name="length">Elements needed.</param>
    internal static Span<T> Rent<T>(int slot, int length) where T : unmanaged
    {
        var buffers = t_buffers ??= new byte[]?[Slots];
        long bytes = (long)Math.Max(length, 1) * sizeof(T) + Alignment;
        var buffer = buffers[slot];
        if (buffer is null || buffer.Length < bytes)
            buffers[slot] = buffer = GC.AllocateUninitializedArray<byte>((int)Math.Max(bytes, 2L * (buffer?.Length ?? 0)), pinned: true);
        // Pinned arrays never move, so the aligned offset computed now stays aligned.
        nint address = (nint)Unsafe.AsPointer(ref buffer[0]);
        int offset = (int)((Alignment - (address & (Alignment - 1))) & (Alignment - 1));
        return new Span<T>((byte*)address + offset, length);
    }

    /// <summary>Copies an m×n column-major matrix with leading dimension <paramref name="ld"/> into a packed (ld = m) buffer.</summary>
    internal static void Pack<T>(ReadOnlySpan<T> source, int m, int n, int ld, Span<T> packed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (ld == m) { source[..(m * n)].CopyTo(packed); return; }
        for (int j = 0; j < n; j++) source.Slice(j * ld, m).CopyTo(packed.Slice(j * m, m));
    }

    /// <summary>The inverse of <see cref="Pack"/>.</summary>
    internal static void Unpack<T>(ReadOnlySpan<T> packed, int m, int n, int ld, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (ld == m) { packed[..(m * n)].CopyTo(destination); return; }
        for (int j = 0; j < n; j++) packed.Slice(j * m, m).CopyTo(destination.Slice(j * ld, m));
    }
}
