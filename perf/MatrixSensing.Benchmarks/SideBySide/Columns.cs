using System.Diagnostics;
using System.Numerics;
using MatrixSensing.Solvers;

namespace MatrixSensing.Benchmarks.SideBySide;

/// <summary>One implementation being timed: runs a round of iterations and returns seconds per iteration.</summary>
/// <param name="name">Column name ("ours", "numpy", "mathnet", ...).</param>
/// <param name="round">Runs k iterations, returning each one's seconds.</param>
internal sealed class Column(string name, Func<int, double[]> round)
{
    public string Name { get; } = name;

    public List<double> Samples { get; } = [];

    public double MedianSeconds => Statistics.Median(Samples);

    public double[] Round(int iterations) => round(iterations);

    /// <summary>
    /// Round-robin over the columns: round r runs every column once, starting at column r mod n, so slow drift of the
    /// machine (other builds, thermal state) falls on every column alike. One untimed warm-up round first.
    /// </summary>
    /// <param name="columns">The implementations.</param>
    /// <param name="rounds">Timed rounds.</param>
    /// <param name="perRound">Iterations per column per round.</param>
    public static void Interleave(IReadOnlyList<Column> columns, int rounds, int perRound)
    {
        foreach (var c in columns) c.Round(1);
        for (int r = 0; r < rounds; r++)
            for (int j = 0; j < columns.Count; j++)
            {
                var c = columns[(r + j) % columns.Count];
                c.Samples.AddRange(c.Round(perRound));
            }
    }

    /// <summary>A timed closure (for work that is not a solver step).</summary>
    /// <param name="name">Column name.</param>
    /// <param name="work">One unit of work.</param>
    public static Column Timed(string name, Action work) => new(name, k =>
    {
        var times = new double[k];
        for (int i = 0; i < k; i++)
        {
            long start = Stopwatch.GetTimestamp();
            work();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        return times;
    });
}

/// <summary>
/// Our iteration: <see cref="SolverSession{T}.Step"/> on a session created up front, with the bytes this thread
/// allocates over the timed loops (<see cref="GC.GetAllocatedBytesForCurrentThread"/>) counted. The first step
/// (iteration 0: the initial evaluation, the first trace entry and one-time lazy setup) is taken here, untimed.
/// </summary>
internal sealed class SessionStepper<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly SolverSession<T> _session;
    private long _bytes, _iterations;

    public SessionStepper(SolverSession<T> session)
    {
        _session = session;
        if (!session.Step()) throw new InvalidOperationException($"{session.Solver.Name} stopped at once ({session.Status}).");
    }

    public SolverSession<T> Session => _session;

    /// <summary>Bytes allocated per timed iteration so far.</summary>
    public double BytesPerIteration => _iterations == 0 ? double.NaN : (double)_bytes / _iterations;

    public Column Column(string name) => new(name, Round);

    private double[] Round(int iterations)
    {
        var times = new double[iterations];
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            bool running = _session.Step();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (!running) throw new InvalidOperationException($"{_session.Solver.Name} stopped ({_session.Status}) at iteration {_session.Iteration}.");
        }
        _bytes += GC.GetAllocatedBytesForCurrentThread() - before;
        _iterations += iterations;
        return times;
    }
}
