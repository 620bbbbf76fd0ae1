using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MatrixSensing.Random;

/// <summary>
/// Turns random words into uniform variates in [0, 1): float value j = (word32[j] &gt;&gt; 8)·2^-24 (24 bits);
/// double value j = (1 + (word64[j] &gt;&gt; 12)·2^-52) − 1 (52 bits). Vector and scalar paths agree bit for bit.
/// </summary>
internal static unsafe class UniformTransform
{
    private const float Scale24 = 1.0f / (1 << 24);

    /// <summary>Writes <paramref name="count"/> floats in [0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(uint* bits, float* destination, int count)
    {
        int j = 0;
        if (SimdSelector.Current == SimdPath.Avx512)
        {
            var scale = Vector512.Create(Scale24);
            for (; j <= count - 16; j += 16)
            {
                (Vector512.ConvertToSingle((Vector512.Load(bits + j) >>> 8).AsInt32()) * scale).Store(destination + j);
            }
        }
        else if (SimdSelector.Current == SimdPath.Avx2)
        {
            var scale = Vector256.Create(Scale24);
            for (; j <= count - 8; j += 8)
            {
                (Vector256.ConvertToSingle((Vector256.Load(bits + j) >>> 8).AsInt32()) * scale).Store(destination + j);
            }
        }

        for (; j < count; j++)
        {
            destination[j] = (int)(bits[j] >> 8) * Scale24;
        }
    }

    /// <summary>Writes <paramref name="count"/> doubles in [0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(ulong* bits, double* destination, int count)
    {
        const ulong one = 0x3FF0_0000_0000_0000UL;
        int j = 0;
        if (SimdSelector.Current == SimdPath.Avx512)
        {
            var exponent = Vector512.Create(one);
            var unit = Vector512<double>.One;
            for (; j <= count - 8; j += 8)
            {
                (((Vector512.Load(bits + j) >>> 12) | exponent).AsDouble() - unit).Store(destination + j);
            }
        }
        else if (SimdSelector.Current == SimdPath.Avx2)
        {
            var exponent = Vector256.Create(one);
            var unit = Vector256<double>.One;
            for (; j <= count - 4; j += 4)
            {
                (((Vector256.Load(bits + j) >>> 12) | exponent).AsDouble() - unit).Store(destination + j);
            }
        }

        for (; j < count; j++)
        {
            destination[j] = BitConverter.UInt64BitsToDouble((bits[j] >> 12) | one) - 1.0;
        }
    }
}
