using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MatrixSensing.Random;

/// <summary>The 32 state words of <see cref="LaneEngine.Lanes"/> interleaved xoshiro256++ generators.</summary>
[InlineArray(LaneEngine.Lanes * 4)]
internal struct LaneWords
{
    private ulong _element0;
}

/// <summary>
/// The bulk generator behind every vector fill: eight independent xoshiro256++ generators in lockstep (one per
/// 64-bit vector lane) plus one scalar xoshiro256++ for the rare draws a kernel cannot vectorize (ziggurat
/// rejections).
/// </summary>
/// <remarks>
/// The logical width is fixed at eight lanes whatever the hardware: one round yields the words
/// (lane 0, …, lane 7), so the AVX-512 (one vector), AVX2 (two vectors) and scalar (eight steps) paths produce the
/// same sequence. State word w of lane l is <c>State[w·8 + l]</c>. An engine for (seed, stream) takes its 40 state
/// words from the SplitMix64 sequence at <c>DeriveKey(seed, stream) ^ BlockEngineDomain</c>: lanes' words first,
/// then <see cref="Uniforms"/>', then <see cref="Restarts"/>'.
/// </remarks>
internal struct LaneEngine
{
    /// <summary>Number of interleaved generators (64-bit words per round).</summary>
    public const int Lanes = 8;

    /// <summary>Lane states, word-major.</summary>
    public LaneWords State;

    /// <summary>Scalar generator of the one uniform each ziggurat miss consumes.</summary>
    public Xoshiro256 Uniforms;

    /// <summary>Scalar generator of redraws (candidates the wedge test rejects, tail draws).</summary>
    public Xoshiro256 Restarts;

    /// <summary>Seeds the engine of substream <paramref name="stream"/> of <paramref name="seed"/>.</summary>
    public void Initialize(ulong seed, ulong stream)
    {
        ulong key = SplitMix64.DeriveKey(seed, stream) ^ SplitMix64.BlockEngineDomain;
        for (int k = 0; k < Lanes * 4; k++)
        {
            State[k] = SplitMix64.Next(ref key);
        }

        for (int lane = 0; lane < Lanes; lane++)
        {
            if ((State[lane] | State[Lanes + lane] | State[(2 * Lanes) + lane] | State[(3 * Lanes) + lane]) == 0)
            {
                State[lane] = SplitMix64.Gamma;
            }
        }

        Uniforms = Next(ref key);
        Restarts = Next(ref key);
    }

    private static Xoshiro256 Next(ref ulong key)
    {
        Xoshiro256 g;
        g.S0 = SplitMix64.Next(ref key);
        g.S1 = SplitMix64.Next(ref key);
        g.S2 = SplitMix64.Next(ref key);
        g.S3 = SplitMix64.Next(ref key);
        g.EnsureNonZero();
        return g;
    }

    /// <summary>Writes <paramref name="rounds"/> rounds (8 words each) to <paramref name="destination"/>.</summary>
    public unsafe void Generate(ulong* destination, int rounds)
    {
        fixed (ulong* state = &State[0])
        {
            switch (SimdSelector.Current)
            {
                case SimdPath.Avx512:
                    Generate512(state, destination, rounds);
                    break;
                case SimdPath.Avx2:
                    Generate256(state, destination, rounds);
                    break;
                default:
                    GenerateScalar(state, destination, rounds);
                    break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Generate512(ulong* state, ulong* destination, int rounds)
    {
        var s0 = Vector512.Load(state);
        var s1 = Vector512.Load(state + Lanes);
        var s2 = Vector512.Load(state + (2 * Lanes));
        var s3 = Vector512.Load(state + (3 * Lanes));
        for (int r = 0; r < rounds; r++)
        {
            var result = Avx512F.RotateLeft(s0 + s3, 23) + s0;
            var t = s1 << 17;
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= t;
            s3 = Avx512F.RotateLeft(s3, 45);
            result.Store(destination + (r * Lanes));
        }

        s0.Store(state);
        s1.Store(state + Lanes);
        s2.Store(state + (2 * Lanes));
        s3.Store(state + (3 * Lanes));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Generate256(ulong* state, ulong* destination, int rounds)
    {
        var a0 = Vector256.Load(state);
        var b0 = Vector256.Load(state + 4);
        var a1 = Vector256.Load(state + Lanes);
        var b1 = Vector256.Load(state + Lanes + 4);
        var a2 = Vector256.Load(state + (2 * Lanes));
        var b2 = Vector256.Load(state + (2 * Lanes) + 4);
        var a3 = Vector256.Load(state + (3 * Lanes));
        var b3 = Vector256.Load(state + (3 * Lanes) + 4);
        for (int r = 0; r < rounds; r++)
        {
            var sa = a0 + a3;
            var sb = b0 + b3;
            var ra = ((sa << 23) | (sa >>> 41)) + a0;
            var rb = ((sb << 23) | (sb >>> 41)) + b0;
            var ta = a1 << 17;
            var tb = b1 << 17;
            a2 ^= a0; b2 ^= b0;
            a3 ^= a1; b3 ^= b1;
            a1 ^= a2; b1 ^= b2;
            a0 ^= a3; b0 ^= b3;
            a2 ^= ta; b2 ^= tb;
            a3 = (a3 << 45) | (a3 >>> 19);
            b3 = (b3 << 45) | (b3 >>> 19);
            ra.Store(destination + (r * Lanes));
            rb.Store(destination + (r * Lanes) + 4);
        }

        a0.Store(state);
        b0.Store(state + 4);
        a1.Store(state + Lanes);
        b1.Store(state + Lanes + 4);
        a2.Store(state + (2 * Lanes));
        b2.Store(state + (2 * Lanes) + 4);
        a3.Store(state + (3 * Lanes));
        b3.Store(state + (3 * Lanes) + 4);
    }

    private static unsafe void GenerateScalar(ulong* state, ulong* destination, int rounds)
    {
        for (int lane = 0; lane < Lanes; lane++)
        {
            Xoshiro256 g;
            g.S0 = state[lane];
            g.S1 = state[Lanes + lane];
            g.S2 = state[(2 * Lanes) + lane];
            g.S3 = state[(3 * Lanes) + lane];
            for (int r = 0; r < rounds; r++)
            {
                destination[(r * Lanes) + lane] = g.Next();
            }

            state[lane] = g.S0;
            state[Lanes + lane] = g.S1;
            state[(2 * Lanes) + lane] = g.S2;
            state[(3 * Lanes) + lane] = g.S3;
        }
    }
}
