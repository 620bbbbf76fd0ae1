using System.Numerics;
using System.Runtime.CompilerServices;

namespace MatrixSensing.Random;

/// <summary>
/// xoshiro256++ (Blackman &amp; Vigna 2019): 256-bit state, period 2^256 − 1, all 64 output bits of good quality
/// (unlike xoshiro256+, whose low bits are weak), so every output bit may be used as an index, sign or coin.
/// </summary>
internal struct Xoshiro256
{
    public ulong S0;
    public ulong S1;
    public ulong S2;
    public ulong S3;

    /// <summary>A generator whose state is the next four outputs of the SplitMix64 sequence at <paramref name="key"/>.</summary>
    public static Xoshiro256 FromKey(ulong key)
    {
        Xoshiro256 g;
        g.S0 = SplitMix64.Next(ref key);
        g.S1 = SplitMix64.Next(ref key);
        g.S2 = SplitMix64.Next(ref key);
        g.S3 = SplitMix64.Next(ref key);
        g.EnsureNonZero();
        return g;
    }

    /// <summary>The all-zero state is the one fixed point of xoshiro; replace it (probability 2^-256).</summary>
    public void EnsureNonZero()
    {
        if ((S0 | S1 | S2 | S3) == 0)
        {
            S0 = SplitMix64.Gamma;
        }
    }

    /// <summary>Returns the next 64 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Next()
    {
        ulong s0 = S0, s1 = S1, s2 = S2, s3 = S3;
        ulong result = BitOperations.RotateLeft(s0 + s3, 23) + s0;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = BitOperations.RotateLeft(s3, 45);
        S0 = s0; S1 = s1; S2 = s2; S3 = s3;
        return result;
    }

    /// <summary>A double in (0, 1] with 53 random bits (never zero, so its logarithm is finite).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextOpenClosed() => ((Next() >> 11) + 1) * (1.0 / (1UL << 53));

    /// <summary>A double in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));
}
