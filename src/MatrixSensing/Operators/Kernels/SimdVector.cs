using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MatrixSensing.Operators.Kernels;

/// <summary>
/// One vector width as a type, so a kernel body is written once and specialized by the JIT for 512-, 256- and
/// 128-bit vectors and for scalars (the way the runtime's own <c>ISimdVector</c> serves <c>TensorPrimitives</c>).
/// Every operation is element-wise except <see cref="Sum"/>, whose lane order is fixed for a width.
/// </summary>
/// <typeparam name="TSelf">The implementing wrapper.</typeparam>
/// <typeparam name="T">The element type (float or double).</typeparam>
internal unsafe interface ISimdVector<TSelf, T>
    where TSelf : struct, ISimdVector<TSelf, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    /// <summary>All lanes zero.</summary>
    static abstract TSelf Zero { get; }

    /// <summary>All lanes <paramref name="value"/>.</summary>
    static abstract TSelf Create(T value);

    /// <summary>Lanes [0, Count) from <paramref name="source"/> (no alignment required).</summary>
    static abstract TSelf Load(T* source);

    /// <summary>Count float32 values widened to T = double (only called with T = double).</summary>
    static abstract TSelf LoadWidened(float* source);

    /// <summary>Lane l is +1 where bit l of <paramref name="bits"/> is set and −1 where it is clear, without branches.</summary>
    static abstract TSelf Signs(ulong bits);

    /// <summary>Writes the lanes to <paramref name="destination"/>.</summary>
    void Store(T* destination);

    /// <summary>a·b + c per lane: rounded once where the CPU has fused multiply-add, else twice (see <see cref="Fused"/>).</summary>
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf c);

    /// <summary>Lane-wise sum.</summary>
    static abstract TSelf Add(TSelf a, TSelf b);

    /// <summary>The sum of the lanes, in the width's fixed order.</summary>
    static abstract T Sum(TSelf v);
}

