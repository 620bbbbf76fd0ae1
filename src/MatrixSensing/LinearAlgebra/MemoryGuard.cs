namespace MatrixSensing.LinearAlgebra;

/// <summary>Refuses allocations that cannot fit, with the estimate and the limit, before any OutOfMemoryException.</summary>
public static class MemoryGuard
{
    /// <summary>The bytes this process may still use: the GC's view of available memory (container limits included).</summary>
    public static long AvailableBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes - GC.GetTotalMemory(false);

    /// <summary>Throws <see cref="InsufficientMemoryException"/> when <paramref name="bytes"/> exceeds what is available.</summary>
    /// <param name="bytes">The estimated size of what is about to be allocated.</param>
    /// <param name="what">What it is for, for the message.</param>
    public static void EnsureFits(long bytes, string what)
    {
        long available = AvailableBytes;
        if (bytes < 0 || bytes > available)
            throw new InsufficientMemoryException(
                $"{what} needs about {Format(bytes)} but only {Format(available)} is available; reduce the sizes or use float32 storage.");
    }

    /// <summary>"1.5 GiB", "320 MiB", …</summary>
    /// <param name="bytes">A byte count.</param>
    public static string Format(long bytes) => bytes switch
    {
        < 0 => "more than 8 EiB",
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F1} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F1} MiB",
        _ => $"{bytes / 1024.0:F1} KiB",
    };
}
