using MatrixSensing.Interop;

namespace MatrixSensing.Operators;

/// <summary>
/// Work split in two fixed halves. The halves are the same whether one thread or two compute them, so results do
/// not depend on the thread count. Subclasses keep their inputs in fields set just before <see cref="KernelThreads.Run"/>.
/// </summary>
internal abstract class SplitJob
{
    protected SplitJob() => RunSecondHalf = () => Execute(1);

    /// <summary>The second half as a delegate created once, so handing it to the helper allocates nothing.</summary>
    internal Action RunSecondHalf { get; }

    /// <summary>Computes half 0 or half 1.</summary>
    internal abstract void Execute(int half);
}

/// <summary>
/// One process-wide helper thread for the streaming kernels: a solver's pass runs its first half on the calling
/// thread and its second on the helper when OpenBLAS is allowed more than one thread and the helper is free
/// (otherwise both halves run here). Allocation-free after the helper starts.
/// </summary>
internal static class KernelThreads
{
    private static readonly Lock Gate = new();
    private static HelperThread? s_helper;

    internal static void Run(SplitJob job, long work)
    {
        if (work >= 1 << 16 && Environment.ProcessorCount > 1 && BlasThreads.Count > 1 && Gate.TryEnter())
        {
            try
            {
                var helper = s_helper ??= new HelperThread();
                helper.Start(job.RunSecondHalf);
                Exception? first = null;
                try { job.Execute(0); }
                catch (Exception e) { first = e; }
                helper.Wait();
                if (first is not null) throw first;
                return;
            }
            finally
            {
                Gate.Exit();
            }
        }
        job.Execute(0);
        job.Execute(1);
    }

    // Lives for the whole process (one instance), so its semaphores are never disposed.
#pragma warning disable CA1001
    private sealed class HelperThread
#pragma warning restore CA1001
    {
        private readonly SemaphoreSlim _go = new(0);
        private readonly SemaphoreSlim _done = new(0);
        private Action? _work;
        private Exception? _failure;

        internal HelperThread() => new Thread(Loop) { IsBackground = true, Name = "msense kernel helper" }.Start();

        internal void Start(Action work)
        {
            _work = work;
            _go.Release();
        }

        internal void Wait()
        {
            _done.Wait();
            if (_failure is { } failure)
            {
                _failure = null;
                throw new AggregateException("A kernel half failed on the helper thread.", failure);
            }
        }

        private void Loop()
        {
            while (true)
            {
                _go.Wait();
                try { _work!(); }
                catch (Exception e) { _failure = e; }
                _done.Release();
            }
        }
    }
}
