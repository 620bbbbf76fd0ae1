using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Perfolizer.Horology;

namespace MatrixSensing.Benchmarks.Solvers;

/// <summary>
/// A ShortRun-like job for a 2-core machine: in process (no per-case build and launch), 2 warm-up and 5 measured
/// iterations of 100 ms each, so a case costs about two seconds including its setup.
/// </summary>
public sealed class ShortIterationConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public ShortIterationConfig()
    {
        AddJob(Job.ShortRun
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(5)
            .WithIterationTime(TimeInterval.FromMilliseconds(100))
            // Background tier-up compiles (and allocates) on other threads while a short run measures; the memory
            // diagnoser counts every thread's allocations, so run fully optimized code from the start instead.
            .WithEnvironmentVariables(new EnvironmentVariable("DOTNET_TieredCompilation", "0"))
            .WithId("Short"));
    }
}
