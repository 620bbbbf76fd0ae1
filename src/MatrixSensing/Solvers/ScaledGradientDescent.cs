using System.Numerics;

namespace MatrixSensing.Solvers;

/// <summary>
/// ScaledGD(λ) (Xu, Shen, Chi and Ma): U⁺ = U − η·GV·(VᵀV + λI)⁻¹, V⁺ = V − η·GᵀU·(UᵀU + λI)⁻¹;
/// X⁺ = X − η·sym(G)X·(XᵀX + λI)⁻¹. The preconditioner makes the step scale-free, so η is absolute by default
/// (0.5) and λ is relative to σ̂₁. With λ = 0, exact rank and spectral initialization this is Tong, Ma and Chi's
/// ScaledGD: see <see cref="ScaledGd{T}"/>.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public class ScaledGradientDescent<T> : Solver<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The default damping λ, relative to σ̂₁.</summary>
    public const double DefaultRelativeLambda = 0.1;

    /// <summary>ScaledGD(λ) with small random initialization.</summary>
    public ScaledGradientDescent() { }

    /// <inheritdoc/>
    public override string Name => "ScaledGD(λ)";

    /// <inheritdoc/>
    public override Magnitude DefaultStep => Magnitude.Absolute(0.5);

    /// <summary>
    /// SmallRandom(1e-16): the preconditioner amplifies the overparameterized (nuisance) directions early on, so the
    /// error floor tracks α far more closely than GD's does; a tiny α costs only a few iterations of escape.
    /// </summary>
    public override Initialization DefaultInitialization => Initialization.SmallRandom(1e-16);

    /// <summary>λ = 0.1·σ̂₁.</summary>
    public override Magnitude? DefaultLambda => Magnitude.Relative(DefaultRelativeLambda);

    /// <inheritdoc/>
    protected override AsymmetricRule<T> CreateAsymmetricRule(RuleSetup<T> setup) => new ScaledAsymmetricRule<T>(setup, null);

    /// <inheritdoc/>
    protected override SymmetricRule<T> CreateSymmetricRule(RuleSetup<T> setup) => new ScaledSymmetricRule<T>(setup, null);
}

/// <summary>
/// Tong, Ma and Chi's ScaledGD: ScaledGD(λ) with λ = 0 and spectral initialization, meant for the exact rank h = r*
/// (leave <see cref="SolverOptions.Rank"/> at 0 to take the target's rank). With h &gt; r* the preconditioner becomes
/// singular and the run ends with status Failed and a <see cref="SingularPreconditionerException"/>.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public sealed class ScaledGd<T> : ScaledGradientDescent<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override string Name => "ScaledGD";

    /// <inheritdoc/>
    public override Initialization DefaultInitialization => Initialization.Spectral;

    /// <summary>λ = 0.</summary>
    public override Magnitude? DefaultLambda => Magnitude.Absolute(0);
}

/// <summary>
/// PrecGD (J. Zhang, Fattahi and R. Y. Zhang): ScaledGD(λ_t) with λ_t = c·‖A(UVᵀ) − y‖ at the current iterate, so the
/// damping fades as the residual does. Defaults: η = 0.5 (absolute), c = 1 (<see cref="PrecGdOptions"/>), small random init.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
/// <param name="options">PrecGD's own options; null for the defaults.</param>
public sealed class PrecGd<T>(PrecGdOptions? options = null) : Solver<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>PrecGD's own options.</summary>
    public PrecGdOptions Options { get; } = options ?? new PrecGdOptions();

    /// <inheritdoc/>
    public override string Name => "PrecGD";

    /// <inheritdoc/>
    public override Magnitude DefaultStep => Magnitude.Absolute(0.5);

    /// <inheritdoc/>
#pragma warning disable CA2208 // The parameter named is the option's property: clearer than "options".
    protected override void Validate(Problems.SensingProblem<T> problem, SolverOptions options, int rank)
    {
        if (!(Options.Constant > 0 && double.IsFinite(Options.Constant)))
            throw new ArgumentOutOfRangeException(nameof(PrecGdOptions.Constant), Options.Constant, "PrecGD's constant c must be a finite number > 0.");
    }
#pragma warning restore CA2208

    private T Constant(RuleSetup<T> setup) => T.CreateTruncating(setup.Options.PrecGdConstant ?? Options.Constant);

    /// <inheritdoc/>
    protected override AsymmetricRule<T> CreateAsymmetricRule(RuleSetup<T> setup) => new ScaledAsymmetricRule<T>(setup, Constant(setup));

    /// <inheritdoc/>
    protected override SymmetricRule<T> CreateSymmetricRule(RuleSetup<T> setup) => new ScaledSymmetricRule<T>(setup, Constant(setup));
}

