using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace MatrixSensing.Random;

/// <summary>
/// A seeded xoshiro256** generator. <c>(seed, stream)</c> pairs give independent sequences (the state is expanded
/// from both through SplitMix64), so each random object of a run draws from its own stream and results do not
/// depend on the order in which objects are built. Not thread-safe: one instance per thread.
/// </summary>
[SuppressMessage("Naming", "CA1711", Justification = "A random stream: the field's term for an independent sequence.")]
public sealed class RandomStream
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates the generator for a seed and a stream number.</summary>
    /// <param name="seed">The user's seed.</param>
    /// <param name="stream">Which independent stream of that seed.</param>
    public RandomStream(ulong seed, ulong stream = 0) => Reset(seed, stream);

    /// <summary>Restarts the generator at (seed, stream), as a new instance would start; allocation-free.</summary>
    /// <param name="seed">The user's seed.</param>
    /// <param name="stream">Which independent stream of that seed.</param>
    public void Reset(ulong seed, ulong stream = 0)
    {
        ulong x = seed ^ (stream * 0xD1B54A32D192ED03UL) ^ 0x243F6A8885A308D3UL;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>The next 64 uniformly random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias (Lemire's method).</summary>
    /// <param name="maxExclusive">The bound, at least 1.</param>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxExclusive, 1);
        ulong bound = (ulong)maxExclusive;
        while (true)
        {
            ulong high = Math.BigMul(NextUInt64(), bound, out ulong low);
            if (low >= bound || low >= (0UL - bound) % bound) return (int)high;
        }
    }

    /// <summary>Fills with uniform values in [0, 1).</summary>
    /// <param name="destination">The values to fill.</param>
    public void FillUniform<T>(Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = T.CreateTruncating(NextDouble());
    }

    /// <summary>
    /// Fills with i.i.d. N(0, σ²) values by the Box–Muller transform, vectorized through TensorPrimitives in chunks
    /// of a stack buffer. Allocation-free.
    /// </summary>
    /// <param name="destination">The values to fill.</param>
    /// <param name="standardDeviation">σ &gt; 0.</param>
    public void FillNormal<T>(Span<T> destination, T standardDeviation) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(standardDeviation > T.Zero) || !T.IsFinite(standardDeviation))
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "The standard deviation must be a finite number > 0.");
        const int Chunk = 256;
        Span<double> radius = stackalloc double[Chunk];
        Span<double> angle = stackalloc double[Chunk];
        Span<double> sin = stackalloc double[Chunk];
        Span<double> cos = stackalloc double[Chunk];
        double sigma = double.CreateTruncating(standardDeviation);
        int filled = 0;
        while (filled < destination.Length)
        {
            int pairs = Math.Min(Chunk, (destination.Length - filled + 1) / 2);
            var r = radius[..pairs];
            var a = angle[..pairs];
            for (int i = 0; i < pairs; i++)
            {
                // 1 − u lies in (0, 1], so the logarithm is finite.
                r[i] = 1.0 - NextDouble();
                a[i] = NextDouble();
            }
            TensorPrimitives.Log(r, r);
            TensorPrimitives.Multiply(r, -2.0 * sigma * sigma, r);
            TensorPrimitives.Sqrt(r, r);
            TensorPrimitives.Multiply(a, 2 * Math.PI, a);
            TensorPrimitives.SinCos(a, sin[..pairs], cos[..pairs]);
            TensorPrimitives.Multiply(sin[..pairs], r, sin[..pairs]);
            TensorPrimitives.Multiply(cos[..pairs], r, cos[..pairs]);
            for (int i = 0; i < pairs && filled < destination.Length; i++)
            {
                destination[filled++] = T.CreateTruncating(cos[i]);
                if (filled < destination.Length) destination[filled++] = T.CreateTruncating(sin[i]);
            }
        }
    }

    /// <summary>Fills 64-bit words with fair coin flips, one per bit.</summary>
    /// <param name="destination">The words to fill.</param>
    public void FillRademacherBits(Span<ulong> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = NextUInt64();
    }

    /// <summary>A uniformly random permutation in place (Fisher–Yates).</summary>
    /// <param name="values">The values to permute.</param>
    public void Shuffle(Span<int> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>
    /// Distinct indices drawn uniformly from [0, <paramref name="populationSize"/>) without replacement, in random
    /// order. Setup-time: it allocates scratch proportional to the smaller of the population and the sample.
    /// </summary>
    /// <param name="populationSize">The population, at least the sample size.</param>
    /// <param name="destination">Receives destination.Length distinct indices.</param>
    public void SampleWithoutReplacement(int populationSize, Span<int> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(populationSize);
        if (destination.Length > populationSize)
            throw new ArgumentOutOfRangeException(nameof(populationSize), populationSize, $"Cannot draw {destination.Length} distinct indices from {populationSize}.");
        int k = destination.Length;
        if ((long)k * 4 >= populationSize)
        {
            // Dense: partial Fisher–Yates over the whole population.
            var all = new int[populationSize];
            for (int i = 0; i < all.Length; i++) all[i] = i;
            for (int i = 0; i < k; i++)
            {
                int j = i + NextInt(populationSize - i);
                (all[i], all[j]) = (all[j], all[i]);
            }
            all.AsSpan(0, k).CopyTo(destination);
            return;
        }
        // Sparse: Floyd's algorithm, then shuffle so the order is random too.
        var chosen = new HashSet<int>(k);
        int filled = 0;
        for (int j = populationSize - k; j < populationSize; j++)
        {
            int t = NextInt(j + 1);
            int pick = chosen.Add(t) ? t : j;
            if (pick == j) chosen.Add(j);
            destination[filled++] = pick;
        }
        Shuffle(destination);
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
