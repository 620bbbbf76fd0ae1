using System.Numerics;
using System.Runtime.CompilerServices;

namespace MatrixSensing.Operators;

/// <summary>
/// How a kernel reads stored elements into compute vectors: 2·<see cref="Vector{T}"/>.Count stored elements at a
/// time, as two compute vectors. One kernel body serves every storage precision, the JIT specializing it per struct.
/// </summary>
/// <typeparam name="TStore">The stored element type.</typeparam>
/// <typeparam name="T">The compute precision.</typeparam>
internal unsafe interface IWideLoad<TStore, T> where TStore : unmanaged where T : unmanaged
{
    /// <summary>Loads 2·Vector&lt;T&gt;.Count stored elements at <paramref name="p"/> (no alignment needed).</summary>
    static abstract void Load(TStore* p, out Vector<T> low, out Vector<T> high);

    /// <summary>One stored element in the compute precision.</summary>
    static abstract T Widen(TStore value);
}

/// <summary>Stored in the compute precision.</summary>
internal readonly unsafe struct SamePrecisionLoad<T> : IWideLoad<T, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load(T* p, out Vector<T> low, out Vector<T> high)
    {
        low = Unsafe.ReadUnaligned<Vector<T>>(p);
        high = Unsafe.ReadUnaligned<Vector<T>>(p + Vector<T>.Count);
    }

    public static T Widen(T value) => value;
}

/// <summary>Stored in float32, computed in float64: one float vector widened into two double vectors.</summary>
internal readonly unsafe struct SingleToDoubleLoad : IWideLoad<float, double>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load(float* p, out Vector<double> low, out Vector<double> high) =>
        Vector.Widen(Unsafe.ReadUnaligned<Vector<float>>(p), out low, out high);

    public static double Widen(float value) => value;
}

/// <summary>Vector arithmetic shared by the sparse and rank-one kernels.</summary>
internal static class VectorMath
{
    /// <summary>
    /// a·b + c: one FMA instruction for float and double where the CPU has one (the JIT keeps only the branch of the
    /// instantiated T and of the CPU), a multiply and an add elsewhere, never a software FMA.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector<T> MultiplyAdd<T>(Vector<T> a, Vector<T> b, Vector<T> c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!System.Runtime.Intrinsics.X86.Fma.IsSupported && !System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported)
            return a * b + c;
        if (typeof(T) == typeof(double))
            return Vector.FusedMultiplyAdd(Vector.As<T, double>(a), Vector.As<T, double>(b), Vector.As<T, double>(c)).As<double, T>();
        if (typeof(T) == typeof(float))
            return Vector.FusedMultiplyAdd(Vector.As<T, float>(a), Vector.As<T, float>(b), Vector.As<T, float>(c)).As<float, T>();
        return a * b + c;
    }
}
