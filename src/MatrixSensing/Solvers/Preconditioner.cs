using System.Numerics;
using MatrixSensing.LinearAlgebra;

namespace MatrixSensing.Solvers;

/// <summary>
/// direction ← gradient·(FᵀF + λI)⁻¹ for an n×h gradient and factor F: the h×h Gram matrix from syrk, its Cholesky
/// factor L from potrf, then two right-side triangular solves (D·L·Lᵀ = ∇: first Y·Lᵀ = ∇, then D·L = Y) applied to a
/// copy of the gradient in place. No inverse is formed and nothing is transposed. Buffers are sized once.
/// </summary>
internal sealed class Preconditioner<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _rank;
    private readonly T[] _gram;

    internal Preconditioner(int rank)
    {
        _rank = rank;
        _gram = new T[rank * rank];
    }

    /// <summary>h.</summary>
    internal int Rank => _rank;

    /// <summary>direction ← gradient·(FᵀF + λI)⁻¹; throws <see cref="SingularPreconditionerException"/> when FᵀF + λI is not positive definite.</summary>
    /// <param name="gradient">∇, gradientRows×h, read.</param>
    /// <param name="gradientRows">Rows of the gradient and the direction.</param>
    /// <param name="factor">F, factorRows×h, read.</param>
    /// <param name="factorRows">Rows of F.</param>
    /// <param name="lambda">λ ≥ 0.</param>
    /// <param name="direction">gradientRows×h, written.</param>
    /// <param name="name">The factor's name, for the error message.</param>
    /// <param name="iteration">The iteration, for the error message.</param>
    internal void Apply(ReadOnlySpan<T> gradient, int gradientRows, ReadOnlySpan<T> factor, int factorRows, T lambda, Span<T> direction, string name, int iteration)
    {
        int h = _rank, rows = gradientRows;
        Blas.Syrk(Triangle.Lower, Transpose.Transposed, h, factorRows, T.One, factor, factorRows, T.Zero, _gram.AsSpan(), h);
        for (int i = 0; i < h; i++) _gram[i + i * h] += lambda;
        if (!Lapack.TryCholeskyFactor<T>(_gram, h, h, out int order))
            throw new SingularPreconditionerException(name, iteration, double.CreateTruncating(lambda),
                new NotPositiveDefiniteException(typeof(T) == typeof(double) ? "LAPACKE_dpotrf_work" : "LAPACKE_spotrf_work", order));
        gradient[..(rows * h)].CopyTo(direction);
        Blas.TriangularSolve(Side.Right, Triangle.Lower, Transpose.Transposed, Diagonal.NonUnit, rows, h, T.One, _gram, h, direction, rows);
        Blas.TriangularSolve(Side.Right, Triangle.Lower, Transpose.None, Diagonal.NonUnit, rows, h, T.One, _gram, h, direction, rows);
    }
}
