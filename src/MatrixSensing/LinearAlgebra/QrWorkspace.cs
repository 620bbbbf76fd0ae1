using System.Numerics;
using MatrixSensing.Interop;

namespace MatrixSensing.LinearAlgebra;

/// <summary>
/// Householder QR of m×n matrices (<c>geqrf</c>) and the explicit Q (<c>orgqr</c>), with the workspace sized once.
/// Not thread-safe: use one workspace per thread.
/// </summary>
public sealed unsafe class QrWorkspace<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _tau;
    private readonly int _workLength;

    /// <summary>Sizes a workspace for m×n inputs.</summary>
    /// <param name="rows">m, rows of the matrices factored.</param>
    /// <param name="columns">n, columns of the matrices factored.</param>
    public QrWorkspace(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        Rows = rows;
        Columns = columns;
        _tau = new T[Math.Min(rows, columns)];
        _workLength = Math.Max(Query(orgqr: false), rows >= columns ? Query(orgqr: true) : 1);
    }

    /// <summary>m, rows of the matrices factored.</summary>
    public int Rows { get; }

    /// <summary>n, columns of the matrices factored.</summary>
    public int Columns { get; }

    /// <summary>The Householder scalars of the last <see cref="Factor"/>.</summary>
    public ReadOnlySpan<T> Tau => _tau;

    /// <summary>
    /// Factors A = Q·R in place: R in the upper triangle, the Householder vectors below it, the scalars in <see cref="Tau"/>.
    /// </summary>
    /// <param name="a">The m×n matrix, column-major, overwritten.</param>
    /// <param name="lda">Leading dimension.</param>
    public void Factor(Span<T> a, int lda)
    {
        a = Checks.Matrix(a, Rows, Columns, lda);
        NativeLibraries.EnsureLoaded();
        int info, m = Rows;
        // At a fixed alignment, so the result does not depend on where the caller's matrix sits (AlignedScratch).
        var packed = AlignedScratch.Rent<T>(0, Rows * Columns);
        var work = AlignedScratch.Rent<T>(1, _workLength);
        AlignedScratch.Pack<T>(a, Rows, Columns, lda, packed);
        fixed (T* pa = packed, pt = _tau, pw = work)
        {
            if (Checks.IsDouble<T>()) info = Lapacke.LAPACKE_dgeqrf_work(Lapack.ColMajor, Rows, Columns, (double*)pa, m, (double*)pt, (double*)pw, _workLength);
            else if (Checks.IsSingle<T>()) info = Lapacke.LAPACKE_sgeqrf_work(Lapack.ColMajor, Rows, Columns, (float*)pa, m, (float*)pt, (float*)pw, _workLength);
            else throw Checks.Unsupported<T>();
        }
        AlignedScratch.Unpack<T>(packed, Rows, Columns, lda, a);
        LapackErrors.Check(info, Checks.IsDouble<T>() ? "LAPACKE_dgeqrf_work" : "LAPACKE_sgeqrf_work", LapackErrors.Failure.NoConvergence);
    }

    /// <summary>Overwrites the output of <see cref="Factor"/> with the m×n matrix Q of orthonormal columns (needs m ≥ n).</summary>
    /// <param name="a">The factored matrix from <see cref="Factor"/>, overwritten by Q.</param>
    /// <param name="lda">Leading dimension.</param>
    public void FormQ(Span<T> a, int lda)
    {
        RequireTall();
        a = Checks.Matrix(a, Rows, Columns, lda);
        NativeLibraries.EnsureLoaded();
        int info, m = Rows;
        var packed = AlignedScratch.Rent<T>(0, Rows * Columns);
        var work = AlignedScratch.Rent<T>(1, _workLength);
        AlignedScratch.Pack<T>(a, Rows, Columns, lda, packed);
        fixed (T* pa = packed, pt = _tau, pw = work)
        {
            if (Checks.IsDouble<T>()) info = Lapacke.LAPACKE_dorgqr_work(Lapack.ColMajor, Rows, Columns, Columns, (double*)pa, m, (double*)pt, (double*)pw, _workLength);
            else if (Checks.IsSingle<T>()) info = Lapacke.LAPACKE_sorgqr_work(Lapack.ColMajor, Rows, Columns, Columns, (float*)pa, m, (float*)pt, (float*)pw, _workLength);
            else throw Checks.Unsupported<T>();
        }
        AlignedScratch.Unpack<T>(packed, Rows, Columns, lda, a);
        LapackErrors.Check(info, Checks.IsDouble<T>() ? "LAPACKE_dorgqr_work" : "LAPACKE_sorgqr_work", LapackErrors.Failure.NoConvergence);
    }

    /// <summary>Replaces A (m×n, m ≥ n) by the Q factor of its QR decomposition: orthonormal columns spanning A's range.</summary>
    /// <param name="a">The matrix, column-major, overwritten by Q.</param>
    /// <param name="lda">Leading dimension.</param>
    public void Orthonormalize(Span<T> a, int lda)
    {
        RequireTall(); // before Factor, so a rejected call leaves A as it was
        Factor(a, lda);
        FormQ(a, lda);
    }

    private void RequireTall()
    {
        if (Rows < Columns)
            throw new InvalidOperationException($"An explicit Q with orthonormal columns needs rows ≥ columns; this workspace is {Rows}×{Columns}.");
    }

    private int Query(bool orgqr)
    {
        NativeLibraries.EnsureLoaded();
        T size = default, dummy = default;
        int m = Rows, n = Columns, info;
        if (Checks.IsDouble<T>())
            info = orgqr
                ? Lapacke.LAPACKE_dorgqr_work(Lapack.ColMajor, m, n, n, (double*)&dummy, m, (double*)&dummy, (double*)&size, -1)
                : Lapacke.LAPACKE_dgeqrf_work(Lapack.ColMajor, m, n, (double*)&dummy, m, (double*)&dummy, (double*)&size, -1);
        else if (Checks.IsSingle<T>())
            info = orgqr
                ? Lapacke.LAPACKE_sorgqr_work(Lapack.ColMajor, m, n, n, (float*)&dummy, m, (float*)&dummy, (float*)&size, -1)
                : Lapacke.LAPACKE_sgeqrf_work(Lapack.ColMajor, m, n, (float*)&dummy, m, (float*)&dummy, (float*)&size, -1);
        else throw Checks.Unsupported<T>();
        LapackErrors.Check(info, orgqr ? "orgqr" : "geqrf", LapackErrors.Failure.NoConvergence);
        return Math.Max(1, int.CreateSaturating(T.Ceiling(size)));
    }
}
