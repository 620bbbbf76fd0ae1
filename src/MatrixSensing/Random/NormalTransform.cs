using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MatrixSensing.Random;

/// <summary>The per-σ tables of one double fill: W[i] = X[i]·σ·2^-52, and its low and high 32-bit halves.</summary>
internal unsafe struct DoubleTable
{
    public fixed double W[Ziggurat.Layers];
    public fixed uint Low[Ziggurat.Layers];
    public fixed uint High[Ziggurat.Layers];
}

/// <summary>
/// Turns random words into normal variates with the <see cref="Ziggurat"/>, scaled by a standard deviation.
/// </summary>
/// <remarks>
/// <para>float: value j takes 32-bit word j: layer = bits 0–6, sign = bit 7, uniform m = bits 8–31 (24 bits);
/// the fast path returns ±m·W[layer] with W[i] = (float)(X[i]·σ·2^-24) when m &lt; K24[layer].</para>
/// <para>double: value j takes 64-bit word j: layer = bits 0–6, sign = bit 7, m = bits 12–63 (52 bits);
/// fast path ±m·W[layer], W[i] = X[i]·σ·2^-52, when (word &gt;&gt; 32) &lt; K32[layer].</para>
/// <para>Misses are listed in position order and resolved by <see cref="Ziggurat.ResolveMisses"/>. The vector paths
/// compute exactly the IEEE operations of the scalar path, so every path gives the same bits.</para>
/// </remarks>
internal static unsafe class NormalTransform
{
    private const double Scale24 = 1.0 / (1 << 24);
    private const double Scale52 = 1.0 / (1L << 52);

    /// <summary>Values per fast pass; the pass's misses are then resolved together.</summary>
    private const int Batch = 1024;

    /// <summary>
    /// AVX2 left-packing table: row <c>mask</c> (8 bytes) lists the set bits of an 8-bit mask in increasing order, so
    /// one permute moves the positions of a vector's misses to the front.
    /// </summary>
    private static readonly byte* LeftPack = BuildLeftPack();

    private static byte* BuildLeftPack()
    {
        var table = (byte*)NativeMemory.AllocZeroed(256 * 8);
        for (int mask = 0; mask < 256; mask++)
        {
            int n = 0;
            for (int bit = 0; bit < 8; bit++)
            {
                if ((mask & (1 << bit)) != 0)
                {
                    table[(mask * 8) + n++] = (byte)bit;
                }
            }
        }

        return table;
    }

    /// <summary>Fills the 128-entry table W for σ.</summary>
    public static void ScaleTable(float* w, float standardDeviation)
    {
        for (int i = 0; i < Ziggurat.Layers; i++)
        {
            w[i] = (float)(Ziggurat.X[i] * standardDeviation * Scale24);
        }
    }

    /// <summary>Fills the tables for σ.</summary>
    public static void ScaleTable(DoubleTable* table, double standardDeviation)
    {
        for (int i = 0; i < Ziggurat.Layers; i++)
        {
            double w = Ziggurat.X[i] * standardDeviation * Scale52;
            ulong bits = BitConverter.DoubleToUInt64Bits(w);
            table->W[i] = w;
            table->Low[i] = (uint)bits;
            table->High[i] = (uint)(bits >> 32);
        }
    }

    /// <summary>Writes <paramref name="count"/> float normals from 32-bit words <paramref name="bits"/>.</summary>
    [SkipLocalsInit]
    public static void Apply(uint* bits, float* destination, int count, float* w, float standardDeviation, ref Xoshiro256 uniforms, ref Xoshiro256 restarts)
    {
        int* misses = stackalloc int[Batch + 16];
        int* layers = stackalloc int[Batch];
        double* magnitudes = stackalloc double[Batch];
        bool* negative = stackalloc bool[Batch];
        int* k = Ziggurat.K24;
        for (int start = 0; start < count; start += Batch)
        {
            int n = Math.Min(Batch, count - start);
            uint* b = bits + start;
            float* d = destination + start;
            int missCount = 0;
            int j = SimdSelector.Current switch
            {
                SimdPath.Avx512 => Single512(b, d, n, w, misses, ref missCount),
                SimdPath.Avx2 => Single256(b, d, n, w, misses, ref missCount),
                _ => 0,
            };
            for (; j < n; j++)
            {
                uint word = b[j];
                int i = (int)(word & 0x7F);
                int m = (int)(word >> 8);
                float x = m * w[i];
                d[j] = (word & 0x80) != 0 ? -x : x;
                if (m >= k[i])
                {
                    misses[missCount++] = j;
                }
            }

            for (int q = 0; q < missCount; q++)
            {
                uint word = b[misses[q]];
                int i = (int)(word & 0x7F);
                layers[q] = i;
                magnitudes[q] = (word >> 8) * Scale24 * Ziggurat.X[i];
                negative[q] = (word & 0x80) != 0;
            }

            Ziggurat.ResolveMisses(misses, missCount, layers, magnitudes, negative, d, standardDeviation, ref uniforms, ref restarts);
        }
    }

