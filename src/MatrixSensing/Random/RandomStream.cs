using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace MatrixSensing.Random;

/// <summary>
/// A seeded, splittable pseudo-random generator: xoshiro256++ (period 2^256 − 1) seeded through SplitMix64.
/// <c>new RandomStream(seed, stream)</c> for distinct <paramref name="stream"/> values gives independent substreams
/// of one seed; the same (seed, stream) always gives the same sequence on every platform.
/// </summary>
/// <remarks>
/// <para>Not thread-safe: give each thread its own stream (<see cref="Split"/> or a distinct stream number).</para>
/// <para>Scalar draws (<see cref="NextUInt64"/>, <see cref="NextInt(int)"/>, …) advance the generator one step each.
/// A bulk fill (<see cref="FillNormal{T}(Span{T}, T)"/>, <see cref="FillUniform{T}(Span{T})"/>,
/// <see cref="FillRademacherBits"/>) draws one 64-bit key from this stream and produces the values with the
/// vectorized block engine of that key (see <see cref="ParallelNormal"/>), so it costs one step of this stream
/// whatever its length.</para>
/// <para>All members are allocation-free.</para>
/// </remarks>
/// <param name="seed">The seed.</param>
/// <param name="stream">The substream number; distinct numbers give independent streams of one seed.</param>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix",
    Justification = "A random stream in the statistical sense (substreams of one seed), the name consumers use.")]
public sealed partial class RandomStream(ulong seed, ulong stream = 0)
{
    private Xoshiro256 _state = Xoshiro256.FromKey(SplitMix64.DeriveKey(seed, stream));

    /// <summary>The seed this stream was created with.</summary>
    public ulong Seed { get; } = seed;

    /// <summary>The substream number this stream was created with.</summary>
    public ulong Stream { get; } = stream;

    /// <summary>
    /// A 64-bit seed for substream <paramref name="stream"/> of <paramref name="seed"/>, for APIs that take a
    /// seed (such as <see cref="ParallelNormal.Fill{T}(Span{T}, ulong, T, int)"/>). For a fixed seed, distinct stream
    /// numbers give distinct seeds.
    /// </summary>
    /// <param name="seed">The parent seed.</param>
    /// <param name="stream">The substream number.</param>
    /// <returns>The derived seed.</returns>
    public static ulong DeriveSeed(ulong seed, ulong stream) => SplitMix64.DeriveKey(seed, stream);

    /// <summary>A new, independent stream seeded from the next two outputs of this one.</summary>
    /// <returns>The new stream.</returns>
    public RandomStream Split() => new(NextUInt64(), NextUInt64());

    /// <summary>Returns 64 random bits.</summary>
    /// <returns>A uniformly distributed 64-bit word.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64() => _state.Next();

    /// <summary>Returns 32 random bits (the high half of one 64-bit output).</summary>
    /// <returns>A uniformly distributed 32-bit word.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint NextUInt32() => (uint)(_state.Next() >> 32);

    /// <summary>Returns a double uniform in [0, 1) with 53 random bits.</summary>
    /// <returns>A value in [0, 1).</returns>
    public double NextDouble() => _state.NextDouble();

    /// <summary>Returns a float uniform in [0, 1) with 24 random bits.</summary>
    /// <returns>A value in [0, 1).</returns>
    public float NextSingle() => (_state.Next() >> 40) * (1.0f / (1 << 24));

    /// <summary>Returns an integer uniform in [0, <paramref name="maxExclusive"/>), without bias (Lemire's method).</summary>
    /// <param name="maxExclusive">The exclusive upper bound, ≥ 1.</param>
    /// <returns>A value in [0, <paramref name="maxExclusive"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is less than 1.</exception>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxExclusive, 1);
        return (int)Bounded((uint)maxExclusive);
    }

    /// <summary>Returns an integer uniform in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>), without bias.</summary>
    /// <param name="minInclusive">The inclusive lower bound.</param>
    /// <param name="maxExclusive">The exclusive upper bound, greater than <paramref name="minInclusive"/>.</param>
    /// <returns>A value in the range.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty.</exception>
    public int NextInt(int minInclusive, int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxExclusive, minInclusive);
        return (int)(minInclusive + (long)Bounded64((ulong)((long)maxExclusive - minInclusive)));
    }

    /// <summary>Returns an integer uniform in [0, <paramref name="maxExclusive"/>), without bias.</summary>
    /// <param name="maxExclusive">The exclusive upper bound, ≥ 1.</param>
    /// <returns>A value in [0, <paramref name="maxExclusive"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is less than 1.</exception>
    public long NextInt64(long maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxExclusive, 1);
        return (long)Bounded64((ulong)maxExclusive);
    }

    /// <summary>Returns a standard normal variate (scalar ziggurat, 53-bit uniforms).</summary>
    /// <returns>A draw from N(0, 1).</returns>
    public double NextNormal() => Ziggurat.NextStandard(ref _state);

    /// <summary>Lemire's nearly divisionless bounded integer on 32 bits: [0, range), range ≥ 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal uint Bounded(uint range)
    {
        ulong product = (ulong)NextUInt32() * range;
        uint low = (uint)product;
        if (low < range)
        {
            uint threshold = (0u - range) % range;
            while (low < threshold)
            {
                product = (ulong)NextUInt32() * range;
                low = (uint)product;
            }
        }

        return (uint)(product >> 32);
    }

    /// <summary>Lemire's method on 64 bits: [0, range), range ≥ 1.</summary>
    internal ulong Bounded64(ulong range)
    {
        ulong high = Math.BigMul(NextUInt64(), range, out ulong low);
        if (low < range)
        {
            ulong threshold = (0UL - range) % range;
            while (low < threshold)
            {
                high = Math.BigMul(NextUInt64(), range, out low);
            }
        }

        return high;
    }
}
