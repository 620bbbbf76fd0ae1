namespace MatrixSensing.Random;

/// <summary>
/// Mini-batches without replacement: consecutive slices of a random permutation of 0..m−1, reshuffled when the
/// next batch would run past the end (the short remainder of an epoch is skipped). Allocation-free per batch.
/// </summary>
public sealed class EpochSampler
{
    private readonly int[] _order;
    private readonly RandomStream _random;
    private int _next;

    /// <summary>Creates a sampler over <paramref name="populationSize"/> indices and shuffles the first epoch.</summary>
    /// <param name="populationSize">m, at least 1.</param>
    /// <param name="random">The generator (owned by the sampler from now on).</param>
    public EpochSampler(int populationSize, RandomStream random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(populationSize, 1);
        ArgumentNullException.ThrowIfNull(random);
        _order = new int[populationSize];
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        _random = random;
        _random.Shuffle(_order);
    }

    /// <summary>Completed passes over the population.</summary>
    public int Epoch { get; private set; }

    /// <summary>The next batch of distinct indices; valid until the next call.</summary>
    /// <param name="batchSize">b, in [1, m].</param>
    public ReadOnlySpan<int> NextBatch(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batchSize, _order.Length);
        if (_next + batchSize > _order.Length)
        {
            _random.Shuffle(_order);
            _next = 0;
            Epoch++;
        }
        var batch = _order.AsSpan(_next, batchSize);
        _next += batchSize;
        return batch;
    }
}
