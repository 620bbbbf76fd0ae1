using System.Numerics;
using MatrixSensing.Interop;

namespace MatrixSensing.LinearAlgebra;

/// <summary>
/// Span-based LAPACK for float and double, column-major. Each routine validates its inputs, calls the LAPACKE
/// <c>_work</c> variant (workspaces come from the caller, so repeated calls allocate nothing) and maps <c>info</c>
/// to a typed <see cref="LapackException"/>; <c>Try…</c> variants report numerical failure without throwing.
/// </summary>
public static unsafe partial class Lapack
{
    internal const int ColMajor = 102;

    /// <summary>
    /// Cholesky factorization A = L·Lᵀ of a symmetric positive-definite n×n matrix, in place: the lower triangle
    /// of <paramref name="a"/> becomes L (the strict upper triangle is not referenced).
    /// </summary>
    /// <param name="a">The matrix, column-major; overwritten by L in its lower triangle.</param>
    /// <param name="n">Order of the matrix.</param>
    /// <param name="lda">Leading dimension.</param>
    /// <exception cref="NotPositiveDefiniteException">The leading minor of order <c>Order</c> is not positive.</exception>
    public static void CholeskyFactor<T>(Span<T> a, int n, int lda) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int info = CholeskyFactorInfo(a, n, lda, out string routine);
        LapackErrors.Check(info, routine, LapackErrors.Failure.NotPositiveDefinite);
    }

    /// <summary>As <see cref="CholeskyFactor{T}"/>, but returns false with the failing order instead of throwing on a non-positive-definite matrix.</summary>
    /// <param name="a">The matrix, column-major; overwritten by L in its lower triangle.</param>
    /// <param name="n">Order of the matrix.</param>
    /// <param name="lda">Leading dimension.</param>
    /// <param name="failedOrder">The order of the first non-positive leading minor, or 0 on success.</param>
    public static bool TryCholeskyFactor<T>(Span<T> a, int n, int lda, out int failedOrder) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int info = CholeskyFactorInfo(a, n, lda, out string routine);
        if (info < 0) throw LapackErrors.Create(info, routine, LapackErrors.Failure.NotPositiveDefinite);
        failedOrder = info;
        return info == 0;
    }

    private static int CholeskyFactorInfo<T>(Span<T> a, int n, int lda, out string routine) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Checks.Dimension(n);
        a = Checks.Matrix(a, n, n, lda);
        routine = Checks.IsDouble<T>() ? "LAPACKE_dpotrf_work" : "LAPACKE_spotrf_work";
        if (n == 0) return 0;
        NativeLibraries.EnsureLoaded();
        // At a fixed alignment, so the result does not depend on where the caller's matrix sits (AlignedScratch).
        var packed = AlignedScratch.Rent<T>(0, n * n);
        AlignedScratch.Pack<T>(a, n, n, lda, packed);
        int info;
        fixed (T* pa = packed)
        {
            if (Checks.IsDouble<T>()) info = Lapacke.LAPACKE_dpotrf_work(ColMajor, (byte)'L', n, (double*)pa, n);
            else if (Checks.IsSingle<T>()) info = Lapacke.LAPACKE_spotrf_work(ColMajor, (byte)'L', n, (float*)pa, n);
            else throw Checks.Unsupported<T>();
        }
        AlignedScratch.Unpack<T>(packed, n, n, lda, a);
        return info;
    }

    /// <summary>Solves A·X = B in place of B, given the Cholesky factor L of A from <see cref="CholeskyFactor{T}"/>.</summary>
    /// <param name="factor">L in the lower triangle, column-major n×n.</param>
    /// <param name="n">Order of A.</param>
    /// <param name="ldFactor">Leading dimension of the factor.</param>
    /// <param name="b">Right-hand sides (n×nrhs), overwritten by the solution.</param>
    /// <param name="nrhs">Number of right-hand sides.</param>
    /// <param name="ldb">Leading dimension of B.</param>
    public static void CholeskySolve<T>(ReadOnlySpan<T> factor, int n, int ldFactor, Span<T> b, int nrhs, int ldb)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Checks.Dimension(n); Checks.Dimension(nrhs);
        factor = Checks.Matrix(factor, n, n, ldFactor);
        b = Checks.Matrix(b, n, nrhs, ldb);
        Checks.NoOverlap<T>(b, factor, nameof(b), nameof(factor));
        if (n == 0 || nrhs == 0) return;
        NativeLibraries.EnsureLoaded();
        int info;
        fixed (T* pf = factor, pb = b)
        {
            if (Checks.IsDouble<T>()) info = Lapacke.LAPACKE_dpotrs_work(ColMajor, (byte)'L', n, nrhs, (double*)pf, ldFactor, (double*)pb, ldb);
            else if (Checks.IsSingle<T>()) info = Lapacke.LAPACKE_spotrs_work(ColMajor, (byte)'L', n, nrhs, (float*)pf, ldFactor, (float*)pb, ldb);
            else throw Checks.Unsupported<T>();
        }
        LapackErrors.Check(info, Checks.IsDouble<T>() ? "LAPACKE_dpotrs_work" : "LAPACKE_spotrs_work", LapackErrors.Failure.NotPositiveDefinite);
    }

    /// <summary>
    /// Factors the symmetric positive-definite A (lower triangle, overwritten by L) and solves A·X = B in place of B
    /// in one call (<c>posv</c>). With <paramref name="nrhs"/> = 0 nothing is computed and A is left unchanged
    /// (backends differ here, so the wrapper returns before calling any).
    /// </summary>
    /// <param name="a">A, column-major n×n; overwritten by its Cholesky factor.</param>
    /// <param name="n">Order of A.</param>
    /// <param name="lda">Leading dimension of A.</param>
    /// <param name="b">Right-hand sides (n×nrhs), overwritten by the solution.</param>
    /// <param name="nrhs">Number of right-hand sides.</param>
    /// <param name="ldb">Leading dimension of B.</param>
    /// <exception cref="NotPositiveDefiniteException">A is not positive definite.</exception>
    public static void PositiveDefiniteSolve<T>(Span<T> a, int n, int lda, Span<T> b, int nrhs, int ldb)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Checks.Dimension(n); Checks.Dimension(nrhs);
        a = Checks.Matrix(a, n, n, lda);
        b = Checks.Matrix(b, n, nrhs, ldb);
        Checks.NoOverlap<T>(b, a, nameof(b), nameof(a));
        if (n == 0 || nrhs == 0) return;
        NativeLibraries.EnsureLoaded();
        int info;
        fixed (T* pa = a, pb = b)
        {
            if (Checks.IsDouble<T>()) info = Lapacke.LAPACKE_dposv_work(ColMajor, (byte)'L', n, nrhs, (double*)pa, lda, (double*)pb, ldb);
            else if (Checks.IsSingle<T>()) info = Lapacke.LAPACKE_sposv_work(ColMajor, (byte)'L', n, nrhs, (float*)pa, lda, (float*)pb, ldb);
            else throw Checks.Unsupported<T>();
        }
        LapackErrors.Check(info, Checks.IsDouble<T>() ? "LAPACKE_dposv_work" : "LAPACKE_sposv_work", LapackErrors.Failure.NotPositiveDefinite);
    }

    /// <summary>
    /// Solves the general square system A·X = B by LU with partial pivoting (<c>gesv</c>), in place. With
    /// <paramref name="nrhs"/> = 0 nothing is computed and A is left unchanged (OpenBLAS's gesv returns early there
    /// while reference LAPACK factors, so the wrapper returns before calling either).
    /// </summary>
    /// <param name="a">A, column-major n×n; overwritten by its LU factors.</param>
    /// <param name="n">Order of A.</param>
    /// <param name="lda">Leading dimension of A.</param>
    /// <param name="pivots">At least n pivot indices, written.</param>
    /// <param name="b">Right-hand sides (n×nrhs), overwritten by the solution.</param>
    /// <param name="nrhs">Number of right-hand sides.</param>
    /// <param name="ldb">Leading dimension of B.</param>
    /// <exception cref="SingularMatrixException">A is exactly singular.</exception>
    public static void Solve<T>(Span<T> a, int n, int lda, Span<int> pivots, Span<T> b, int nrhs, int ldb)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Checks.Dimension(n); Checks.Dimension(nrhs);
        a = Checks.Matrix(a, n, n, lda);
        b = Checks.Matrix(b, n, nrhs, ldb);
        Checks.Length<int>(pivots, n);
        Checks.NoOverlap<T>(b, a, nameof(b), nameof(a));
        if (n == 0 || nrhs == 0) return;
        NativeLibraries.EnsureLoaded();
        int info;
        fixed (T* pa = a, pb = b)
        fixed (int* pp = pivots)
        {
            if (Checks.IsDouble<T>()) info = Lapacke.LAPACKE_dgesv_work(ColMajor, n, nrhs, (double*)pa, lda, pp, (double*)pb, ldb);
            else if (Checks.IsSingle<T>()) info = Lapacke.LAPACKE_sgesv_work(ColMajor, n, nrhs, (float*)pa, lda, pp, (float*)pb, ldb);
            else throw Checks.Unsupported<T>();
        }
        LapackErrors.Check(info, Checks.IsDouble<T>() ? "LAPACKE_dgesv_work" : "LAPACKE_sgesv_work", LapackErrors.Failure.Singular);
    }
}
