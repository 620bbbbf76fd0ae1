using System.Numerics;
using System.Numerics.Tensors;
using MatrixSensing.LinearAlgebra;
using MatrixSensing.Operators;
using MatrixSensing.Problems;

namespace MatrixSensing.Solvers;

/// <summary>
/// Residuals and gradient products of the run's problem at any point, through the run's operator workspace: the
/// session evaluates the current iterate with it, and update rules use it for other points (the gradient at
/// (U⁺, V) in the middle of an alternating step, a mini-batch). Outputs go to buffers the caller passes, so nothing is
/// allocated. The symmetric gradient sym(G)·X is formed here and nowhere else. One per run; not thread-safe.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public sealed class Evaluator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly OperatorWorkspace<T> _workspace;
    private readonly T[] _transposedProduct;

    internal Evaluator(SensingProblem<T> problem, int rank, int batchCapacity)
    {
        Problem = problem;
        Rank = rank;
        _workspace = problem.Operator.CreateWorkspace(rank, batchCapacity);
        _transposedProduct = problem.IsSymmetric ? new T[problem.Rows * rank] : [];
    }

    /// <summary>The problem (operator, measurements, target when known).</summary>
    public SensingProblem<T> Problem { get; }

    /// <summary>h, the factor rank the workspace is sized for.</summary>
    public int Rank { get; }

    /// <summary>The largest batch <see cref="BatchResidual"/> takes (<see cref="Solver{T}.BatchCapacity"/>).</summary>
    public int BatchCapacity => _workspace.MaxBatch;

    private MeasurementOperator<T> Operator => Problem.Operator;

    /// <summary>residual ← A(U·Vᵀ) − y; returns ‖residual‖₂. Pass X twice for the symmetric model.</summary>
    /// <param name="u">U (n1×h).</param>
    /// <param name="v">V (n2×h).</param>
    /// <param name="residual">m values, overwritten.</param>
    public T Residual(ReadOnlySpan<T> u, ReadOnlySpan<T> v, Span<T> residual)
    {
        Operator.ApplyFactored(u, v, _workspace, residual);
        var r = residual[..Problem.Count];
        TensorPrimitives.Subtract<T>(r, Problem.Measurements, r);
        return Blas.Nrm2<T>(r);
    }

    /// <summary>
    /// The asymmetric gradient at (U, V): residual ← A(UVᵀ) − y, gradientU ← G·V, gradientV ← Gᵀ·U with G = A*(residual),
    /// in one pass over a dense ensemble; returns ‖residual‖₂.
    /// </summary>
    /// <param name="u">U (n1×h).</param>
    /// <param name="v">V (n2×h).</param>
    /// <param name="residual">m values, overwritten.</param>
    /// <param name="gradientU">∇_U f (n1×h), overwritten.</param>
    /// <param name="gradientV">∇_V f (n2×h), overwritten.</param>
    public T Gradient(ReadOnlySpan<T> u, ReadOnlySpan<T> v, Span<T> residual, Span<T> gradientU, Span<T> gradientV)
    {
        Operator.ResidualAndAdjointFactored(u, v, Problem.Measurements, _workspace, residual, gradientU, gradientV);
        return Blas.Nrm2<T>(residual[..Problem.Count]);
    }

    /// <summary>
    /// The symmetric gradient at X: residual ← A(XXᵀ) − y and gradient ← sym(G)·X = (G·X + Gᵀ·X)/2 (the gradient of
    /// ¼‖A(XXᵀ) − y‖², also for non-symmetric A_i); returns ‖residual‖₂.
    /// </summary>
    /// <param name="x">X (n×h).</param>
    /// <param name="residual">m values, overwritten.</param>
    /// <param name="gradient">∇f(X) (n×h), overwritten.</param>
    public T Gradient(ReadOnlySpan<T> x, Span<T> residual, Span<T> gradient)
    {
        RequireSymmetric();
        Operator.ResidualAndAdjointFactored(x, x, Problem.Measurements, _workspace, residual, gradient, _transposedProduct);
        Symmetrize(gradient);
        return Blas.Nrm2<T>(residual[..Problem.Count]);
    }

    /// <summary>gradientU ← G·V and gradientV ← Gᵀ·U for G = A*(residual) with a given residual (no forward pass).</summary>
    /// <param name="residual">m coefficients.</param>
    /// <param name="u">U (n1×h).</param>
    /// <param name="v">V (n2×h).</param>
    /// <param name="gradientU">G·V (n1×h), overwritten.</param>
    /// <param name="gradientV">Gᵀ·U (n2×h), overwritten.</param>
    public void Adjoint(ReadOnlySpan<T> residual, ReadOnlySpan<T> u, ReadOnlySpan<T> v, Span<T> gradientU, Span<T> gradientV) =>
        Operator.AdjointFactored(residual, u, v, _workspace, gradientU, gradientV);

    /// <summary>dense ← A*(residual), the n1×n2 matrix Σ r_i A_i (column-major).</summary>
    /// <param name="residual">m coefficients.</param>
    /// <param name="dense">n1·n2 values, overwritten.</param>
    public void Adjoint(ReadOnlySpan<T> residual, Span<T> dense) => Operator.ApplyAdjoint(residual, dense);

    /// <summary>residual[k] ← ⟨A_{rows[k]}, U·Vᵀ⟩ − y_{rows[k]}: the residual on a batch of measurements only.</summary>
    /// <param name="rows">Distinct measurement indices, at most <see cref="BatchCapacity"/>.</param>
    /// <param name="u">U (n1×h).</param>
    /// <param name="v">V (n2×h); X again for the symmetric model.</param>
    /// <param name="residual">rows.Length values, overwritten.</param>
    public void BatchResidual(ReadOnlySpan<int> rows, ReadOnlySpan<T> u, ReadOnlySpan<T> v, Span<T> residual)
    {
        Operator.ApplyFactoredRows(rows, u, v, _workspace, residual);
        var y = Problem.Measurements;
        for (int k = 0; k < rows.Length; k++) residual[k] -= y[rows[k]];
    }

    /// <summary>The asymmetric batch gradient: gradientU ← G_B·V, gradientV ← G_Bᵀ·U with G_B = Σ_k r_k A_{rows[k]}.</summary>
    /// <param name="rows">The batch.</param>
    /// <param name="residual">One coefficient per row (scaled as the rule wants, e.g. by m/b).</param>
    /// <param name="u">U.</param>
    /// <param name="v">V.</param>
    /// <param name="gradientU">n1×h, overwritten.</param>
    /// <param name="gradientV">n2×h, overwritten.</param>
    public void BatchGradient(ReadOnlySpan<int> rows, ReadOnlySpan<T> residual, ReadOnlySpan<T> u, ReadOnlySpan<T> v, Span<T> gradientU, Span<T> gradientV) =>
        Operator.AdjointFactoredRows(rows, residual, u, v, _workspace, gradientU, gradientV);

    /// <summary>The symmetric batch gradient: gradient ← sym(G_B)·X with G_B = Σ_k r_k A_{rows[k]}.</summary>
    /// <param name="rows">The batch.</param>
    /// <param name="residual">One coefficient per row.</param>
    /// <param name="x">X.</param>
    /// <param name="gradient">n×h, overwritten.</param>
    public void BatchGradient(ReadOnlySpan<int> rows, ReadOnlySpan<T> residual, ReadOnlySpan<T> x, Span<T> gradient)
    {
        RequireSymmetric();
        Operator.AdjointFactoredRows(rows, residual, x, x, _workspace, gradient, _transposedProduct);
        Symmetrize(gradient);
    }

    private void Symmetrize(Span<T> gradient)
    {
        var g = gradient[.._transposedProduct.Length];
        TensorPrimitives.Add<T>(g, _transposedProduct, g);
        TensorPrimitives.Multiply<T>(g, T.CreateTruncating(0.5), g);
    }

    private void RequireSymmetric()
    {
        if (!Problem.IsSymmetric) throw new InvalidOperationException("The symmetric gradient is defined for symmetric problems only; use the (U, V) overload.");
    }
}
