using System.Numerics;
using MatrixSensing.Interop;

namespace MatrixSensing.LinearAlgebra;

/// <summary>
/// Minimum-norm least squares min ‖A·X − B‖_F by the SVD (<c>gelsd</c>), for an m×n matrix A of any rank and up to
/// a fixed number of right-hand sides. X = A^†·B, so with B = I (or B = Cᵀ) it gives products with the
/// pseudo-inverse without forming it. Every buffer is sized once (lwork and liwork queries at construction), so
/// repeated solves allocate nothing. A is copied first and never modified. Not thread-safe: one workspace per thread.
/// </summary>
public sealed unsafe class LeastSquaresWorkspace<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _a, _s, _work;
    private readonly int[] _iwork;

    /// <summary>Sizes a workspace for m×n systems with at most <paramref name="maxRightHandSides"/> right-hand sides.</summary>
    /// <param name="rows">m, rows of A.</param>
    /// <param name="columns">n, columns of A.</param>
    /// <param name="maxRightHandSides">The most columns of B a solve takes.</param>
    public LeastSquaresWorkspace(int rows, int columns, int maxRightHandSides)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRightHandSides, 1);
        Rows = rows;
        Columns = columns;
        MaxRightHandSides = maxRightHandSides;
        _a = GC.AllocateUninitializedArray<T>(rows * columns, pinned: true);
        _s = new T[Math.Min(rows, columns)];
        (int lwork, int liwork) = Query();
        _work = GC.AllocateUninitializedArray<T>(lwork, pinned: true);
        _iwork = new int[liwork];
    }

    /// <summary>m, rows of A.</summary>
    public int Rows { get; }

    /// <summary>n, columns of A.</summary>
    public int Columns { get; }

    /// <summary>The most right-hand sides one solve takes.</summary>
    public int MaxRightHandSides { get; }

    /// <summary>The singular values of A from the last solve, descending (min(m, n) of them).</summary>
    public ReadOnlySpan<T> SingularValues => _s;

    /// <summary>
    /// Overwrites the first n rows of B (max(m, n)×nrhs) with the minimum-norm solution X = A^†·B and returns the
    /// effective rank of A: singular values σ_k ≤ <paramref name="rcond"/>·σ₁ are treated as zero.
    /// </summary>
    /// <param name="a">A (m×n), column-major; left unchanged.</param>
    /// <param name="lda">Leading dimension of A.</param>
    /// <param name="b">B, max(m, n)×nrhs column-major; rows 0..n−1 become X (for m &gt; n the rest hold residual terms).</param>
    /// <param name="nrhs">Columns of B, at most <see cref="MaxRightHandSides"/>.</param>
    /// <param name="ldb">Leading dimension of B, at least max(m, n).</param>
    /// <param name="rcond">Relative cut-off; negative (the default) means the machine precision of T.</param>
    /// <exception cref="ConvergenceException">The SVD inside gelsd did not converge.</exception>
    public int Solve(ReadOnlySpan<T> a, int lda, Span<T> b, int nrhs, int ldb, double rcond = -1)
    {
        a = Checks.Matrix(a, Rows, Columns, lda);
        Checks.Dimension(nrhs);
        if (nrhs > MaxRightHandSides)
            throw new ArgumentOutOfRangeException(nameof(nrhs), nrhs, $"The workspace was sized for at most {MaxRightHandSides} right-hand sides.");
        int height = Math.Max(Rows, Columns);
        b = Checks.Matrix(b, height, nrhs, ldb);
        if (double.IsNaN(rcond)) throw new ArgumentOutOfRangeException(nameof(rcond), rcond, "rcond must be a number (negative for machine precision).");
        for (int j = 0; j < Columns; j++)
            a.Slice(j * lda, Rows).CopyTo(_a.AsSpan(j * Rows, Rows));
        if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<T>(_a))
            throw new ArgumentException("A contains NaN or infinity; its least-squares solution is undefined.", nameof(a));
        if (nrhs == 0) return 0;
        int rank, info;
        NativeLibraries.EnsureLoaded();
        fixed (T* pa = _a, ps = _s, pw = _work, pb = b)
        fixed (int* pi = _iwork)
            info = Call(pa, pb, nrhs, ldb, ps, rcond, &rank, pw, _work.Length, pi);
        LapackErrors.Check(info, RoutineName, LapackErrors.Failure.NoConvergence);
        return rank;
    }

    private static string RoutineName => Checks.IsDouble<T>() ? "LAPACKE_dgelsd_work" : "LAPACKE_sgelsd_work";

    private (int Work, int IntegerWork) Query()
    {
        T size = default, dummy = default;
        int rank, iworkSize = 0;
        int info = Call(&dummy, &dummy, MaxRightHandSides, Math.Max(Rows, Columns), &dummy, -1, &rank, &size, -1, &iworkSize);
        LapackErrors.Check(info, RoutineName, LapackErrors.Failure.NoConvergence);
        // gelsd returns the minimal integer workspace in iwork[0]; never below LAPACK's documented 3·min(m,n)·nlvl + 11·min(m,n).
        int k = Math.Min(Rows, Columns);
        int levels = Math.Max(0, (int)Math.Ceiling(Math.Log2(k / 26.0)) + 1);
        return (Math.Max(1, int.CreateSaturating(T.Ceiling(size))), Math.Max(Math.Max(1, iworkSize), 3 * k * levels + 11 * k));
    }

    private int Call(T* a, T* b, int nrhs, int ldb, T* s, double rcond, int* rank, T* work, int lwork, int* iwork)
    {
        int m = Rows, n = Columns;
        if (Checks.IsDouble<T>()) return Lapacke.LAPACKE_dgelsd_work(Lapack.ColMajor, m, n, nrhs, (double*)a, m, (double*)b, ldb, (double*)s, rcond, rank, (double*)work, lwork, iwork);
        if (Checks.IsSingle<T>()) return Lapacke.LAPACKE_sgelsd_work(Lapack.ColMajor, m, n, nrhs, (float*)a, m, (float*)b, ldb, (float*)s, (float)rcond, rank, (float*)work, lwork, iwork);
        throw Checks.Unsupported<T>();
    }
}
