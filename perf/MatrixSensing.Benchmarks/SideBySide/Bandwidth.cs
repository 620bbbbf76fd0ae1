using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MatrixSensing.Benchmarks.SideBySide;

/// <summary>
/// The machine's streaming-read bandwidth: a vectorized sum (<see cref="SumUnrolled"/>) over a 512 MiB array, best of
/// several passes, on one thread and split over several threads. This is the ceiling a memory-bound pass over a dense
/// operator can reach. (This VM reports a 508 MiB L3, but a core reaches only its own CCD's share: arrays of 64 MiB
/// and more read at the same rate as 2 GiB ones; 32 MiB ones read faster.)
/// </summary>
internal static class Bandwidth
{
    /// <summary>Bytes streamed per pass.</summary>
    public const long ArrayBytes = 512L << 20;

    /// <summary>Best read bandwidth in bytes per second for each thread count.</summary>
    /// <param name="threadCounts">Thread counts to measure.</param>
    /// <param name="passes">Passes per thread count (the best is kept).</param>
    public static Dictionary<int, double> Measure(IEnumerable<int> threadCounts, int passes)
    {
        var data = GC.AllocateUninitializedArray<double>((int)(ArrayBytes / sizeof(double)));
        data.AsSpan().Fill(1.0); // touch every page before timing
        var result = new Dictionary<int, double>();
        foreach (int threads in threadCounts)
        {
            double best = double.MaxValue, sink = 0;
            for (int p = 0; p < passes; p++)
            {
                long start = Stopwatch.GetTimestamp();
                sink += Sum(data, threads);
                best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
            if (sink != (double)data.Length * passes) throw new InvalidOperationException("The bandwidth kernel summed wrongly.");
            result[threads] = ArrayBytes / best;
        }
        return result;
    }

    /// <summary>
    /// Σ x with eight independent 512-bit accumulators (AVX-512), so the loop is limited by the loads, not by the
    /// latency of one chain of additions (a single accumulator caps one core near 4 cycles per 64 bytes).
    /// </summary>
    /// <param name="x">Values.</param>
    public static double SumUnrolled(ReadOnlySpan<double> x)
    {
        ref double start = ref MemoryMarshal.GetReference(x);
        int n = x.Length, i = 0;
        int width = Vector512<double>.Count;
        var a0 = Vector512<double>.Zero; var a1 = a0; var a2 = a0; var a3 = a0; var a4 = a0; var a5 = a0; var a6 = a0; var a7 = a0;
        for (; i <= n - 8 * width; i += 8 * width)
        {
            a0 += Vector512.LoadUnsafe(ref start, (nuint)i);
            a1 += Vector512.LoadUnsafe(ref start, (nuint)(i + width));
            a2 += Vector512.LoadUnsafe(ref start, (nuint)(i + 2 * width));
            a3 += Vector512.LoadUnsafe(ref start, (nuint)(i + 3 * width));
            a4 += Vector512.LoadUnsafe(ref start, (nuint)(i + 4 * width));
            a5 += Vector512.LoadUnsafe(ref start, (nuint)(i + 5 * width));
            a6 += Vector512.LoadUnsafe(ref start, (nuint)(i + 6 * width));
            a7 += Vector512.LoadUnsafe(ref start, (nuint)(i + 7 * width));
        }
        double sum = Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)));
        for (; i < n; i++) sum += Unsafe.Add(ref start, i);
        return sum;
    }

    private static double Sum(double[] data, int threads)
    {
        if (threads == 1) return SumUnrolled(data);
        var partial = new double[threads];
        int chunk = (data.Length + threads - 1) / threads;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            int start = t * chunk, length = Math.Min(chunk, data.Length - start);
            partial[t] = SumUnrolled(data.AsSpan(start, length));
        });
        return partial.Sum();
    }
}
