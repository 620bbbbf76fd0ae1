using System.Numerics;

namespace MatrixSensing.Solvers;

/// <summary>
/// Factorized gradient descent (SPEC §4): U⁺ = U − η·G·V, V⁺ = V − η·Gᵀ·U (simultaneous), X⁺ = X − η·sym(G)·X.
/// Defaults: small random initialization (α = 1e-10; the overparameterized error floor shrinks with α) and η = 0.5/σ̂₁.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public sealed class GradientDescent<T> : Solver<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override string Name => "GD";

    /// <inheritdoc/>
    public override Magnitude DefaultStep => Magnitude.Relative(0.5);

    /// <inheritdoc/>
    protected override AsymmetricRule<T> CreateAsymmetricRule(RuleSetup<T> setup) => new Asymmetric();

    /// <inheritdoc/>
    protected override SymmetricRule<T> CreateSymmetricRule(RuleSetup<T> setup) => new Symmetric();

    /// <summary>The direction is the gradient the session evaluated: nothing to compute or copy.</summary>
    private sealed class Asymmetric : AsymmetricRule<T>
    {
        public override Move<T> Compute(AsymmetricIterate<T> it) => Move.Descent(it.Step, it.GradientU, it.GradientV);
    }

    private sealed class Symmetric : SymmetricRule<T>
    {
        public override Move<T> Compute(SymmetricIterate<T> it) => Move.Descent(it.Step, it.Gradient);
    }
}

/// <summary>The registry entry of <see cref="GradientDescent{T}"/>.</summary>
internal sealed class GradientDescentDescriptor : SolverDescriptor
{
    public override string Name => "gd";
    public override string DisplayName => "GD";
    public override string Description => "gradient descent from small random initialization (implicit regularization)";
    public override SolverKind? Kind => SolverKind.GD;
    public override Solver<T> Create<T>(SolverSpecificOptions? options = null) => new GradientDescent<T>();
}
