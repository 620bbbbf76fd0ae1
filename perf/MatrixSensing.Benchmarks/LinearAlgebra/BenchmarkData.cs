using MathNet.Numerics;
using MatrixSensing.Interop;

namespace MatrixSensing.Benchmarks.LinearAlgebra;

/// <summary>Shared set-up: fixed-seed data, and the same thread budget for OpenBLAS and for MathNet's managed provider.</summary>
internal static class BenchmarkData
{
    /// <summary>Column-major standard-normal-ish data from a fixed seed.</summary>
    public static double[] Random(int rows, int columns, int seed)
    {
        var random = new System.Random(seed);
        var data = new double[rows * columns];
        for (int i = 0; i < data.Length; i++) data[i] = random.NextDouble() * 2 - 1;
        return data;
    }

    /// <summary>
    /// Pins OpenBLAS to <paramref name="threads"/> threads, makes MathNet use its managed provider with the same
    /// degree of parallelism, and reports both so the log shows what was measured.
    /// </summary>
    public static void UseThreads(int threads)
    {
        BlasThreads.Count = threads;
        if (BlasThreads.Count != threads)
            throw new InvalidOperationException($"OpenBLAS kept {BlasThreads.Count} threads; asked for {threads}.");
        Control.UseManaged();
        Control.MaxDegreeOfParallelism = threads;
        var native = NativeLibraries.Describe();
        Console.WriteLine($"// OpenBLAS {native.CoreName}, {BlasThreads.Count} thread(s); MathNet managed, MaxDegreeOfParallelism = {Control.MaxDegreeOfParallelism}");
    }
}
