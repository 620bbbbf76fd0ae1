using System.Numerics;

namespace MatrixSensing.Solvers;

/// <summary>What the session evaluates at the current iterate before an update rule runs.</summary>
public enum IterateEvaluation
{
    /// <summary>Nothing: the rule evaluates what it needs itself (mini-batch rules). The full residual is then formed only at trace points.</summary>
    None,

    /// <summary>The residual r = A(UVᵀ) − y and its norm.</summary>
    Residual,

    /// <summary>The residual and the gradient products at the current iterate, in one pass over a dense ensemble.</summary>
    Gradient,
}

/// <summary>
/// One run's update rule: it reads the current iterate (a read-only view the session prepares) and computes a
/// <see cref="Move{T}"/> into buffers it owns; the session, which owns the iterate, applies the move. A rule never
/// writes the iterate or the session's residual and gradient, so no transformation can be applied twice. Rules are
/// created per run by <see cref="Solver{T}"/> (all allocation happens in their constructor) and are used by one
/// thread. Derive from <see cref="AsymmetricRule{T}"/> or <see cref="SymmetricRule{T}"/>: the two forms are separate
/// types, so a rule never tests which one it is.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public abstract class UpdateRule<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private protected UpdateRule() { }

    /// <summary>What the session must evaluate at the current iterate before each update. Default: the gradient.</summary>
    public virtual IterateEvaluation Needs => IterateEvaluation.Gradient;

    /// <summary>The absolute damping λ the last move used, for reports; null when the rule has none (the default).</summary>
    public virtual double? Damping => null;
}

/// <summary>An update rule for the asymmetric model U·Vᵀ.</summary>
/// <typeparam name="T">Compute precision.</typeparam>
public abstract class AsymmetricRule<T> : UpdateRule<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>For derived rules.</summary>
    protected AsymmetricRule() { }

    /// <summary>
    /// Computes the next move from the current iterate, once. Return <see cref="Move.Descent{T}(T, ReadOnlySpan{T}, ReadOnlySpan{T})"/>
    /// with directions for U and V or <see cref="Move.Replace{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/> with the next factors,
    /// spans over the rule's own buffers (or the read-only gradients of <paramref name="iterate"/>). Must not allocate.
    /// Throw a <see cref="SolverException"/> when the move cannot be computed (the run then ends as Failed).
    /// </summary>
    /// <param name="iterate">The current iterate and what the session evaluated there.</param>
    public abstract Move<T> Compute(AsymmetricIterate<T> iterate);
}

/// <summary>An update rule for the symmetric PSD model X·Xᵀ.</summary>
/// <typeparam name="T">Compute precision.</typeparam>
public abstract class SymmetricRule<T> : UpdateRule<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>For derived rules.</summary>
    protected SymmetricRule() { }

    /// <summary>
    /// Computes the next move from the current iterate, once: <see cref="Move.Descent{T}(T, ReadOnlySpan{T})"/> with a
    /// direction for X, or <see cref="Move.Replace{T}(ReadOnlySpan{T})"/> with the next X. Must not allocate. Throw a
    /// <see cref="SolverException"/> when the move cannot be computed (the run then ends as Failed).
    /// </summary>
    /// <param name="iterate">The current iterate and what the session evaluated there.</param>
    public abstract Move<T> Compute(SymmetricIterate<T> iterate);
}

/// <summary>
/// How the session moves the iterate: a descent X⁺ = X − step·D along directions a rule computed, or a replacement
/// X⁺ = Z (projections, per-sample sweeps). Holds spans over the rule's buffers until the session applies it.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public readonly ref struct Move<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Move(bool replaces, T step, ReadOnlySpan<T> left, ReadOnlySpan<T> right)
    {
        Replaces = replaces;
        Step = step;
        Left = left;
        Right = right;
    }

    /// <summary>True for a replacement, false for a descent.</summary>
    public bool Replaces { get; }

    /// <summary>The step of a descent (0 for a replacement).</summary>
    public T Step { get; }

    /// <summary>The direction for U (or X), or the next U (or X).</summary>
    public ReadOnlySpan<T> Left { get; }

    /// <summary>The direction for V, or the next V; empty for the symmetric model.</summary>
    public ReadOnlySpan<T> Right { get; }

    internal static Move<T> Create(bool replaces, T step, ReadOnlySpan<T> left, ReadOnlySpan<T> right) => new(replaces, step, left, right);
}

/// <summary>Creates <see cref="Move{T}"/>s.</summary>
public static class Move
{
    /// <summary>U⁺ = U − step·dU, V⁺ = V − step·dV (simultaneous).</summary>
    /// <param name="step">η, the step.</param>
    /// <param name="left">dU, n1×h.</param>
    /// <param name="right">dV, n2×h.</param>
    public static Move<T> Descent<T>(T step, ReadOnlySpan<T> left, ReadOnlySpan<T> right) where T : unmanaged, IFloatingPointIeee754<T> => Move<T>.Create(false, step, left, right);

    /// <summary>X⁺ = X − step·dX.</summary>
    /// <param name="step">η, the step.</param>
    /// <param name="direction">dX, n×h.</param>
    public static Move<T> Descent<T>(T step, ReadOnlySpan<T> direction) where T : unmanaged, IFloatingPointIeee754<T> => Move<T>.Create(false, step, direction, default);

    /// <summary>U⁺ = U', V⁺ = V'.</summary>
    /// <param name="left">U', n1×h.</param>
    /// <param name="right">V', n2×h.</param>
    public static Move<T> Replace<T>(ReadOnlySpan<T> left, ReadOnlySpan<T> right) where T : unmanaged, IFloatingPointIeee754<T> => Move<T>.Create(true, T.Zero, left, right);

    /// <summary>X⁺ = X'.</summary>
    /// <param name="next">X', n×h.</param>
    public static Move<T> Replace<T>(ReadOnlySpan<T> next) where T : unmanaged, IFloatingPointIeee754<T> => Move<T>.Create(true, T.Zero, next, default);
}
