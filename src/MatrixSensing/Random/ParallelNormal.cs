using System.Numerics;

namespace MatrixSensing.Random;

/// <summary>
/// Bulk N(0, σ²) generation on several threads whose output does not depend on the thread count: the array is cut
/// into fixed blocks and block k is drawn from stream k of the seed.
/// </summary>
public static class ParallelNormal
{
    /// <summary>Elements per block; each block has its own stream.</summary>
    public const int BlockLength = 1 << 16;

    /// <summary>Fills <paramref name="destination"/> with i.i.d. N(0, σ²) values.</summary>
    /// <param name="destination">The values to fill.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="standardDeviation">σ &gt; 0.</param>
    /// <param name="maxDegreeOfParallelism">Threads to use (−1: all processors).</param>
    public static void Fill<T>(T[] destination, ulong seed, T standardDeviation, int maxDegreeOfParallelism = -1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!(standardDeviation > T.Zero) || !T.IsFinite(standardDeviation))
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "The standard deviation must be a finite number > 0.");
        int blocks = (int)((destination.LongLength + BlockLength - 1) / BlockLength);
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, block =>
        {
            int start = block * BlockLength;
            int length = Math.Min(BlockLength, destination.Length - start);
            new RandomStream(seed, BlockStream(block)).FillNormal(destination.AsSpan(start, length), standardDeviation);
        });
    }

    /// <summary>
    /// The same values as <see cref="Fill"/> on the calling thread only, reusing <paramref name="generator"/>:
    /// allocation-free, for regenerating an ensemble inside an iteration loop.
    /// </summary>
    /// <param name="destination">The values to fill.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="standardDeviation">σ &gt; 0.</param>
    /// <param name="generator">Any instance; it is reset for each block.</param>
    public static void FillSequential<T>(Span<T> destination, ulong seed, T standardDeviation, RandomStream generator)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(generator);
        for (int start = 0, block = 0; start < destination.Length; start += BlockLength, block++)
        {
            generator.Reset(seed, BlockStream(block));
            generator.FillNormal(destination.Slice(start, Math.Min(BlockLength, destination.Length - start)), standardDeviation);
        }
    }

    private static ulong BlockStream(int block) => 0x4E4F524DUL + (ulong)block;
}
