using System.Numerics;
using MatrixSensing.LinearAlgebra;

namespace MatrixSensing.Operators;

/// <summary>The two BLAS steps every dense route shares: forming U·Vᵀ and multiplying G by the factors.</summary>
internal static class Factored
{
    /// <summary>dense ← U·Vᵀ (n1×n2).</summary>
    internal static void FormProduct<T>(ReadOnlySpan<T> u, ReadOnlySpan<T> v, int n1, int n2, int rank, Span<T> dense)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Blas.Gemm(Transpose.None, Transpose.Transposed, n1, n2, rank, T.One, u, n1, v, n2, T.Zero, dense, n1);

    /// <summary>gv ← G·V (n1×h) and gtu ← Gᵀ·U (n2×h) for a dense n1×n2 G.</summary>
    internal static void FactorProducts<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> u, ReadOnlySpan<T> v, int n1, int n2, int rank, Span<T> gv, Span<T> gtu)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Blas.Gemm(Transpose.None, Transpose.None, n1, rank, n2, T.One, g, n1, v, n2, T.Zero, gv, n1);
        Blas.Gemm(Transpose.Transposed, Transpose.None, n2, rank, n1, T.One, g, n1, u, n1, T.Zero, gtu, n2);
    }
}
