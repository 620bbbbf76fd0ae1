using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Reports;
using Perfolizer.Horology;

namespace MatrixSensing.Benchmarks.LinearAlgebra;

/// <summary>
/// A short job for a shared 2-core machine: one launch, 2 warm-up and 5 measured iterations of ~150 ms each.
/// Enough to rank the backends by a wide margin; use BenchmarkDotNet's default job for publishable numbers.
/// Results are grouped by category (the product or decomposition) and shape, with MathNet managed as the
/// baseline of each group, and the ratio shown as "N× faster/slower".
/// </summary>
public sealed class TwoCoreShortConfig : ManualConfig
{
    /// <summary>Builds the config.</summary>
    public TwoCoreShortConfig()
    {
        AddJob(Job.Default
            .WithId("Short2Core")
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(5)
            .WithIterationTime(TimeInterval.FromMilliseconds(150)));
        AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams);
        AddColumn(CategoriesColumn.Default);
        WithOrderer(new DefaultOrderer(SummaryOrderPolicy.Declared, MethodOrderPolicy.Declared));
        WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend));
    }
}
