using MatrixSensing.Interop;

namespace MatrixSensing.Operators.Kernels;

/// <summary>
/// A kernel's work split into a fixed number of chunks. <see cref="Run"/> computes one chunk and must touch only
/// that chunk's outputs (its rows, its column range, or its own partial-sum buffer); the caller reduces partial
/// results afterwards in chunk order.
/// </summary>
internal interface IChunkJob
{
    /// <summary>Computes chunk <paramref name="chunk"/> of the job, on whichever thread claims it.</summary>
    void Run(int chunk);
}

/// <summary>
/// The one threading mechanism of the kernels: work in K fixed chunks, run on any number of threads, with results
/// that depend on K and never on the thread count or the scheduling. K is the caller's choice (from the problem
/// size alone, see <see cref="ChunkCount"/>); every chunk is computed the same way whoever runs it, and partial
/// results are reduced by the caller in chunk order, so 1, 2 or 64 threads give bit-identical results.
/// <para>
/// A job is a struct (holding pointers to buffers the caller keeps pinned), so a call allocates nothing: the
/// helpers read it from a static slot of its type while the dispatch gate is held. Helper threads are created on
/// first use and live for the process. While one dispatch runs (another solver on another thread), a concurrent
/// call runs its chunks on its own thread, with the same results. Chunks must not themselves call <see cref="For"/>.
/// </para>
/// </summary>
internal static class ChunkedParallel
{
    /// <summary>The most chunks <see cref="ChunkCount"/> returns: enough to balance 16 cores.</summary>
    internal const int MaxChunks = 16;

    /// <summary>Elements of work below which a chunk is not worth a thread hand-off (about 50 µs of streaming).</summary>
    internal const long MinChunkWork = 1 << 17;

    private static int s_busy;
    private static Helper[] s_helpers = [];
    private static Action<int>? s_run;
    private static int s_chunks;
    private static int s_next;
    private static Exception? s_failure;
    private static readonly SemaphoreSlim Done = new(0);

    /// <summary>
    /// The chunk count for <paramref name="work"/> elements over <paramref name="units"/> splittable units (rows or
    /// column blocks): as many as the work supports, at most <see cref="MaxChunks"/> and at most one per unit.
    /// Depends on the sizes only, so it is the same on every call and for every thread count.
    /// </summary>
    /// <param name="work">Elements the job touches.</param>
    /// <param name="units">How many pieces the work can be divided into.</param>
    internal static int ChunkCount(long work, long units) =>
        (int)Math.Max(1, Math.Min(Math.Min(work / MinChunkWork, MaxChunks), units));

    /// <summary>[start, end) of chunk <paramref name="chunk"/> when <paramref name="count"/> units are split in
    /// <paramref name="chunks"/> near-equal contiguous ranges of whole multiples of <paramref name="granule"/>.</summary>
    /// <param name="count">Units to split.</param>
    /// <param name="chunks">Chunk count.</param>
    /// <param name="chunk">Chunk index.</param>
    /// <param name="granule">Boundaries fall on multiples of this (1: anywhere).</param>
    internal static (int Start, int End) Range(int count, int chunks, int chunk, int granule = 1)
    {
        long blocks = (count + (long)granule - 1) / granule;
        int start = (int)Math.Min(count, blocks * chunk / chunks * granule);
        int end = (int)Math.Min(count, blocks * (chunk + 1) / chunks * granule);
        return (start, end);
    }

    /// <summary>
    /// Runs chunks 0..<paramref name="chunks"/>−1 of <paramref name="job"/> on up to <paramref name="threads"/>
    /// threads, the calling thread included, and returns when all are done. Exceptions from any chunk are rethrown here.
    /// </summary>
    /// <param name="chunks">K ≥ 1, the fixed chunk count.</param>
    /// <param name="job">The job; copied to a static slot for the helpers.</param>
    /// <param name="threads">Threads to use; 0 or less: OpenBLAS's thread count (<see cref="BlasThreads.Count"/>).</param>
    internal static void For<TJob>(int chunks, in TJob job, int threads = 0) where TJob : struct, IChunkJob
    {
        if (threads <= 0) threads = BlasThreads.Count;
        threads = Math.Min(Math.Min(threads, chunks), Environment.ProcessorCount);
        if (threads <= 1 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int c = 0; c < chunks; c++) job.Run(c);
            return;
        }
        try
        {
            Slot<TJob>.Job = job;
            int helpers = threads - 1;
            EnsureHelpers(helpers);
            s_run = Slot<TJob>.RunChunk;
            s_chunks = chunks;
            s_next = 0;
            s_failure = null;
            for (int h = 0; h < helpers; h++) s_helpers[h].Go.Release();
            Exception? own = null;
            try { Claim(); }
            catch (Exception e) { own = e; s_next = chunks; }
            for (int h = 0; h < helpers; h++) Done.Wait();
            Slot<TJob>.Job = default;
            s_run = null;
            if (own is not null) throw own;
            if (s_failure is { } failure) throw new AggregateException("A kernel chunk failed on a helper thread.", failure);
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>Claims and runs chunks until none is left.</summary>
    private static void Claim()
    {
        var run = s_run!;
        int chunks = s_chunks;
        for (int c = Interlocked.Increment(ref s_next) - 1; c < chunks; c = Interlocked.Increment(ref s_next) - 1)
            run(c);
    }

    private static void EnsureHelpers(int count)
    {
        if (s_helpers.Length >= count) return;
        var grown = new Helper[count];
        s_helpers.CopyTo(grown, 0);
        for (int h = s_helpers.Length; h < count; h++) grown[h] = new Helper(h);
        s_helpers = grown;
    }

    /// <summary>The job of the dispatch in progress, per job type, and a delegate to it created once per type.</summary>
    private static class Slot<TJob> where TJob : struct, IChunkJob
    {
        internal static TJob Job;
        internal static readonly Action<int> RunChunk = chunk => Job.Run(chunk);
    }

    // Lives for the whole process, so its semaphore is never disposed.
#pragma warning disable CA1001
    private sealed class Helper
#pragma warning restore CA1001
    {
        internal Helper(int index) =>
            new Thread(Loop) { IsBackground = true, Name = $"msense kernel {index + 1}" }.Start();

        internal SemaphoreSlim Go { get; } = new(0);

        private void Loop()
        {
            while (true)
            {
                Go.Wait();
                try { Claim(); }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref s_failure, e, null);
                    Volatile.Write(ref s_next, int.MaxValue / 2);
                }
                Done.Release();
            }
        }
    }
}
