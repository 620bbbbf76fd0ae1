namespace MatrixSensing.Random;

/// <summary>
/// Runs the blocks of one bulk fill on the calling thread plus up to (degree − 1) thread-pool workers. Blocks are
/// claimed dynamically, so the split between threads varies, but every block's values depend only on (seed, block),
/// so the output does not.
/// </summary>
/// <remarks>
/// The caller keeps the destination pinned until every block is complete; a worker that starts late finds no block
/// left and never touches the memory. Each calling thread caches a few job objects (allocated by its first parallel
/// calls) and reuses one once its queued work items have run; when every cached job is still waiting in the pool's
/// queue the pool is saturated, and the call runs on the caller alone. Steady-state calls allocate nothing.
/// </remarks>
internal sealed unsafe class ParallelBlockJob : IThreadPoolWorkItem
{
    /// <summary>What a job writes.</summary>
    public enum Kind
    {
        /// <summary>float normals.</summary>
        NormalSingle,

        /// <summary>double normals.</summary>
        NormalDouble,
    }

    /// <summary>This thread's four cached jobs, made at its first parallel call.</summary>
    [ThreadStatic]
    private static ParallelBlockJob[]? t_jobs;

    private void* _destination;
    private int _length;
    private Kind _kind;
    private ulong _seed;
    private double _standardDeviation;
    private int _blockCount;
    private int _nextBlock;
    private int _completedBlocks;
    private int _pendingWorkers;

    /// <summary>Fills <paramref name="length"/> values at <paramref name="destination"/> (pinned by the caller).</summary>
    public static void Run(void* destination, int length, Kind kind, ulong seed, double standardDeviation, int maxDegreeOfParallelism)
    {
        int blockCount = (int)(((long)length + BlockFill.BlockLength - 1) / BlockFill.BlockLength);
        int workers = Math.Min(maxDegreeOfParallelism, blockCount);
        ParallelBlockJob? job = workers > 1 ? Rent() : null;
        if (job is null)
        {
            for (int b = 0; b < blockCount; b++)
            {
                FillBlock(destination, length, kind, seed, standardDeviation, b);
            }

            return;
        }

        job._destination = destination;
        job._length = length;
        job._kind = kind;
        job._seed = seed;
        job._standardDeviation = standardDeviation;
        job._blockCount = blockCount;
        job._nextBlock = 0;
        job._completedBlocks = 0;
        Volatile.Write(ref job._pendingWorkers, workers - 1);
        for (int i = 1; i < workers; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(job, preferLocal: false);
        }

        job.Work();
        SpinWait spin = default;
        while (Volatile.Read(ref job._completedBlocks) < blockCount)
        {
            spin.SpinOnce();
        }

        job._destination = null;
    }

    /// <summary>
    /// One of this thread's cached jobs that no work item holds any more, or null when every one is still held.
    /// Workers let go within nanoseconds of the last block, so a job stays held only while its work item waits in the
    /// pool's queue: the pool is saturated, and queueing more work would not help.
    /// </summary>
    private static ParallelBlockJob? Rent()
    {
        ParallelBlockJob[] jobs = t_jobs ??= [new(), new(), new(), new()];
        foreach (ParallelBlockJob job in jobs)
        {
            if (Volatile.Read(ref job._pendingWorkers) == 0)
            {
                return job;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public void Execute()
    {
        Work();
        Interlocked.Decrement(ref _pendingWorkers);
    }

    private void Work()
    {
        while (true)
        {
            int block = Interlocked.Increment(ref _nextBlock) - 1;
            if (block >= _blockCount)
            {
                return;
            }

            FillBlock(_destination, _length, _kind, _seed, _standardDeviation, block);
            Interlocked.Increment(ref _completedBlocks);
        }
    }

    private static void FillBlock(void* destination, int length, Kind kind, ulong seed, double standardDeviation, int block)
    {
        int start = block * BlockFill.BlockLength;
        int count = Math.Min(BlockFill.BlockLength, length - start);
        if (kind == Kind.NormalSingle)
        {
            BlockFill.Normal((float*)destination + start, 0, count, seed, (ulong)block, (float)standardDeviation);
        }
        else
        {
            BlockFill.Normal((double*)destination + start, 0, count, seed, (ulong)block, standardDeviation);
        }
    }
}
