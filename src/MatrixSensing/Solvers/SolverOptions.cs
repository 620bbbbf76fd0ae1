using System.Globalization;
using System.Numerics;
using MatrixSensing.LinearAlgebra;

namespace MatrixSensing.Solvers;

/// <summary>
/// A step size η or damping λ, either absolute or relative to σ̂₁ = ‖A*(y)‖_op, the usual estimate of σ₁(M*):
/// a relative step means η = value/σ̂₁, a relative λ means λ = value·σ̂₁ (SPEC §6).
/// </summary>
/// <param name="Value">The number given.</param>
/// <param name="IsRelative">Whether it scales with σ̂₁.</param>
public readonly record struct Magnitude(double Value, bool IsRelative)
{
    /// <summary>An absolute value.</summary>
    /// <param name="value">The value.</param>
    public static Magnitude Absolute(double value) => new(value, false);

    /// <summary>A value relative to σ̂₁.</summary>
    /// <param name="value">The multiplier.</param>
    public static Magnitude Relative(double value) => new(value, true);

    /// <summary>"0.5 (relative)" or "0.01".</summary>
    public override string ToString() =>
        Value.ToString("G4", CultureInfo.InvariantCulture) + (IsRelative ? " (relative)" : "");
}

/// <summary>How a solver's factors start (SPEC §5).</summary>
public abstract record Initialization
{
    private protected Initialization() { }

    /// <summary>Entries i.i.d. N(0, α²/n) for an n×h factor: the default, from which GD's implicit bias works.</summary>
    /// <param name="scale">α &gt; 0.</param>
    public static Initialization SmallRandom(double scale = 1e-10) => new SmallRandomInitialization(scale);

    /// <summary>α times the first h columns of the identity, for each factor.</summary>
    /// <param name="scale">α &gt; 0.</param>
    public static Initialization ScaledIdentity(double scale = 1e-10) => new ScaledIdentityInitialization(scale);

    /// <summary>Top-h SVD of A*(y) = PΣQᵀ: U₀ = P√Σ, V₀ = Q√Σ (symmetric: top-h eigenpairs of sym(A*(y))).</summary>
    public static Initialization Spectral { get; } = new SpectralInitialization();

    /// <summary>User-given factors (copied). For a symmetric problem pass only <paramref name="left"/> (X₀).</summary>
    /// <param name="left">U₀ (n1×h) or X₀.</param>
    /// <param name="right">V₀ (n2×h), or null for symmetric problems.</param>
    public static Initialization Given<T>(Matrix<T> left, Matrix<T>? right = null) where T : unmanaged, IFloatingPointIeee754<T> =>
        new GivenInitialization<T>(left ?? throw new ArgumentNullException(nameof(left)), right);
}

/// <summary>Entries i.i.d. N(0, α²/n).</summary>
/// <param name="Scale">α.</param>
public sealed record SmallRandomInitialization(double Scale) : Initialization;

/// <summary>α·I[:, :h] for each factor.</summary>
/// <param name="Scale">α.</param>
public sealed record ScaledIdentityInitialization(double Scale) : Initialization;

/// <summary>Spectral initialization from A*(y).</summary>
public sealed record SpectralInitialization : Initialization;

/// <summary>Given factors.</summary>
/// <param name="Left">U₀ or X₀.</param>
/// <param name="Right">V₀, or null for symmetric problems.</param>
public sealed record GivenInitialization<T>(Matrix<T> Left, Matrix<T>? Right) : Initialization
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// Everything a run can be told. Unset values take the solver's defaults (see each solver), chosen to converge on
/// the README's default problem.
/// </summary>
public sealed record SolverOptions
{
    /// <summary>h, the factor rank; 0 means the target's rank r* when the problem has a ground truth.</summary>
    public int Rank { get; init; }

    /// <summary>η; null for the solver's default.</summary>
    public Magnitude? Step { get; init; }

    /// <summary>λ of ScaledGD(λ); null for the solver's default.</summary>
    public Magnitude? Lambda { get; init; }

    /// <summary>
    /// c of PrecGD's λ_t = c·‖A(XXᵀ) − y‖; null for the solver's own <see cref="PrecGdOptions"/> (default 1). A shorthand
    /// kept for existing callers: when set it overrides the solver's record for this run.
    /// </summary>
    public double? PrecGdConstant { get; init; }

    /// <summary>The initialization; null for the solver's default.</summary>
    public Initialization? Initialization { get; init; }

    /// <summary>The most updates to make.</summary>
    public int MaxIterations { get; init; } = 1000;

