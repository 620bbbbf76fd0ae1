using System.Numerics;

namespace MatrixSensing.Random;

public sealed partial class RandomStream
{
    /// <summary>
    /// Fills <paramref name="destination"/> with i.i.d. N(0, <paramref name="standardDeviation"/>²) values on the
    /// calling thread: the values <see cref="ParallelNormal.Fill{T}(Span{T}, ulong, T, int)"/> writes for the seed
    /// <see cref="NextUInt64"/> returns (this stream advances by one step).
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="destination">The values to overwrite.</param>
    /// <param name="standardDeviation">σ &gt; 0, finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">σ is not positive and finite.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public void FillNormal<T>(Span<T> destination, T standardDeviation)
        where T : unmanaged, IFloatingPointIeee754<T>
        => FillNormal(destination, standardDeviation, 1);

    /// <summary>
    /// As <see cref="FillNormal{T}(Span{T}, T)"/>, on up to <paramref name="maxDegreeOfParallelism"/> threads; the
    /// values do not depend on the thread count.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="destination">The values to overwrite.</param>
    /// <param name="standardDeviation">σ &gt; 0, finite.</param>
    /// <param name="maxDegreeOfParallelism">Threads to use, counting the caller; −1 for all processors.</param>
    /// <exception cref="ArgumentOutOfRangeException">σ is not positive and finite, or the degree is 0 or below −1.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public void FillNormal<T>(Span<T> destination, T standardDeviation, int maxDegreeOfParallelism)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Validate everything before drawing, so a refused call leaves the stream where it was.
        ParallelNormal.ValidateStandardDeviation(standardDeviation);
        ParallelNormal.ResolveDegree(maxDegreeOfParallelism);
        ParallelNormal.KindOf<T>();
        ParallelNormal.Fill(destination, NextUInt64(), standardDeviation, maxDegreeOfParallelism);
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with i.i.d. values uniform in [0, 1): 24 random bits per float, 52 per
    /// double. Vectorized; this stream advances by one step.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="destination">The values to overwrite.</param>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public unsafe void FillUniform<T>(Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            throw new NotSupportedException($"Uniform fills support float and double, not {typeof(T).Name}.");
        }

        ulong key = NextUInt64();
        fixed (T* p = destination)
        {
            for (int start = 0, block = 0; start < destination.Length; start += BlockFill.BlockLength, block++)
            {
                int count = Math.Min(BlockFill.BlockLength, destination.Length - start);
                if (typeof(T) == typeof(float))
                {
                    BlockFill.Uniform((float*)p + start, count, key, (ulong)block);
                }
                else
                {
                    BlockFill.Uniform((double*)p + start, count, key, (ulong)block);
                }
            }
        }
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with random words: every bit is an independent fair coin, as a
    /// bit-packed Rademacher ensemble needs (bit set = −1, say). Vectorized; this stream advances by one step.
    /// </summary>
    /// <param name="destination">The words to overwrite.</param>
    public unsafe void FillRademacherBits(Span<ulong> destination)
    {
        ulong key = NextUInt64();
        fixed (ulong* p = destination)
        {
            for (int start = 0, block = 0; start < destination.Length; start += BlockFill.BlockLength, block++)
            {
                BlockFill.Bits(p + start, Math.Min(BlockFill.BlockLength, destination.Length - start), key, (ulong)block);
            }
        }
    }
}