    /// <summary>Writes <paramref name="count"/> double normals from 64-bit words <paramref name="bits"/>.</summary>
    [SkipLocalsInit]
    public static void Apply(ulong* bits, double* destination, int count, DoubleTable* table, double standardDeviation, ref Xoshiro256 uniforms, ref Xoshiro256 restarts)
    {
        int* misses = stackalloc int[Batch + 16];
        int* layers = stackalloc int[Batch];
        double* magnitudes = stackalloc double[Batch];
        bool* negative = stackalloc bool[Batch];
        uint* k = Ziggurat.K32;
        double* w = table->W;
        for (int start = 0; start < count; start += Batch)
        {
            int n = Math.Min(Batch, count - start);
            ulong* b = bits + start;
            double* d = destination + start;
            int missCount = 0;
            int j = SimdSelector.Current switch
            {
                SimdPath.Avx512 => Double512(b, d, n, table, misses, ref missCount),
                SimdPath.Avx2 => Double256(b, d, n, w, misses, ref missCount),
                _ => 0,
            };
            for (; j < n; j++)
            {
                ulong word = b[j];
                int i = (int)(word & 0x7F);
                double x = (long)(word >> 12) * w[i];
                d[j] = (word & 0x80) != 0 ? -x : x;
                if ((uint)(word >> 32) >= k[i])
                {
                    misses[missCount++] = j;
                }
            }

            for (int q = 0; q < missCount; q++)
            {
                ulong word = b[misses[q]];
                int i = (int)(word & 0x7F);
                layers[q] = i;
                magnitudes[q] = (word >> 12) * Scale52 * Ziggurat.X[i];
                negative[q] = (word & 0x80) != 0;
            }

            Ziggurat.ResolveMisses(misses, missCount, layers, magnitudes, negative, d, standardDeviation, ref uniforms, ref restarts);
        }
    }

    /// <summary>128-entry lookup of 32-bit entries: four two-source permutes (32 entries each), then a select tree on
    /// index bits 5 and 6.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Lookup(int* t, Vector512<int> index, Vector512<int> low5, Vector512<int> low6)
    {
        var a = Avx512F.PermuteVar16x32x2(Vector512.Load(t), index, Vector512.Load(t + 16));
        var b = Avx512F.PermuteVar16x32x2(Vector512.Load(t + 32), index, Vector512.Load(t + 48));
        var c = Avx512F.PermuteVar16x32x2(Vector512.Load(t + 64), index, Vector512.Load(t + 80));
        var d = Avx512F.PermuteVar16x32x2(Vector512.Load(t + 96), index, Vector512.Load(t + 112));
        return Vector512.ConditionalSelect(low6, Vector512.ConditionalSelect(low5, a, b), Vector512.ConditionalSelect(low5, c, d));
    }

    /// <summary>AVX-512 fast pass, 16 floats per step; misses' positions are compressed into a list, branch-free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Single512(uint* bits, float* destination, int count, float* w, int* misses, ref int missCount)
    {
        var layerMask = Vector512.Create(0x7Fu);
        var signMask = Vector512.Create(0x8000_0000u);
        var bit5 = Vector512.Create(32);
        var bit6 = Vector512.Create(64);
        var position = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var step = Vector512.Create(16);
        int* k = Ziggurat.K24;
        int listed = 0;
        int j = 0;
        for (; j <= count - 16; j += 16)
        {
            var word = Vector512.Load(bits + j);
            var index = (word & layerMask).AsInt32();
            var m = (word >>> 8).AsInt32();
            var low5 = Vector512.Equals(index & bit5, Vector512<int>.Zero);
            var low6 = Vector512.Equals(index & bit6, Vector512<int>.Zero);
            var threshold = Lookup(k, index, low5, low6);
            var width = Lookup((int*)w, index, low5, low6).AsSingle();
            var x = Vector512.ConvertToSingle(m) * width;
            (x.AsUInt32() ^ ((word << 24) & signMask)).Store((uint*)destination + j);
            var miss = Vector512.GreaterThanOrEqual(m, threshold);
            Avx512F.Compress(Vector512<int>.Zero, miss, position).Store(misses + listed);
            listed += BitOperations.PopCount(miss.ExtractMostSignificantBits());
            position += step;
        }

        missCount = listed;
        return j;
    }

