using System.Numerics;
using System.Runtime.CompilerServices;

namespace MatrixSensing.Random;

/// <summary>
/// Bulk normal variates: a vectorized 128-layer ziggurat over eight interleaved xoshiro256++ generators, split into
/// independent blocks so that several threads can fill one array and the result is the same for every thread count.
/// </summary>
/// <remarks>
/// <para><b>Definition.</b> For a seed s, the infinite sequence z_0, z_1, … is cut into blocks of
/// <see cref="BlockLength"/> values; block b comes from its own generator seeded from (s, b), so
/// <see cref="Fill{T}(Span{T}, ulong, T, int)"/> writes z_0 … z_{n−1} and <see cref="FillRange{T}(Span{T}, ulong, long, T)"/>
/// writes any window z_start … of the same sequence. The float and double sequences of one seed are different
/// sequences. Output is bit-identical on every x64 machine whatever the vector width (AVX-512, AVX2, scalar).</para>
/// <para><b>Allocation.</b> None on the calling thread, except the first parallel call on a thread (one small job
/// object, then reused) and any growth of the thread pool's own queues.</para>
/// </remarks>
public static class ParallelNormal
{
    /// <summary>Values per independently seeded block (2^16). Part of the output's definition.</summary>
    public const int BlockLength = BlockFill.BlockLength;

    /// <summary>
    /// Fills <paramref name="destination"/> with i.i.d. N(0, <paramref name="standardDeviation"/>²) values: the first
    /// <c>destination.Length</c> values of the sequence of <paramref name="seed"/>, identical for every
    /// <paramref name="maxDegreeOfParallelism"/>.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="destination">The values to overwrite.</param>
    /// <param name="seed">The sequence's seed.</param>
    /// <param name="standardDeviation">σ &gt; 0, finite.</param>
    /// <param name="maxDegreeOfParallelism">Threads to use, counting the caller (one per block at most); −1 for
    /// <see cref="Environment.ProcessorCount"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">σ is not positive and finite, or the degree is 0 or below −1.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static unsafe void Fill<T>(Span<T> destination, ulong seed, T standardDeviation, int maxDegreeOfParallelism = -1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ValidateStandardDeviation(standardDeviation);
        int degree = ResolveDegree(maxDegreeOfParallelism);
        ParallelBlockJob.Kind kind = KindOf<T>();
        if (destination.IsEmpty)
        {
            return;
        }

        fixed (T* p = destination)
        {
            ParallelBlockJob.Run(p, destination.Length, kind, seed, double.CreateTruncating(standardDeviation), degree);
        }
    }

    /// <summary>
    /// Writes values <paramref name="start"/> … <paramref name="start"/> + <c>destination.Length</c> − 1 of the
    /// sequence of <paramref name="seed"/> (the same values <see cref="Fill{T}(Span{T}, ulong, T, int)"/> writes at those
    /// positions), on the calling thread. Lets a consumer generate a large ensemble piece by piece; a window that
    /// starts inside a block costs the generation of that block's skipped prefix.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="destination">The values to overwrite.</param>
    /// <param name="seed">The sequence's seed.</param>
    /// <param name="start">Index of the first value, ≥ 0.</param>
    /// <param name="standardDeviation">σ &gt; 0, finite.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="start"/> is negative or σ is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static unsafe void FillRange<T>(Span<T> destination, ulong seed, long start, T standardDeviation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ValidateStandardDeviation(standardDeviation);
        ParallelBlockJob.Kind kind = KindOf<T>();
        fixed (T* p = destination)
        {
            long position = start;
            int written = 0;
            while (written < destination.Length)
            {
                long block = position / BlockLength;
                int offset = (int)(position - (block * BlockLength));
                int count = Math.Min(BlockLength - offset, destination.Length - written);
                if (kind == ParallelBlockJob.Kind.NormalSingle)
                {
                    BlockFill.Normal((float*)p + written, offset, count, seed, (ulong)block, Unsafe.As<T, float>(ref standardDeviation));
                }
                else
                {
                    BlockFill.Normal((double*)p + written, offset, count, seed, (ulong)block, Unsafe.As<T, double>(ref standardDeviation));
                }

                written += count;
                position += count;
            }
        }
    }

    internal static void ValidateStandardDeviation<T>(T standardDeviation)
        where T : IFloatingPointIeee754<T>
    {
        if (!(standardDeviation > T.Zero) || !T.IsFinite(standardDeviation))
        {
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "The standard deviation must be positive and finite.");
        }
    }

    internal static int ResolveDegree(int maxDegreeOfParallelism)
    {
        if (maxDegreeOfParallelism == -1)
        {
            return Environment.ProcessorCount;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegreeOfParallelism, 1);
        return maxDegreeOfParallelism;
    }

    internal static ParallelBlockJob.Kind KindOf<T>()
    {
        if (typeof(T) == typeof(float))
        {
            return ParallelBlockJob.Kind.NormalSingle;
        }

        if (typeof(T) == typeof(double))
        {
            return ParallelBlockJob.Kind.NormalDouble;
        }

        throw new NotSupportedException($"Normal fills support float and double, not {typeof(T).Name}.");
    }
}
