using System.Numerics;
using MatrixSensing.LinearAlgebra;

namespace MatrixSensing.Solvers;

/// <summary>
/// Right-multiplies a gradient by (FᵀF + λI)⁻¹ through a Cholesky factor of the h×h matrix (potrf/potrs), never
/// forming an inverse. Buffers are sized once.
/// </summary>
internal sealed class Preconditioner<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _rank;
    private readonly T[] _gram;
    private readonly T[] _transposed;

    internal Preconditioner(int rank, int maxRows)
    {
        _rank = rank;
        _gram = new T[rank * rank];
        _transposed = new T[rank * maxRows];
    }

    /// <summary>Factors FᵀF + λI for an n×h factor F.</summary>
    internal void Factor(ReadOnlySpan<T> factor, int rows, T lambda, string name, int iteration)
    {
        int h = _rank;
        Blas.Syrk(Triangle.Lower, Transpose.Transposed, h, rows, T.One, factor, rows, T.Zero, _gram.AsSpan(), h);
        for (int i = 0; i < h; i++) _gram[i + i * h] += lambda;
        if (!Lapack.TryCholeskyFactor<T>(_gram, h, h, out int order))
            throw new SingularPreconditionerException(name, iteration, double.CreateTruncating(lambda),
                new NotPositiveDefiniteException(typeof(T) == typeof(double) ? "LAPACKE_dpotrf_work" : "LAPACKE_spotrf_work", order));
    }

    /// <summary>direction ← direction·(FᵀF + λI)⁻¹ for an n×h direction, using the last <see cref="Factor"/>.</summary>
    internal void Apply(Span<T> direction, int rows)
    {
        int h = _rank;
        var t = _transposed.AsSpan(0, h * rows);
        for (int j = 0; j < h; j++)
            for (int i = 0; i < rows; i++)
                t[j + i * h] = direction[i + j * rows];
        Lapack.CholeskySolve<T>(_gram, h, h, t, rows, h);
        for (int j = 0; j < h; j++)
            for (int i = 0; i < rows; i++)
                direction[i + j * rows] = t[j + i * h];
    }
}
