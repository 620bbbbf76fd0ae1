using System.Runtime.CompilerServices;

namespace MatrixSensing.Random;

/// <summary>
/// Fills one block of a blocked random sequence. The sequence of (seed) is cut into blocks of
/// <see cref="BlockLength"/> values; block b is drawn from the <see cref="LaneEngine"/> of substream (seed, b), value j
/// of the block from the engine's j-th output word (64-bit words for double, 32-bit half-words for float).
/// Any part of any block can therefore be produced independently of the others, on any thread.
/// </summary>
internal static unsafe class BlockFill
{
    /// <summary>Values per block (for 64-bit words, words per block).</summary>
    public const int BlockLength = 1 << 16;

    /// <summary>64-bit words generated per chunk (8 KiB: stays in L1).</summary>
    private const int ChunkWords = 1024;

    /// <summary>Writes values [skip, skip + count) of normal block <paramref name="block"/> to <paramref name="destination"/>.</summary>
    [SkipLocalsInit]
    public static void Normal(float* destination, int skip, int count, ulong seed, ulong block, float standardDeviation)
    {
        LaneEngine engine = default;
        engine.Initialize(seed, block);
        float* w = stackalloc float[Ziggurat.Layers];
        NormalTransform.ScaleTable(w, standardDeviation);
        ulong* bits = stackalloc ulong[ChunkWords];
        const int chunk = ChunkWords * 2;
        float* scratch = stackalloc float[skip > 0 ? chunk : 1];
        int total = skip + count;
        for (int start = 0; start < total; start += chunk)
        {
            int n = Math.Min(chunk, total - start);
            engine.Generate(bits, (n + 15) / 16);
            int skipped = Math.Clamp(skip - start, 0, n);
            uint* words = (uint*)bits;
            if (skipped > 0)
            {
                NormalTransform.Apply(words, scratch, skipped, w, standardDeviation, ref engine.Uniforms, ref engine.Restarts);
            }

            if (n > skipped)
            {
                NormalTransform.Apply(words + skipped, destination + (start + skipped - skip), n - skipped, w, standardDeviation, ref engine.Uniforms, ref engine.Restarts);
            }
        }
    }

    /// <inheritdoc cref="Normal(float*, int, int, ulong, ulong, float)"/>
    [SkipLocalsInit]
    public static void Normal(double* destination, int skip, int count, ulong seed, ulong block, double standardDeviation)
    {
        LaneEngine engine = default;
        engine.Initialize(seed, block);
        DoubleTable table;
        DoubleTable* w = &table;
        NormalTransform.ScaleTable(w, standardDeviation);
        ulong* bits = stackalloc ulong[ChunkWords];
        const int chunk = ChunkWords;
        double* scratch = stackalloc double[skip > 0 ? chunk : 1];
        int total = skip + count;
        for (int start = 0; start < total; start += chunk)
        {
            int n = Math.Min(chunk, total - start);
            engine.Generate(bits, (n + 7) / 8);
            int skipped = Math.Clamp(skip - start, 0, n);
            if (skipped > 0)
            {
                NormalTransform.Apply(bits, scratch, skipped, w, standardDeviation, ref engine.Uniforms, ref engine.Restarts);
            }

            if (n > skipped)
            {
                NormalTransform.Apply(bits + skipped, destination + (start + skipped - skip), n - skipped, w, standardDeviation, ref engine.Uniforms, ref engine.Restarts);
            }
        }
    }

    /// <summary>Writes the first <paramref name="count"/> uniform floats of block <paramref name="block"/>.</summary>
    [SkipLocalsInit]
    public static void Uniform(float* destination, int count, ulong seed, ulong block)
    {
        LaneEngine engine = default;
        engine.Initialize(seed, block);
        ulong* bits = stackalloc ulong[ChunkWords];
        const int chunk = ChunkWords * 2;
        for (int start = 0; start < count; start += chunk)
        {
            int n = Math.Min(chunk, count - start);
            engine.Generate(bits, (n + 15) / 16);
            UniformTransform.Apply((uint*)bits, destination + start, n);
        }
    }

    /// <summary>Writes the first <paramref name="count"/> uniform doubles of block <paramref name="block"/>.</summary>
    [SkipLocalsInit]
    public static void Uniform(double* destination, int count, ulong seed, ulong block)
    {
        LaneEngine engine = default;
        engine.Initialize(seed, block);
        ulong* bits = stackalloc ulong[ChunkWords];
        for (int start = 0; start < count; start += ChunkWords)
        {
            int n = Math.Min(ChunkWords, count - start);
            engine.Generate(bits, (n + 7) / 8);
            UniformTransform.Apply(bits, destination + start, n);
        }
    }

    /// <summary>Writes the first <paramref name="count"/> raw words of block <paramref name="block"/>.</summary>
    [SkipLocalsInit]
    public static void Bits(ulong* destination, int count, ulong seed, ulong block)
    {
        LaneEngine engine = default;
        engine.Initialize(seed, block);
        int rounds = count / LaneEngine.Lanes;
        engine.Generate(destination, rounds);
        int rest = count - (rounds * LaneEngine.Lanes);
        if (rest > 0)
        {
            ulong* last = stackalloc ulong[LaneEngine.Lanes];
            engine.Generate(last, 1);
            new ReadOnlySpan<ulong>(last, rest).CopyTo(new Span<ulong>(destination + (count - rest), rest));
        }
    }
}
