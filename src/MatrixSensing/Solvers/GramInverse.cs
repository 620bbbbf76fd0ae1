using System.Numerics;
using MatrixSensing.LinearAlgebra;

namespace MatrixSensing.Solvers;

/// <summary>
/// P = (FᵀF)⁻¹ for an n×h factor F stored row-major (row i at [i·h, (i+1)·h)), kept current while single rows
/// change: replacing row a by b is FᵀF + bbᵀ − aaᵀ, two Sherman–Morrison steps of O(h²) each (the new row is added
/// before the old one is removed, so the intermediate matrix is never less definite than either end). When a removal
/// would divide by a number near zero — the factor is about to lose rank along that row — P is refactored from F
/// instead. <see cref="Refactor"/> forms FᵀF and inverts it through its Cholesky factor. Buffers are sized once.
/// </summary>
internal sealed class GramInverse<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _h;
    private readonly T[] _p, _gram, _w;
    private readonly T[] _factor;
    private readonly int _rows;

    /// <param name="rank">h.</param>
    /// <param name="factor">F, row-major, updated in place by the caller; read by <see cref="Refactor"/>.</param>
    /// <param name="rows">n, rows of F.</param>
    internal GramInverse(int rank, T[] factor, int rows)
    {
        _h = rank;
        _p = new T[rank * rank];
        _gram = new T[rank * rank];
        _w = new T[rank];
        _factor = factor;
        _rows = rows;
    }

    /// <summary>Whether <see cref="Refactor"/> has run at least once.</summary>
    internal bool IsFactored { get; private set; }

    /// <summary>P, h×h (symmetric, column-major = row-major).</summary>
    internal ReadOnlySpan<T> Matrix => _p;

    /// <summary>P ← (FᵀF)⁻¹ from the current F; throws <see cref="SingularPreconditionerException"/> when F lost rank.</summary>
    internal void Refactor(string name, int iteration)
    {
        int h = _h;
        // Row-major n×h F is column-major h×n Fᵀ: FᵀF = Fᵀ·(Fᵀ)ᵀ.
        Blas.Syrk(Triangle.Lower, Transpose.None, h, _rows, T.One, _factor, h, T.Zero, _gram.AsSpan(), h);
        if (!Lapack.TryCholeskyFactor<T>(_gram, h, h, out int order))
            throw new SingularPreconditionerException(name, iteration, 0,
                new NotPositiveDefiniteException(typeof(T) == typeof(double) ? "LAPACKE_dpotrf_work" : "LAPACKE_spotrf_work", order));
        _p.AsSpan().Clear();
        for (int i = 0; i < h; i++) _p[i + i * h] = T.One;
        Lapack.CholeskySolve<T>(_gram, h, h, _p, h, h);
        // Exactly symmetric, so P·x is the same whichever triangle a product reads.
        for (int j = 0; j < h; j++)
            for (int i = j + 1; i < h; i++)
                _p[i + j * h] = _p[j + i * h] = (_p[i + j * h] + _p[j + i * h]) / T.CreateTruncating(2);
        IsFactored = true;
    }

    /// <summary>result ← P·x.</summary>
    internal void Multiply(ReadOnlySpan<T> x, Span<T> result)
    {
        int h = _h;
        for (int i = 0; i < h; i++)
        {
            T sum = T.Zero;
            for (int k = 0; k < h; k++) sum += _p[i + k * h] * x[k];
            result[i] = sum;
        }
    }

    /// <summary>
    /// P after a row of F changed from <paramref name="before"/> to <paramref name="after"/> (F already holds the new row).
    /// </summary>
    internal void ReplaceRow(ReadOnlySpan<T> before, ReadOnlySpan<T> after, string name, int iteration)
    {
        RankOne(after, T.One);
        // Removing a row that carries almost all of FᵀF along some direction: 1 − bᵀPb → 0 and the update loses
        // every digit; the factor itself is exact, so start again from it.
        if (!RankOne(before, -T.One)) Refactor(name, iteration);
    }

    /// <summary>P ← (P⁻¹ + sign·xxᵀ)⁻¹ = P − sign·(Px)(Px)ᵀ/(1 + sign·xᵀPx); false (P unchanged) when the denominator is tiny.</summary>
    private bool RankOne(ReadOnlySpan<T> x, T sign)
    {
        int h = _h;
        Multiply(x, _w);
        T quadratic = T.Zero;
        for (int k = 0; k < h; k++) quadratic += x[k] * _w[k];
        T denominator = T.One + sign * quadratic;
        if (!(T.Abs(denominator) > T.CreateTruncating(1e-8) * (T.One + T.Abs(quadratic)))) return false;
        T c = sign / denominator;
        for (int j = 0; j < h; j++)
        {
            T wj = c * _w[j];
            for (int i = 0; i < h; i++) _p[i + j * h] -= _w[i] * wj;
        }
        return true;
    }
}
