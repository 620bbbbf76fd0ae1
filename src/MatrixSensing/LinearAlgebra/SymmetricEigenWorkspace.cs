using System.Numerics;
using MatrixSensing.Interop;

namespace MatrixSensing.LinearAlgebra;

/// <summary>
/// Eigen-decomposition A = Q·diag(w)·Qᵀ of symmetric n×n matrices by divide and conquer (<c>syevd</c>), reading
/// the lower triangle, with the workspace sized once. Not thread-safe: use one workspace per thread.
/// </summary>
public sealed unsafe class SymmetricEigenWorkspace<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _workLength;
    private readonly int[] _iwork;

    /// <summary>Sizes a workspace for n×n matrices.</summary>
    /// <param name="order">n.</param>
    public SymmetricEigenWorkspace(int order)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(order, 1);
        Order = order;
        NativeLibraries.EnsureLoaded();
        T size = default, dummy = default;
        int isize = 0;
        int info = Call(&dummy, order, &dummy, &size, -1, &isize, -1);
        LapackErrors.Check(info, RoutineName, LapackErrors.Failure.NoConvergence);
        _workLength = Math.Max(1, int.CreateSaturating(T.Ceiling(size)));
        _iwork = new int[Math.Max(1, isize)];
    }

    /// <summary>n, the order of the matrices decomposed.</summary>
    public int Order { get; }

    /// <summary>
    /// Decomposes in place: the eigenvalues go to <paramref name="eigenvalues"/> in ascending order and the
    /// orthonormal eigenvectors overwrite <paramref name="a"/> column by column.
    /// </summary>
    /// <param name="a">The symmetric matrix (lower triangle read), column-major; overwritten by eigenvectors.</param>
    /// <param name="lda">Leading dimension.</param>
    /// <param name="eigenvalues">n eigenvalues, ascending.</param>
    /// <exception cref="ConvergenceException">The algorithm did not converge.</exception>
    public void Decompose(Span<T> a, int lda, Span<T> eigenvalues)
    {
        a = Checks.Matrix(a, Order, Order, lda);
        Checks.Length<T>(eigenvalues, Order);
        Checks.NoOverlap<T>(eigenvalues, a, nameof(eigenvalues), nameof(a));
        int info, n = Order;
        // At a fixed alignment, so the result does not depend on where the caller's buffers sit (AlignedScratch).
        var packed = AlignedScratch.Rent<T>(0, n * n);
        var values = AlignedScratch.Rent<T>(1, n);
        var work = AlignedScratch.Rent<T>(2, _workLength);
        AlignedScratch.Pack<T>(a, n, n, lda, packed);
        fixed (T* pa = packed, pw = values, pwork = work)
        fixed (int* iwork = _iwork)
            info = Call(pa, n, pw, pwork, _workLength, iwork, _iwork.Length);
        LapackErrors.Check(info, RoutineName, LapackErrors.Failure.NoConvergence);
        AlignedScratch.Unpack<T>(packed, n, n, lda, a);
        values.CopyTo(eigenvalues);
    }

    private static string RoutineName => Checks.IsDouble<T>() ? "LAPACKE_dsyevd_work" : "LAPACKE_ssyevd_work";

    private int Call(T* a, int lda, T* w, T* work, int lwork, int* iwork, int liwork)
    {
        NativeLibraries.EnsureLoaded();
        if (Checks.IsDouble<T>()) return Lapacke.LAPACKE_dsyevd_work(Lapack.ColMajor, (byte)'V', (byte)'L', Order, (double*)a, lda, (double*)w, (double*)work, lwork, iwork, liwork);
        if (Checks.IsSingle<T>()) return Lapacke.LAPACKE_ssyevd_work(Lapack.ColMajor, (byte)'V', (byte)'L', Order, (float*)a, lda, (float*)w, (float*)work, lwork, iwork, liwork);
        throw Checks.Unsupported<T>();
    }
}
