namespace MatrixSensing.Random;

/// <summary>
/// Mini-batches without replacement for SGD: holds a permutation of 0 … m−1 and hands out consecutive slices of it,
/// reshuffling for every epoch. Each batch has distinct indices, every index appears exactly once per epoch (unless
/// <see cref="DropIncompleteBatch"/> skips an epoch's short tail), and drawing a batch allocates nothing.
/// </summary>
/// <remarks>
/// The shuffle is an incremental Fisher–Yates: a batch of b draws its b positions just before it is handed out
/// (O(b) work, no O(m) pause at epoch ends), and the positions handed out so far in an epoch are a uniformly random
/// ordered sample without replacement.
/// </remarks>
public sealed class EpochSampler
{
    private readonly int[] _order;
    private readonly RandomStream _random;
    private int _position;

    /// <summary>Creates a sampler over [0, <paramref name="populationSize"/>), at the start of epoch 0.</summary>
    /// <param name="populationSize">The number of measurements m, ≥ 1.</param>
    /// <param name="random">The stream that draws the permutations (b bounded integers per batch of b).</param>
    /// <param name="dropIncompleteBatch">When true every batch has exactly the requested size: an epoch's tail shorter
    /// than the batch is skipped (those indices wait for a later epoch). When false the last batch of an epoch may be
    /// shorter.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="populationSize"/> is less than 1.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is null.</exception>
    public EpochSampler(int populationSize, RandomStream random, bool dropIncompleteBatch = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(populationSize, 1);
        ArgumentNullException.ThrowIfNull(random);
        _random = random;
        DropIncompleteBatch = dropIncompleteBatch;
        _order = new int[populationSize];
        for (int i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }
    }

    /// <summary>The population size m.</summary>
    public int PopulationSize => _order.Length;

    /// <summary>Whether an epoch's tail shorter than the batch is skipped.</summary>
    public bool DropIncompleteBatch { get; }

    /// <summary>The current epoch, counted from 0.</summary>
    public long Epoch { get; private set; }

    /// <summary>How many indices of the current epoch have been handed out.</summary>
    public int Position => _position;

    /// <summary>
    /// The next batch: up to <paramref name="batchSize"/> distinct indices (fewer only at the end of an epoch when
    /// <see cref="DropIncompleteBatch"/> is false). The span views the sampler's permutation: read it before the
    /// next call, which may rearrange it.
    /// </summary>
    /// <param name="batchSize">The batch size b, 1 ≤ b ≤ <see cref="PopulationSize"/>.</param>
    /// <returns>The batch's indices.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is out of range.</exception>
    public ReadOnlySpan<int> NextBatch(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batchSize, _order.Length);
        int remaining = _order.Length - _position;
        if (remaining == 0 || (DropIncompleteBatch && remaining < batchSize))
        {
            _position = 0;
            Epoch++;
            remaining = _order.Length;
        }

        int count = Math.Min(batchSize, remaining);
        int[] order = _order;
        for (int p = _position; p < _position + count; p++)
        {
            int j = p + (int)_random.Bounded((uint)(order.Length - p));
            (order[p], order[j]) = (order[j], order[p]);
        }

        var batch = new ReadOnlySpan<int>(order, _position, count);
        _position += count;
        return batch;
    }

    /// <summary>Copies the next batch (see <see cref="NextBatch(int)"/>) into <paramref name="destination"/>.</summary>
    /// <param name="destination">Receives the batch; its length is the batch size.</param>
    /// <returns>The number of indices written (less than the length only at an epoch's end).</returns>
    /// <exception cref="ArgumentOutOfRangeException">The destination is empty or longer than the population.</exception>
    public int NextBatch(Span<int> destination)
    {
        if (destination.IsEmpty || destination.Length > _order.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(destination), destination.Length,
                $"The batch size must be between 1 and the population size {_order.Length}.");
        }

        var batch = NextBatch(destination.Length);
        batch.CopyTo(destination);
        return batch.Length;
    }
}
