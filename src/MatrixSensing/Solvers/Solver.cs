using System.Numerics;
using MatrixSensing.Problems;

namespace MatrixSensing.Solvers;

/// <summary>
/// A factorized solver. Solvers hold no per-run state: <see cref="Solve"/> (or <see cref="Start"/> for step-by-step
/// control) allocates one run's buffers, after which every iteration allocates nothing. A solver instance may run
/// on several problems at once from different threads.
/// </summary>
/// <typeparam name="T">Compute precision (float or double).</typeparam>
public abstract class Solver<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A short name for tables and traces, e.g. "ScaledGD(λ)".</summary>
    public abstract string Name { get; }

    /// <summary>The step used when <see cref="SolverOptions.Step"/> is null.</summary>
    public abstract Magnitude DefaultStep { get; }

    /// <summary>The initialization used when <see cref="SolverOptions.Initialization"/> is null.</summary>
    public virtual Initialization DefaultInitialization => Initialization.SmallRandom();

    /// <summary>Runs to a stopping rule and returns the result; cancellation and time budget return the partial run.</summary>
    /// <param name="problem">The problem.</param>
    /// <param name="options">Options; null for defaults (then the target's rank is used as h).</param>
    /// <param name="progress">Receives every trace entry as it is recorded.</param>
    /// <param name="cancellationToken">Stops the run within one iteration; the result has status Cancelled.</param>
    public SolverResult<T> Solve(SensingProblem<T> problem, SolverOptions? options = null, IProgress<TraceEntry>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var session = Start(problem, options, progress);
        while (session.Step(cancellationToken)) { }
        return session.ToResult();
    }

    /// <summary>Validates, allocates and initializes a run without iterating, for callers who drive iterations themselves.</summary>
    /// <param name="problem">The problem.</param>
    /// <param name="options">Options; null for defaults.</param>
    /// <param name="progress">Receives every trace entry as it is recorded.</param>
    public SolverSession<T> Start(SensingProblem<T> problem, SolverOptions? options = null, IProgress<TraceEntry>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new SolverSession<T>(this, problem, options ?? new SolverOptions(), progress);
    }

    /// <summary>Creates the run's update rule, allocating any buffers the rule needs.</summary>
    internal abstract UpdateRule<T> CreateRule(SolverState<T> state, SolverOptions options);

    /// <summary>The largest batch the rule draws (0 when it uses all measurements).</summary>
    internal virtual int MaxBatch(SensingProblem<T> problem, SolverOptions options) => 0;

    /// <summary>The damping λ, when the rule has one.</summary>
    internal virtual Magnitude? DefaultLambda => null;

    /// <summary>Rule-specific checks of options, run before anything is allocated.</summary>
    internal virtual void Validate(SensingProblem<T> problem, SolverOptions options, int rank) { }

    /// <summary>The solver's name.</summary>
    public override string ToString() => Name;
}

/// <summary>One iteration's update of the factors, given the state the session prepared.</summary>
internal abstract class UpdateRule<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Whether each iteration needs the full residual A(UVᵀ) − y before <see cref="Update"/>.</summary>
    internal virtual bool NeedsFullResidual => true;

    /// <summary>
    /// Whether the update uses A*(r)·V and A*(r)ᵀ·U at the current iterate: the session then computes them together
    /// with the residual (one pass over a dense ensemble) and marks them ready in the state.
    /// </summary>
    internal virtual bool UsesGradient => false;

    /// <summary>Moves the factors one step; the full residual is in the state when <see cref="NeedsFullResidual"/>.</summary>
    internal abstract void Update(SolverState<T> state, int iteration);
}
