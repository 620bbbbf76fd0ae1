using System.Numerics;

namespace MatrixSensing.Random;

public sealed partial class RandomStream
{
    /// <summary>Samples this small are drawn by Floyd's algorithm with a (vectorized) linear membership scan.</summary>
    private const int FloydLimit = 64;

    /// <summary>Puts <paramref name="values"/> in uniformly random order (Fisher–Yates).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="values">The values to permute in place.</param>
    public void Shuffle<T>(Span<T> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = (int)Bounded((uint)(i + 1));
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with distinct indices from [0, <paramref name="populationSize"/>), every
    /// ordered selection equally likely. Allocation-free; Floyd's algorithm for k ≤ 64, otherwise O(k log k) or
    /// O(populationSize) when k &gt; populationSize/8. For repeated mini-batches over one population prefer
    /// <see cref="EpochSampler"/>.
    /// </summary>
    /// <param name="populationSize">The population size, ≥ the sample size <c>destination.Length</c>.</param>
    /// <param name="destination">Receives the sample; its length is the sample size.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="populationSize"/> is negative or smaller than
    /// the sample size.</exception>
    public void SampleWithoutReplacement(int populationSize, Span<int> destination)
    {
        ValidateSample(populationSize, destination.Length);
        int k = destination.Length;
        if (k <= FloydLimit)
        {
            int count = 0;
            for (int j = populationSize - k; j < populationSize; j++)
            {
                int t = (int)Bounded((uint)(j + 1));
                destination[count] = destination[..count].Contains(t) ? j : t;
                count++;
            }
        }
        else
        {
            SampleSorted(populationSize, destination);
        }

        Shuffle(destination);
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with a uniformly random set of distinct indices from
    /// [0, <paramref name="populationSize"/>) in increasing order. Allocation-free.
    /// </summary>
    /// <param name="populationSize">The population size, ≥ the sample size <c>destination.Length</c>.</param>
    /// <param name="destination">Receives the sample; its length is the sample size.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="populationSize"/> is negative or smaller than
    /// the sample size.</exception>
    public void SampleWithoutReplacementSorted(int populationSize, Span<int> destination)
    {
        ValidateSample(populationSize, destination.Length);
        SampleSorted(populationSize, destination);
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with a uniformly random set of distinct indices from
    /// [0, <paramref name="populationSize"/>) in increasing order, for populations beyond 2^31 (entries of a large
    /// matrix). Allocation-free.
    /// </summary>
    /// <param name="populationSize">The population size, ≥ the sample size <c>destination.Length</c>.</param>
    /// <param name="destination">Receives the sample; its length is the sample size.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="populationSize"/> is negative or smaller than
    /// the sample size.</exception>
    public void SampleWithoutReplacementSorted(long populationSize, Span<long> destination)
    {
        ValidateSample(populationSize, destination.Length);
        SampleSorted(populationSize, destination);
    }

    private static void ValidateSample(long populationSize, int sampleSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(populationSize);
        if (populationSize < sampleSize)
        {
            throw new ArgumentOutOfRangeException(nameof(populationSize), populationSize,
                $"The population ({populationSize}) is smaller than the sample ({sampleSize}).");
        }
    }

    /// <summary>
    /// A uniform k-subset in increasing order. Dense samples (k &gt; n/8): selection sampling (Knuth's algorithm S),
    /// O(n) ≤ O(8k). Sparse samples: draw with replacement, sort, drop repeats and redraw the shortfall until k
    /// distinct values remain; the procedure commutes with any relabelling of the population, so the subset is
    /// uniform, and each round leaves at most a fraction k/n ≤ 1/8 to redraw.
    /// </summary>
    private void SampleSorted<T>(long populationSize, Span<T> destination)
        where T : struct, IBinaryInteger<T>
    {
        int k = destination.Length;
        if (k == 0)
        {
            return;
        }

        if ((long)k * 8 > populationSize)
        {
            int selected = 0;
            for (long v = 0; selected < k; v++)
            {
                if ((long)Bounded64((ulong)(populationSize - v)) < k - selected)
                {
                    destination[selected++] = T.CreateTruncating(v);
                }
            }

            return;
        }

        int filled = 0;
        while (filled < k)
        {
            for (int i = filled; i < k; i++)
            {
                destination[i] = T.CreateTruncating(Bounded64((ulong)populationSize));
            }

            destination.Sort();
            filled = 1;
            for (int i = 1; i < k; i++)
            {
                if (destination[i] != destination[filled - 1])
                {
                    destination[filled++] = destination[i];
                }
            }
        }
    }
}