/// <summary>512-bit vectors.</summary>
internal readonly unsafe struct Simd512<T>(Vector512<T> value) : ISimdVector<Simd512<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly Vector512<long> LaneBits64 = Vector512.Create(1L, 2, 4, 8, 16, 32, 64, 128);
    private static readonly Vector512<int> LaneBits32 = Vector512.Create(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768);

    private readonly Vector512<T> _value = value;

    public static int Count => Vector512<T>.Count;

    public static Simd512<T> Zero => new(Vector512<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Create(T value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Load(T* source) => new(Vector512.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> LoadWidened(float* source)
    {
        if (Avx512F.IsSupported) return new(Avx512F.ConvertToVector512Double(Vector256.Load(source)).As<double, T>());
        var half = Vector256.Load(source);
        return new(Vector512.Create(Vector256.WidenLower(half), Vector256.WidenUpper(half)).As<double, T>());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Signs(ulong bits)
    {
        Vector512<T> clear = typeof(T) == typeof(double)
            ? Vector512.Equals(Vector512.Create((long)bits) & LaneBits64, Vector512<long>.Zero).As<long, T>()
            : Vector512.Equals(Vector512.Create((int)bits) & LaneBits32, Vector512<int>.Zero).As<int, T>();
        return new(Vector512.ConditionalSelect(clear, Vector512.Create(-T.One), Vector512.Create(T.One)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(T* destination) => _value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> MultiplyAdd(Simd512<T> a, Simd512<T> b, Simd512<T> c) => !Fused.IsAccelerated ? new(a._value * b._value + c._value) : typeof(T) == typeof(double)
        ? new(Vector512.FusedMultiplyAdd(a._value.AsDouble(), b._value.AsDouble(), c._value.AsDouble()).As<double, T>())
        : new(Vector512.FusedMultiplyAdd(a._value.AsSingle(), b._value.AsSingle(), c._value.AsSingle()).As<float, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Add(Simd512<T> a, Simd512<T> b) => new(a._value + b._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Simd512<T> v) => Vector512.Sum(v._value);
}

/// <summary>256-bit vectors.</summary>
internal readonly unsafe struct Simd256<T>(Vector256<T> value) : ISimdVector<Simd256<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly Vector256<long> LaneBits64 = Vector256.Create(1L, 2, 4, 8);
    private static readonly Vector256<int> LaneBits32 = Vector256.Create(1, 2, 4, 8, 16, 32, 64, 128);

    private readonly Vector256<T> _value = value;

    public static int Count => Vector256<T>.Count;

    public static Simd256<T> Zero => new(Vector256<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Create(T value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Load(T* source) => new(Vector256.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> LoadWidened(float* source)
    {
        if (Avx.IsSupported) return new(Avx.ConvertToVector256Double(Vector128.Load(source)).As<double, T>());
        var half = Vector128.Load(source);
        return new(Vector256.Create(Vector128.WidenLower(half), Vector128.WidenUpper(half)).As<double, T>());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Signs(ulong bits)
    {
        Vector256<T> clear = typeof(T) == typeof(double)
            ? Vector256.Equals(Vector256.Create((long)bits) & LaneBits64, Vector256<long>.Zero).As<long, T>()
            : Vector256.Equals(Vector256.Create((int)bits) & LaneBits32, Vector256<int>.Zero).As<int, T>();
        return new(Vector256.ConditionalSelect(clear, Vector256.Create(-T.One), Vector256.Create(T.One)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(T* destination) => _value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> MultiplyAdd(Simd256<T> a, Simd256<T> b, Simd256<T> c) => !Fused.IsAccelerated ? new(a._value * b._value + c._value) : typeof(T) == typeof(double)
        ? new(Vector256.FusedMultiplyAdd(a._value.AsDouble(), b._value.AsDouble(), c._value.AsDouble()).As<double, T>())
        : new(Vector256.FusedMultiplyAdd(a._value.AsSingle(), b._value.AsSingle(), c._value.AsSingle()).As<float, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Add(Simd256<T> a, Simd256<T> b) => new(a._value + b._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Simd256<T> v) => Vector256.Sum(v._value);
}

/// <summary>128-bit vectors.</summary>
internal readonly unsafe struct Simd128<T>(Vector128<T> value) : ISimdVector<Simd128<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly Vector128<long> LaneBits64 = Vector128.Create(1L, 2);
    private static readonly Vector128<int> LaneBits32 = Vector128.Create(1, 2, 4, 8);

    private readonly Vector128<T> _value = value;

    public static int Count => Vector128<T>.Count;

    public static Simd128<T> Zero => new(Vector128<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Create(T value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Load(T* source) => new(Vector128.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> LoadWidened(float* source) =>
        new(Vector128.WidenLower(Vector128.CreateScalarUnsafe(*(double*)source).AsSingle()).As<double, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Signs(ulong bits)
    {
        Vector128<T> clear = typeof(T) == typeof(double)
            ? Vector128.Equals(Vector128.Create((long)bits) & LaneBits64, Vector128<long>.Zero).As<long, T>()
            : Vector128.Equals(Vector128.Create((int)bits) & LaneBits32, Vector128<int>.Zero).As<int, T>();
        return new(Vector128.ConditionalSelect(clear, Vector128.Create(-T.One), Vector128.Create(T.One)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(T* destination) => _value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> MultiplyAdd(Simd128<T> a, Simd128<T> b, Simd128<T> c) => !Fused.IsAccelerated ? new(a._value * b._value + c._value) : typeof(T) == typeof(double)
        ? new(Vector128.FusedMultiplyAdd(a._value.AsDouble(), b._value.AsDouble(), c._value.AsDouble()).As<double, T>())
        : new(Vector128.FusedMultiplyAdd(a._value.AsSingle(), b._value.AsSingle(), c._value.AsSingle()).As<float, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Add(Simd128<T> a, Simd128<T> b) => new(a._value + b._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Simd128<T> v) => Vector128.Sum(v._value);
}

/// <summary>One lane: the fallback where no vector width is accelerated.</summary>
internal readonly unsafe struct SimdScalar<T>(T value) : ISimdVector<SimdScalar<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T _value = value;

    public static int Count => 1;

    public static SimdScalar<T> Zero => new(T.Zero);

    public static SimdScalar<T> Create(T value) => new(value);

    public static SimdScalar<T> Load(T* source) => new(*source);

    public static SimdScalar<T> LoadWidened(float* source) => new(T.CreateTruncating(*source));

    public static SimdScalar<T> Signs(ulong bits) => new(T.CreateTruncating(2 * (int)(bits & 1) - 1));

    public void Store(T* destination) => *destination = _value;

    public static SimdScalar<T> MultiplyAdd(SimdScalar<T> a, SimdScalar<T> b, SimdScalar<T> c) => new(Fused.MultiplyAdd(a._value, b._value, c._value));

    public static SimdScalar<T> Add(SimdScalar<T> a, SimdScalar<T> b) => new(a._value + b._value);

    public static T Sum(SimdScalar<T> v) => v._value;
}

/// <summary>
/// Multiply-add in hardware: fused (one rounding) where the CPU has FMA, a multiply then an add otherwise. A fused
/// multiply-add emulated in software is correctly rounded but dozens of times slower, so CPUs without FMA get the
/// two-rounding form; either way the choice is fixed per machine, so results stay deterministic there.
/// </summary>
internal static class Fused
{
    /// <summary>Whether <see cref="MultiplyAdd{T}"/> and the vector forms compile to one FMA instruction.</summary>
    internal static bool IsAccelerated => Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;

    /// <summary>a·b + c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T MultiplyAdd<T>(T a, T b, T c) where T : unmanaged, IFloatingPointIeee754<T> =>
        IsAccelerated ? T.FusedMultiplyAdd(a, b, c) : a * b + c;
}
