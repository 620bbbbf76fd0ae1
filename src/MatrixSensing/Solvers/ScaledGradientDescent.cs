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

    internal override Magnitude? DefaultLambda => Magnitude.Relative(DefaultRelativeLambda);

    internal override UpdateRule<T> CreateRule(SolverState<T> state, SolverOptions options) => new Rule(state, null);

    /// <summary>The update with a damping chosen per iteration (PrecGD) or fixed (ScaledGD(λ)).</summary>
    internal sealed class Rule : UpdateRule<T>
    {
        private readonly Preconditioner<T> _left, _right;
        private readonly Func<SolverState<T>, T>? _lambdaOf;

        internal Rule(SolverState<T> state, Func<SolverState<T>, T>? lambdaOf)
        {
            _left = new Preconditioner<T>(state.Rank, state.Rows);
            _right = new Preconditioner<T>(state.Rank, state.Columns);
            _lambdaOf = lambdaOf;
        }

        internal override bool UsesGradient => true;

        internal override void Update(SolverState<T> s, int iteration)
        {
            T lambda = _lambdaOf is null ? s.Lambda : _lambdaOf(s);
            s.EnsureGradient();
            if (s.Symmetric)
            {
                s.SymmetrizeGradient();
                _left.Factor(s.U, s.Rows, lambda, "X", iteration);
                _left.Apply(s.GV, s.Rows);
            }
            else
            {
                // Both preconditioners from the current iterate before either factor moves.
                _left.Factor(s.V, s.Columns, lambda, "V", iteration);
                _right.Factor(s.U, s.Rows, lambda, "U", iteration);
                _left.Apply(s.GV, s.Rows);
                _right.Apply(s.GtU, s.Columns);
            }
            GradientDescent<T>.Descend(s, s.Step);
        }
    }
}

/// <summary>
/// Tong, Ma and Chi's ScaledGD: ScaledGD(λ) with λ = 0 and spectral initialization, meant for the exact rank h = r*
/// (leave <see cref="SolverOptions.Rank"/> at 0 to take the target's rank). With h &gt; r* the preconditioner becomes
/// singular and the run stops with <see cref="SingularPreconditionerException"/>.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public sealed class ScaledGd<T> : ScaledGradientDescent<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override string Name => "ScaledGD";

    /// <inheritdoc/>
    public override Initialization DefaultInitialization => Initialization.Spectral;

    internal override Magnitude? DefaultLambda => Magnitude.Absolute(0);
}

/// <summary>
/// PrecGD (J. Zhang, Fattahi and R. Y. Zhang): ScaledGD(λ_t) with λ_t = c·‖A(UVᵀ) − y‖, so the damping fades as
/// the residual does. Defaults: η = 0.5 (absolute), c = <see cref="SolverOptions.PrecGdConstant"/>, small random init.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public sealed class PrecGd<T> : Solver<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override string Name => "PrecGD";

    /// <inheritdoc/>
    public override Magnitude DefaultStep => Magnitude.Absolute(0.5);

    internal override UpdateRule<T> CreateRule(SolverState<T> state, SolverOptions options)
    {
        T c = T.CreateTruncating(options.PrecGdConstant);
        return new ScaledGradientDescent<T>.Rule(state, s =>
        {
            s.Lambda = c * s.ResidualNorm;
            return s.Lambda;
        });
    }
}