    /// <summary>
    /// AVX-512 fast pass, 16 doubles per step: the layer indices and top halves of two vectors of words are packed
    /// into 32-bit lanes, so each table costs four 32-entry permutes for 16 values; the 64-bit widths are looked up
    /// as low and high halves and re-interleaved.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Double512(ulong* bits, double* destination, int count, DoubleTable* table, int* misses, ref int missCount)
    {
        var evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        var odds = evens + Vector512<int>.One;
        var interleaveA = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        var interleaveB = interleaveA + Vector512.Create(8);
        var layerMask = Vector512.Create(0x7F);
        var signMask = Vector512.Create(0x8000_0000_0000_0000UL);
        var magic = Vector512.Create(0x4330_0000_0000_0000UL);
        var two52 = Vector512.Create(4503599627370496.0);
        var bit5 = Vector512.Create(32);
        var bit6 = Vector512.Create(64);
        var position = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var step = Vector512.Create(16);
        int* k = (int*)Ziggurat.K32;
        int* low = (int*)table->Low;
        int* high = (int*)table->High;
        int listed = 0;
        int j = 0;
        for (; j <= count - 16; j += 16)
        {
            var a = Vector512.Load(bits + j);
            var b = Vector512.Load(bits + j + 8);
            var index = Avx512F.PermuteVar16x32x2(a.AsInt32(), evens, b.AsInt32()) & layerMask;
            var top = Avx512F.PermuteVar16x32x2(a.AsInt32(), odds, b.AsInt32()).AsUInt32();
            var low5 = Vector512.Equals(index & bit5, Vector512<int>.Zero);
            var low6 = Vector512.Equals(index & bit6, Vector512<int>.Zero);
            var threshold = Lookup(k, index, low5, low6).AsUInt32();
            var widthLow = Lookup(low, index, low5, low6);
            var widthHigh = Lookup(high, index, low5, low6);
            var widthA = Avx512F.PermuteVar16x32x2(widthLow, interleaveA, widthHigh).AsDouble();
            var widthB = Avx512F.PermuteVar16x32x2(widthLow, interleaveB, widthHigh).AsDouble();
            var xA = (((a >>> 12) | magic).AsDouble() - two52) * widthA;
            var xB = (((b >>> 12) | magic).AsDouble() - two52) * widthB;
            (xA.AsUInt64() ^ ((a << 56) & signMask)).Store((ulong*)destination + j);
            (xB.AsUInt64() ^ ((b << 56) & signMask)).Store((ulong*)destination + j + 8);
            var miss = Vector512.GreaterThanOrEqual(top, threshold).AsInt32();
            Avx512F.Compress(Vector512<int>.Zero, miss, position).Store(misses + listed);
            listed += BitOperations.PopCount(miss.ExtractMostSignificantBits());
            position += step;
        }

        missCount = listed;
        return j;
    }

    /// <summary>AVX2 fast pass, 8 floats per step, lookups by gather; misses left-packed by a table-driven permute.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Single256(uint* bits, float* destination, int count, float* w, int* misses, ref int missCount)
    {
        var layerMask = Vector256.Create(0x7Fu);
        var signMask = Vector256.Create(0x8000_0000u);
        var position = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        var step = Vector256.Create(8);
        int* k = Ziggurat.K24;
        byte* pack = LeftPack;
        int listed = 0;
        int j = 0;
        for (; j <= count - 8; j += 8)
        {
            var word = Vector256.Load(bits + j);
            var index = (word & layerMask).AsInt32();
            var m = (word >>> 8).AsInt32();
            var threshold = Avx2.GatherVector256(k, index, 4);
            var width = Avx2.GatherVector256(w, index, 4);
            var x = Vector256.ConvertToSingle(m) * width;
            (x.AsUInt32() ^ ((word << 24) & signMask)).Store((uint*)destination + j);
            uint miss = Vector256.GreaterThanOrEqual(m, threshold).ExtractMostSignificantBits();
            Avx2.PermuteVar8x32(position, Avx2.ConvertToVector256Int32(pack + (miss * 8))).Store(misses + listed);
            listed += BitOperations.PopCount(miss);
            position += step;
        }

        missCount = listed;
        return j;
    }

    /// <summary>AVX2 fast pass, 4 doubles per step, lookups by gather; misses left-packed as in the float pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Double256(ulong* bits, double* destination, int count, double* w, int* misses, ref int missCount)
    {
        var layerMask = Vector256.Create(0x7FUL);
        var signMask = Vector256.Create(0x8000_0000_0000_0000UL);
        var magic = Vector256.Create(0x4330_0000_0000_0000UL);
        var two52 = Vector256.Create(4503599627370496.0);
        var position = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        var step = Vector256.Create(4);
        long* k = Ziggurat.K52;
        byte* pack = LeftPack;
        int listed = 0;
        int j = 0;
        for (; j <= count - 4; j += 4)
        {
            var word = Vector256.Load(bits + j);
            var index = (word & layerMask).AsInt64();
            var mBits = word >>> 12;
            var threshold = Avx2.GatherVector256(k, index, 8);
            var width = Avx2.GatherVector256(w, index, 8);
            var x = ((mBits | magic).AsDouble() - two52) * width;
            (x.AsUInt64() ^ ((word << 56) & signMask)).Store((ulong*)destination + j);
            uint miss = Vector256.GreaterThanOrEqual(mBits.AsInt64(), threshold).ExtractMostSignificantBits();
            Avx2.PermuteVar8x32(position, Avx2.ConvertToVector256Int32(pack + (miss * 8))).Store(misses + listed);
            listed += BitOperations.PopCount(miss);
            position += step;
        }

        missCount = listed;
        return j;
    }
}
