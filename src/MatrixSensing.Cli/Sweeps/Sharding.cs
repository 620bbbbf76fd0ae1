using System.Globalization;

namespace MatrixSensing.Cli.Sweeps;

/// <summary>"i/N": shard i (0-based) of N.</summary>
/// <param name="Index">0 … Count−1.</param>
/// <param name="Count">Number of shards, ≥ 1.</param>
internal readonly record struct ShardSpec(int Index, int Count)
{
    /// <summary>Parses "i/N" with 0 ≤ i &lt; N.</summary>
    public static ShardSpec Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && i < n)
            return new ShardSpec(i, n);
        throw new ArgumentException($"--shard: '{text}' is not i/N with 0 ≤ i < N (e.g. 0/4 … 3/4)");
    }

    /// <summary>"i/N".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}

/// <summary>
/// Splits a sweep's trials into shards of about equal estimated cost: longest-processing-time-first (trials by
/// decreasing cost, ties by index, each to the currently lightest shard, ties to the lowest shard). A pure function
/// of the planned trials, so every array task computes the same split without talking to the others.
/// </summary>
internal static class Sharding
{
    /// <summary>The shard (0 … count−1) of every trial, by trial index.</summary>
    public static int[] Assign(IReadOnlyList<PlannedTrial> trials, int count)
    {
        var shardOf = new int[trials.Count];
        var load = new double[count];
        foreach (var trial in trials.OrderByDescending(t => t.Cost).ThenBy(t => t.Index))
        {
            int lightest = 0;
            for (int s = 1; s < count; s++)
                if (load[s] < load[lightest]) lightest = s;
            shardOf[trial.Index] = lightest;
            load[lightest] += trial.Cost;
        }
        return shardOf;
    }

    /// <summary>The trials of one shard, in grid order.</summary>
    public static IReadOnlyList<PlannedTrial> Select(IReadOnlyList<PlannedTrial> trials, ShardSpec shard)
    {
        var shardOf = Assign(trials, shard.Count);
        return [.. trials.Where(t => shardOf[t.Index] == shard.Index)];
    }
}
