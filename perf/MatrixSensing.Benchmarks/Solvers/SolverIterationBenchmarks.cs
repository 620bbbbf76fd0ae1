using System.Numerics;
using BenchmarkDotNet.Attributes;
using MatrixSensing.Interop;
using MatrixSensing.Solvers;

namespace MatrixSensing.Benchmarks.Solvers;

/// <summary>
/// The cost of one iteration of every solver on every operator, float and double, at 1 and 2 OpenBLAS threads.
/// The session is created in <see cref="Setup"/>, so one invocation of <see cref="Iteration"/> is one
/// <see cref="SolverSession{T}.Step"/>: residual, update and the divergence checks, without trace metrics.
/// The memory diagnoser shows the loop allocates nothing.
/// Run: <c>./build.sh --target=Bench --filter=*SolverIteration*</c> (about 4 minutes on 2 cores).
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
[MemoryDiagnoser]
[Config(typeof(ShortIterationConfig))]
[GenericTypeArguments(typeof(double))]
[GenericTypeArguments(typeof(float))]
public class SolverIterationBenchmarks<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private SolverSession<T> _session = null!;

    /// <summary>The solver.</summary>
    [ParamsAllValues]
    public SolverKind Solver { get; set; }

    /// <summary>The operator (see <see cref="BenchmarkOperators"/>).</summary>
    [ParamsSource(nameof(Operators))]
    public string Operator { get; set; } = BenchmarkOperators.Dense;

    /// <summary>OpenBLAS threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>The operators for this precision.</summary>
    public IEnumerable<string> Operators() => BenchmarkOperators.Available(typeof(T));

    /// <summary>Builds a problem whose iteration takes about a millisecond and starts a session on it.</summary>
    [GlobalSetup]
    public void Setup()
    {
        BlasThreads.Count = Threads;
        var (n, m) = Shape(Operator);
        const int rank = 5;
        var problem = BenchmarkOperators.Problem<T>(Operator, n, n, m, rank);
        _session = SolverFactory.Create<T>(Solver).Start(problem, BenchmarkOperators.SteppingOptions(rank));
        if (!_session.Step()) throw new InvalidOperationException($"The session stopped at once: {_session.Status}.");
    }

    /// <summary>One solver iteration.</summary>
    [Benchmark]
    public int Iteration()
    {
        if (!_session.Step())
            throw new InvalidOperationException($"{Solver} stopped with {_session.Status} at iteration {_session.Iteration}.");
        return _session.Iteration;
    }

    /// <summary>n and m (for entry sampling, |Ω|) per operator: small enough that the whole class finishes quickly.</summary>
    private static (int N, int M) Shape(string op) => op switch
    {
        "rank-one" => (200, 4000),
        "entry-sampling" => (300, 20000),
        _ => (40, 1500),
    };
}
