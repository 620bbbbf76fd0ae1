using System.Numerics;

namespace MatrixSensing.Solvers;

/// <summary>
/// The read-only view of one asymmetric iteration an <see cref="AsymmetricRule{T}"/> computes its move from. What is
/// filled depends on <see cref="UpdateRule{T}.Needs"/>: the residual with Residual or Gradient, the gradients with
/// Gradient; the rest is empty. A ref struct, so a rule cannot keep it past the call.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public readonly ref struct AsymmetricIterate<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal AsymmetricIterate(int iteration, ReadOnlySpan<T> u, ReadOnlySpan<T> v, ReadOnlySpan<T> residual, T residualNorm,
        ReadOnlySpan<T> gradientU, ReadOnlySpan<T> gradientV, T step, T lambda, Evaluator<T> evaluator)
    {
        Iteration = iteration;
        U = u;
        V = v;
        Residual = residual;
        ResidualNorm = residualNorm;
        GradientU = gradientU;
        GradientV = gradientV;
        Step = step;
        Lambda = lambda;
        Evaluator = evaluator;
    }

    /// <summary>Updates made so far (0 for the first).</summary>
    public int Iteration { get; }

    /// <summary>U, n1×h column-major.</summary>
    public ReadOnlySpan<T> U { get; }

    /// <summary>V, n2×h column-major.</summary>
    public ReadOnlySpan<T> V { get; }

    /// <summary>r = A(UVᵀ) − y (m values), or empty.</summary>
    public ReadOnlySpan<T> Residual { get; }

    /// <summary>‖r‖₂ (0 when the residual was not evaluated).</summary>
    public T ResidualNorm { get; }

    /// <summary>∇_U f = G·V with G = A*(r) (n1×h), or empty.</summary>
    public ReadOnlySpan<T> GradientU { get; }

    /// <summary>∇_V f = Gᵀ·U (n2×h), or empty.</summary>
    public ReadOnlySpan<T> GradientV { get; }

    /// <summary>The absolute step η of the run.</summary>
    public T Step { get; }

    /// <summary>The absolute damping λ of the run (0 when the solver has none).</summary>
    public T Lambda { get; }

    /// <summary>Evaluates residuals and gradients at other points (mid-step, batches), through the run's workspace.</summary>
    public Evaluator<T> Evaluator { get; }
}

/// <summary>
/// The read-only view of one symmetric iteration a <see cref="SymmetricRule{T}"/> computes its move from; the
/// gradient is already ∇f(X) = sym(G)·X (the only place the symmetrization happens is the <see cref="Evaluator{T}"/>).
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public readonly ref struct SymmetricIterate<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal SymmetricIterate(int iteration, ReadOnlySpan<T> x, ReadOnlySpan<T> residual, T residualNorm, ReadOnlySpan<T> gradient,
        T step, T lambda, Evaluator<T> evaluator)
    {
        Iteration = iteration;
        X = x;
        Residual = residual;
        ResidualNorm = residualNorm;
        Gradient = gradient;
        Step = step;
        Lambda = lambda;
        Evaluator = evaluator;
    }

    /// <summary>Updates made so far (0 for the first).</summary>
    public int Iteration { get; }

    /// <summary>X, n×h column-major.</summary>
    public ReadOnlySpan<T> X { get; }

    /// <summary>r = A(XXᵀ) − y (m values), or empty.</summary>
    public ReadOnlySpan<T> Residual { get; }

    /// <summary>‖r‖₂ (0 when the residual was not evaluated).</summary>
    public T ResidualNorm { get; }

    /// <summary>∇f(X) = sym(G)·X with sym(G) = (G + Gᵀ)/2 (n×h), or empty.</summary>
    public ReadOnlySpan<T> Gradient { get; }

    /// <summary>The absolute step η of the run.</summary>
    public T Step { get; }

    /// <summary>The absolute damping λ of the run (0 when the solver has none).</summary>
    public T Lambda { get; }

    /// <summary>Evaluates residuals and gradients at other points (mid-step, batches), through the run's workspace.</summary>
    public Evaluator<T> Evaluator { get; }
}