    /// <summary>Stop when ‖r‖/‖y‖ ≤ this; null to ignore.</summary>
    public double? ResidualTolerance { get; init; }

    /// <summary>Stop when ‖UVᵀ − M*‖_F/‖M*‖_F ≤ this (only with a ground truth); null to ignore.</summary>
    public double? ErrorTolerance { get; init; }

    /// <summary>Stop (status TimeLimit) after this much wall time; null for none.</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>Record a trace entry every k-th iteration (and at the last).</summary>
    public int TraceEvery { get; init; } = 1;

    /// <summary>Also record the signal/nuisance diagnostics (needs a ground truth).</summary>
    public bool Diagnostics { get; init; }

    /// <summary>
    /// b, the mini-batch size of SGD; null for the solver's own <see cref="MiniBatchSgdOptions"/> (default m/10). A
    /// shorthand kept for existing callers: when set it overrides the solver's record for this run.
    /// </summary>
    public int? BatchSize { get; init; }

    /// <summary>
    /// SGD's step is multiplied by this after every epoch; null for the solver's own <see cref="MiniBatchSgdOptions"/>
    /// (default 1, a constant step). When set it overrides the solver's record for this run.
    /// </summary>
    public double? StepDecay { get; init; }

    /// <summary>Seed of the random initialization and of SGD's batches.</summary>
    public ulong Seed { get; init; }

    /// <summary>Divergence: stop when the loss exceeds this multiple of the initial loss (or is not finite).</summary>
    public double DivergenceFactor { get; init; } = 1e6;

    /// <summary>
    /// Hold out this fraction of the measurements (a seeded split, from <see cref="Seed"/>), fit on the rest and stop
    /// early on the held-out residual (<see cref="StoppingCriterion.Validation"/>): the run returns the iterate with
    /// the smallest held-out residual, with status EarlyStopped. Null (the default) fits on every measurement.
    /// </summary>
    public double? ValidationFraction { get; init; }

    /// <summary>Held-out evaluations without improvement before an early stop; default 20.</summary>
    public int ValidationPatience { get; init; } = 20;

    /// <summary>Iterations between held-out evaluations; default 5.</summary>
    public int ValidationEvery { get; init; } = 5;

    /// <summary>
    /// Further stopping criteria, checked after divergence and the tolerances and before the iteration limit, the
    /// cancellation and the time budget (see <see cref="Criteria"/>). Null or empty for none.
    /// </summary>
    public IReadOnlyList<StoppingCriterion>? Stopping { get; init; }

    /// <summary>
    /// The run's stopping criteria in the order the session checks them: divergence, residual tolerance, error
    /// tolerance, <see cref="Stopping"/>, the iteration limit, cancellation, time budget. The first that fires decides
    /// the status (so a run that diverges on its last iteration reports Diverged).
    /// </summary>
    public IReadOnlyList<StoppingCriterion> Criteria()
    {
        var criteria = new List<StoppingCriterion> { StoppingCriterion.Divergence(DivergenceFactor) };
        if (ResidualTolerance is { } residual) criteria.Add(StoppingCriterion.ResidualTolerance(residual));
        if (ErrorTolerance is { } error) criteria.Add(StoppingCriterion.ErrorTolerance(error));
        if (Stopping is not null) criteria.AddRange(Stopping);
        criteria.Add(StoppingCriterion.MaxIterations(MaxIterations));
        criteria.Add(StoppingCriterion.Cancellation);
        if (TimeBudget is { } budget) criteria.Add(StoppingCriterion.TimeBudget(budget));
        return criteria;
    }
}

/// <summary>
/// Options that belong to one solver only, given to its constructor (or to <see cref="SolverDescriptor.Create{T}"/>);
/// each solver's registry entry names its record in <see cref="SolverDescriptor.DefaultOptions"/>.
/// </summary>
public abstract record SolverSpecificOptions;

/// <summary>Options of <see cref="MiniBatchSgd{T}"/> only.</summary>
public sealed record MiniBatchSgdOptions : SolverSpecificOptions
{
    /// <summary>b, the batch size; null for max(1, m/10).</summary>
    public int? BatchSize { get; init; }

    /// <summary>The step is multiplied by this after every epoch, in (0, 1]; 1 (the default) keeps it constant.</summary>
    public double StepDecay { get; init; } = 1.0;
}

/// <summary>Options of <see cref="PrecGd{T}"/> only.</summary>
public sealed record PrecGdOptions : SolverSpecificOptions
{
    /// <summary>c in λ_t = c·‖A(UVᵀ) − y‖, &gt; 0; default 1.</summary>
    public double Constant { get; init; } = 1.0;
}
