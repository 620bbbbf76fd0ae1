namespace MatrixSensing.Tests;

/// <summary>
/// Bytes a piece of code allocates on the calling thread in its steady state: the fewest bytes over a few
/// consecutive windows. The runtime occasionally allocates on a thread for its own reasons (a collection started by
/// another thread leaves the rest of this thread's allocation context counted, lazy binding, type loading); such
/// noise hits one window, while an allocation in the measured loop shows in every window.
/// </summary>
internal static class AllocationProbe
{
    internal static long Measure(Action body, int windows = 3)
    {
        long fewest = long.MaxValue;
        for (int window = 0; window < windows && fewest > 0; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            body();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return fewest;
    }
}