/// <summary>
/// dU = ∇_U f·(VᵀV + λI)⁻¹ and dV = ∇_V f·(UᵀU + λI)⁻¹, both from the current iterate, into the rule's own buffers.
/// λ is the run's, or c·‖r‖ when a PrecGD constant c is given.
/// </summary>
internal sealed class ScaledAsymmetricRule<T> : AsymmetricRule<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Preconditioner<T> _preconditioner;
    private readonly T[] _du, _dv;
    private readonly T? _residualConstant;
    private double? _damping;

    internal ScaledAsymmetricRule(RuleSetup<T> setup, T? residualConstant)
    {
        _preconditioner = new Preconditioner<T>(setup.Rank);
        _du = new T[setup.Rows * setup.Rank];
        _dv = new T[setup.Columns * setup.Rank];
        _residualConstant = residualConstant;
    }

    public override double? Damping => _damping;

    public override Move<T> Compute(AsymmetricIterate<T> it)
    {
        T lambda = _residualConstant is { } c ? c * it.ResidualNorm : it.Lambda;
        if (_residualConstant is not null) _damping = double.CreateTruncating(lambda);
        int n1 = _du.Length / _preconditioner.Rank, n2 = _dv.Length / _preconditioner.Rank;
        // Both preconditioners come from the current iterate (the session moves neither factor until both are done).
        _preconditioner.Apply(it.GradientU, n1, it.V, n2, lambda, _du, "V", it.Iteration);
        _preconditioner.Apply(it.GradientV, n2, it.U, n1, lambda, _dv, "U", it.Iteration);
        return Move.Descent(it.Step, _du, _dv);
    }
}

/// <summary>dX = ∇f(X)·(XᵀX + λI)⁻¹ with ∇f(X) = sym(G)·X as the session evaluated it, into the rule's own buffer.</summary>
internal sealed class ScaledSymmetricRule<T> : SymmetricRule<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Preconditioner<T> _preconditioner;
    private readonly T[] _dx;
    private readonly T? _residualConstant;
    private double? _damping;

    internal ScaledSymmetricRule(RuleSetup<T> setup, T? residualConstant)
    {
        _preconditioner = new Preconditioner<T>(setup.Rank);
        _dx = new T[setup.Rows * setup.Rank];
        _residualConstant = residualConstant;
    }

    public override double? Damping => _damping;

    public override Move<T> Compute(SymmetricIterate<T> it)
    {
        T lambda = _residualConstant is { } c ? c * it.ResidualNorm : it.Lambda;
        if (_residualConstant is not null) _damping = double.CreateTruncating(lambda);
        int n = _dx.Length / _preconditioner.Rank;
        _preconditioner.Apply(it.Gradient, n, it.X, n, lambda, _dx, "X", it.Iteration);
        return Move.Descent(it.Step, _dx);
    }
}

/// <summary>The registry entry of <see cref="ScaledGradientDescent{T}"/>.</summary>
internal sealed class ScaledGdLambdaDescriptor : SolverDescriptor
{
    public override string Name => "scaledgd-lambda";
    public override IReadOnlyList<string> Aliases => ["scaledgdlambda"];
    public override string DisplayName => "ScaledGD(λ)";
    public override string Description => "preconditioned GD with damping λ, overparameterized, small random init (Xu, Shen, Chi & Ma)";
    public override SolverKind? Kind => SolverKind.ScaledGDLambda;
    public override Solver<T> Create<T>(SolverSpecificOptions? options = null) => new ScaledGradientDescent<T>();
}

/// <summary>The registry entry of <see cref="ScaledGd{T}"/>.</summary>
internal sealed class ScaledGdDescriptor : SolverDescriptor
{
    public override string Name => "scaledgd";
    public override string DisplayName => "ScaledGD";
    public override string Description => "preconditioned GD, λ = 0, spectral init, exact rank h = r* (Tong, Ma & Chi)";
    public override bool NeedsExactRank => true;
    public override SolverKind? Kind => SolverKind.ScaledGD;
    public override Solver<T> Create<T>(SolverSpecificOptions? options = null) => new ScaledGd<T>();
}

/// <summary>The registry entry of <see cref="PrecGd{T}"/>.</summary>
internal sealed class PrecGdDescriptor : SolverDescriptor
{
    public override string Name => "precgd";
    public override string DisplayName => "PrecGD";
    public override string Description => "ScaledGD(λ_t) with λ_t = c·‖r_t‖ (J. Zhang, Fattahi & R. Y. Zhang)";
    public override SolverKind? Kind => SolverKind.PrecGD;
    public override SolverSpecificOptions DefaultOptions => new PrecGdOptions();
    public override Solver<T> Create<T>(SolverSpecificOptions? options = null) => new PrecGd<T>(Specific<PrecGdOptions>(options));
}
