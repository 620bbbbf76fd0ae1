using System.Numerics;
using MatrixSensing.Problems;

namespace MatrixSensing.Solvers;

/// <summary>
/// A factorized solver: a name, defaults, and the update rules it creates for each run. Solvers hold no per-run
/// state: <see cref="Solve"/> (or <see cref="Start"/> for step-by-step control) creates a <see cref="SolverSession{T}"/>
/// that allocates one run's buffers, after which every iteration allocates nothing. A solver instance may run on
/// several problems at once from different threads. Derive from this class to plug in an algorithm of your own:
/// override <see cref="CreateAsymmetricRule"/> and <see cref="CreateSymmetricRule"/> (docs/algorithms.md has an example).
/// </summary>
/// <typeparam name="T">Compute precision (float or double).</typeparam>
public abstract class Solver<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A short name for tables and traces, e.g. "ScaledGD(λ)".</summary>
    public abstract string Name { get; }

    /// <summary>The step used when <see cref="SolverOptions.Step"/> is null.</summary>
    public abstract Magnitude DefaultStep { get; }

    /// <summary>The initialization used when <see cref="SolverOptions.Initialization"/> is null; SmallRandom(1e-10) unless overridden.</summary>
    public virtual Initialization DefaultInitialization => Initialization.SmallRandom();

    /// <summary>The damping λ used when <see cref="SolverOptions.Lambda"/> is null; null (no damping, λ = 0) unless overridden.</summary>
    public virtual Magnitude? DefaultLambda => null;

    /// <summary>Runs to a stopping rule and returns the result; cancellation, time budget and failures return the partial run.</summary>
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
        options ??= new SolverOptions();
        if (options.ValidationFraction is { } fraction)
        {
            // Fit on one part, stop on the other: the split happens before the session exists, so the loop is unchanged.
            var (fit, heldOut) = problem.SplitForValidation(fraction, Random.RandomStream.DeriveSeed(options.Seed, 0x76616C6964UL));
            options = options with { Stopping = [.. options.Stopping ?? [], StoppingCriterion.Validation(heldOut, options.ValidationPatience, options.ValidationEvery)] };
            problem = fit;
        }
        return new SolverSession<T>(this, problem, options, progress);
    }

    /// <summary>Creates the run's rule for the asymmetric model U·Vᵀ, allocating every buffer it needs.</summary>
    /// <param name="setup">The run: problem, rank, absolute step and damping, options.</param>
    protected abstract AsymmetricRule<T> CreateAsymmetricRule(RuleSetup<T> setup);

    /// <summary>Creates the run's rule for the symmetric model X·Xᵀ; return null when the algorithm has no symmetric form.</summary>
    /// <param name="setup">The run: problem, rank, absolute step and damping, options.</param>
    protected abstract SymmetricRule<T>? CreateSymmetricRule(RuleSetup<T> setup);

    /// <summary>The largest batch the rule passes to <see cref="Evaluator{T}.BatchResidual"/> (0, the default, when it uses none).</summary>
    /// <param name="problem">The problem.</param>
    /// <param name="options">The run's options.</param>
    protected virtual int BatchCapacity(SensingProblem<T> problem, SolverOptions options) => 0;

    /// <summary>Rule-specific checks of options, run before anything is allocated; throw ArgumentException naming the option.</summary>
    /// <param name="problem">The problem.</param>
    /// <param name="options">The run's options.</param>
    /// <param name="rank">h, after defaults.</param>
    protected virtual void Validate(SensingProblem<T> problem, SolverOptions options, int rank) { }

    /// <summary>The solver's name.</summary>
    public override string ToString() => Name;

    // The session's entry points to the protected members (protected, not protected internal, so that subclasses in
    // any assembly, friends included, override them the same way).
    internal AsymmetricRule<T> AsymmetricRuleFor(RuleSetup<T> setup) => CreateAsymmetricRule(setup);

    internal SymmetricRule<T>? SymmetricRuleFor(RuleSetup<T> setup) => CreateSymmetricRule(setup);

    internal int BatchCapacityFor(SensingProblem<T> problem, SolverOptions options) => BatchCapacity(problem, options);

    internal void ValidateFor(SensingProblem<T> problem, SolverOptions options, int rank) => Validate(problem, options, rank);
}

/// <summary>What a rule is created from: the run's problem, rank, absolute step and damping, and options.</summary>
/// <typeparam name="T">Compute precision.</typeparam>
public sealed class RuleSetup<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal RuleSetup(SensingProblem<T> problem, int rank, T step, T lambda, double sigmaHat, SolverOptions options)
    {
        Problem = problem;
        Rank = rank;
        Step = step;
        Lambda = lambda;
        SigmaHat = sigmaHat;
        Options = options;
    }

    /// <summary>The problem.</summary>
    public SensingProblem<T> Problem { get; }

    /// <summary>h, the factor rank.</summary>
    public int Rank { get; }

    /// <summary>n1.</summary>
    public int Rows => Problem.Rows;

    /// <summary>n2.</summary>
    public int Columns => Problem.Columns;

    /// <summary>The absolute step η.</summary>
    public T Step { get; }

    /// <summary>The absolute damping λ (0 when the solver has none).</summary>
    public T Lambda { get; }

    /// <summary>σ̂₁ = ‖A*(y)‖_op when it was computed (relative step or λ, spectral init), else 0.</summary>
    public double SigmaHat { get; }

    /// <summary>The run's options (seed, batch size, ...).</summary>
    public SolverOptions Options { get; }
}
