using System.Numerics;
using MatrixSensing.LinearAlgebra;

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

    internal override UpdateRule<T> CreateRule(SolverState<T> state, SolverOptions options) => new Rule();

    private sealed class Rule : UpdateRule<T>
    {
        internal override bool UsesGradient => true;

        internal override void Update(SolverState<T> s, int iteration)
        {
            s.EnsureGradient();
            Descend(s, s.Step);
        }
    }

    /// <summary>U −= η·GV and V −= η·GᵀU (symmetric: X −= η·sym(G)X).</summary>
    internal static void Descend(SolverState<T> s, T step)
    {
        if (s.Symmetric)
        {
            s.SymmetrizeGradient();
            Blas.Axpy<T>(-step, s.GV, s.U);
        }
        else
        {
            Blas.Axpy<T>(-step, s.GV, s.U);
            Blas.Axpy<T>(-step, s.GtU, s.V);
        }
    }
}
