using System.Runtime.CompilerServices;

namespace MatrixSensing.Random;

/// <summary>
/// SplitMix64 (Steele, Lea &amp; Flood 2014; Vigna's reference constants): the seeding and key-derivation
/// function for every generator in this namespace. Never used to produce output values directly.
/// </summary>
internal static class SplitMix64
{
    /// <summary>The golden-ratio increment of the SplitMix64 sequence.</summary>
    public const ulong Gamma = 0x9E3779B97F4A7C15UL;

    /// <summary>Domain tag mixed into the keys of the vector block engines, so that a block engine never
    /// starts from the same SplitMix64 sequence as a <see cref="RandomStream"/> with the same (seed, stream).</summary>
    public const ulong BlockEngineDomain = 0xD1B54A32D192ED03UL;

    /// <summary>The SplitMix64 output function (a bijection of 64-bit words).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>MurmurHash3's fmix64 finalizer: a second bijection, independent of <see cref="Mix"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix2(ulong z)
    {
        z = (z ^ (z >> 33)) * 0xFF51AFD7ED558CCDUL;
        z = (z ^ (z >> 33)) * 0xC4CEB9FE1A85EC53UL;
        return z ^ (z >> 33);
    }

    /// <summary>Advances a SplitMix64 sequence and returns its next output.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Next(ref ulong x)
    {
        x += Gamma;
        return Mix(x);
    }

    /// <summary>
    /// The 64-bit key of substream <paramref name="stream"/> of <paramref name="seed"/>. For a fixed seed the map
    /// stream → key is a bijection (so substreams of one seed never share a key), and likewise seed → key for a
    /// fixed stream.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong DeriveKey(ulong seed, ulong stream) => Mix(seed ^ Mix2(stream + Gamma));
}
