namespace MatrixSensing.Tests;

/// <summary>
/// Bytes a piece of code allocates on the calling thread. A garbage collection triggered meanwhile by another thread
/// (the test runner's) can make the counter jump by the unused rest of this thread's allocation context, so a
/// window during which a collection ran is measured again; a real per-iteration allocation shows in every window.
/// </summary>
internal static class AllocationProbe
{
    internal static long Measure(Action body)
    {
        long allocated = 0;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            int collections = GC.CollectionCount(0);
            long before = GC.GetAllocatedBytesForCurrentThread();
            body();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (GC.CollectionCount(0) == collections) return allocated;
        }
        return allocated;
    }
}
