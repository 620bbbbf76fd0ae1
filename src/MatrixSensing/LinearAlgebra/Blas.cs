using System.Numerics;
using System.Runtime.CompilerServices;
using MatrixSensing.Interop;

namespace MatrixSensing.LinearAlgebra;

/// <summary>
/// Span-based BLAS for float and double on column-major storage. Every call validates shapes, leading dimensions,
/// lengths and overlaps before it reaches native code, and allocates nothing.
/// </summary>
public static unsafe class Blas
{
    private const CblasOrder ColMajor = CblasOrder.CblasColMajor;

    /// <summary>C ← α·op(A)·op(B) + β·C, with op(A) m×k, op(B) k×n and C m×n. C must not overlap A or B.</summary>
    /// <param name="transA">Whether A is used transposed (then A is stored k×m).</param>
    /// <param name="transB">Whether B is used transposed (then B is stored n×k).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, column-major.</param>
    /// <param name="lda">Leading dimension of A.</param>
    /// <param name="b">B, column-major.</param>
    /// <param name="ldb">Leading dimension of B.</param>
    /// <param name="beta">Scale of the old C (zero: C need not be initialized).</param>
    /// <param name="c">C, column-major, overwritten.</param>
    /// <param name="ldc">Leading dimension of C.</param>
    public static void Gemm<T>(Transpose transA, Transpose transB, int m, int n, int k, T alpha,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Checks.Dimension(m); Checks.Dimension(n); Checks.Dimension(k);
        a = transA == Transpose.None ? Checks.Matrix(a, m, k, lda) : Checks.Matrix(a, k, m, lda);
        b = transB == Transpose.None ? Checks.Matrix(b, k, n, ldb) : Checks.Matrix(b, n, k, ldb);
        c = Checks.Matrix(c, m, n, ldc);
        Checks.NoOverlap<T>(c, a, nameof(c), nameof(a));
        Checks.NoOverlap<T>(c, b, nameof(c), nameof(b));
        if (m == 0 || n == 0) return;
        NativeLibraries.EnsureLoaded();
        fixed (T* pa = a, pb = b, pc = c)
        {
            if (Checks.IsDouble<T>())
                Cblas.cblas_dgemm(ColMajor, (CblasTranspose)transA, (CblasTranspose)transB, m, n, k, D(alpha), (double*)pa, lda, (double*)pb, ldb, D(beta), (double*)pc, ldc);
            else if (Checks.IsSingle<T>())
                Cblas.cblas_sgemm(ColMajor, (CblasTranspose)transA, (CblasTranspose)transB, m, n, k, S(alpha), (float*)pa, lda, (float*)pb, ldb, S(beta), (float*)pc, ldc);
            else throw Checks.Unsupported<T>();
        }
    }

    /// <summary>y ← α·op(A)·x + β·y for an m×n matrix A (as stored). y must not overlap A or x.</summary>
    /// <param name="trans">Whether A is used transposed (then x has m elements and y has n).</param>
    /// <param name="m">Stored rows of A.</param>
    /// <param name="n">Stored columns of A.</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, column-major.</param>
    /// <param name="lda">Leading dimension of A.</param>
    /// <param name="x">The vector multiplied.</param>
    /// <param name="beta">Scale of the old y.</param>
    /// <param name="y">The result, overwritten.</param>
    public static void Gemv<T>(Transpose trans, int m, int n, T alpha, ReadOnlySpan<T> a, int lda,
        ReadOnlySpan<T> x, T beta, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Checks.Dimension(m); Checks.Dimension(n);
        a = Checks.Matrix(a, m, n, lda);
        int xLength = trans == Transpose.None ? n : m, yLength = trans == Transpose.None ? m : n;
        Checks.Length(x, xLength);
        Checks.Length<T>(y, yLength);
        x = x[..xLength];
        y = y[..yLength];
        Checks.NoOverlap<T>(y, a, nameof(y), nameof(a));
        Checks.NoOverlap<T>(y, x, nameof(y), nameof(x));
        if (yLength == 0) return;
        if (xLength == 0)
        {
            // op(A) has no columns, so y ← β·y; BLAS returns early without scaling y (and β = 0 must clear NaN).
            if (beta == T.Zero) y.Clear();
            else System.Numerics.Tensors.TensorPrimitives.Multiply(y, beta, y);
            return;
        }
        NativeLibraries.EnsureLoaded();
        fixed (T* pa = a, px = x, py = y)
        {
            if (Checks.IsDouble<T>())
                Cblas.cblas_dgemv(ColMajor, (CblasTranspose)trans, m, n, D(alpha), (double*)pa, lda, (double*)px, 1, D(beta), (double*)py, 1);
            else if (Checks.IsSingle<T>())
                Cblas.cblas_sgemv(ColMajor, (CblasTranspose)trans, m, n, S(alpha), (float*)pa, lda, (float*)px, 1, S(beta), (float*)py, 1);
            else throw Checks.Unsupported<T>();
        }
    }

    /// <summary>
    /// Symmetric rank-k update of one triangle of the n×n matrix C: C ← α·A·Aᵀ + β·C (A n×k) or, transposed,
    /// C ← α·Aᵀ·A + β·C (A k×n). The other triangle is not touched.
    /// </summary>
    /// <param name="triangle">The triangle of C written.</param>
    /// <param name="trans">None for A·Aᵀ, Transposed for Aᵀ·A.</param>
    /// <param name="n">Order of C.</param>
    /// <param name="k">Inner dimension.</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, column-major.</param>
    /// <param name="lda">Leading dimension of A.</param>
    /// <param name="beta">Scale of the old C.</param>
    /// <param name="c">C, column-major.</param>
    /// <param name="ldc">Leading dimension of C.</param>
    public static void Syrk<T>(Triangle triangle, Transpose trans, int n, int k, T alpha, ReadOnlySpan<T> a, int lda,
        T beta, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Checks.Dimension(n); Checks.Dimension(k);
        a = trans == Transpose.None ? Checks.Matrix(a, n, k, lda) : Checks.Matrix(a, k, n, lda);
        c = Checks.Matrix(c, n, n, ldc);
        Checks.NoOverlap<T>(c, a, nameof(c), nameof(a));
        if (n == 0) return;
        NativeLibraries.EnsureLoaded();
        fixed (T* pa = a, pc = c)
        {
            if (Checks.IsDouble<T>())
                Cblas.cblas_dsyrk(ColMajor, (CblasUplo)triangle, (CblasTranspose)trans, n, k, D(alpha), (double*)pa, lda, D(beta), (double*)pc, ldc);
            else if (Checks.IsSingle<T>())
                Cblas.cblas_ssyrk(ColMajor, (CblasUplo)triangle, (CblasTranspose)trans, n, k, S(alpha), (float*)pa, lda, S(beta), (float*)pc, ldc);
            else throw Checks.Unsupported<T>();
        }
    }

    /// <summary>
    /// Triangular solve with many right-hand sides (<c>trsm</c>), in place of B: op(A)·X = α·B (left side) or
    /// X·op(A) = α·B (right side), for a triangular A of order m (left) or n (right) and an m×n matrix B. Only
    /// <paramref name="triangle"/> of A is read. The right side turns (FᵀF + λI)⁻¹ applied to a tall n×h factor into
    /// two solves with its Cholesky factor and no transposes. A singular A gives infinities, as in BLAS: check its
    /// diagonal first (a Cholesky factor from a successful potrf has none).
    /// </summary>
    /// <param name="side">Whether A multiplies X from the left or the right.</param>
    /// <param name="triangle">Which triangle of A holds it.</param>
    /// <param name="trans">Whether A is used transposed.</param>
    /// <param name="diagonal">Whether A has an implicit unit diagonal.</param>
    /// <param name="m">Rows of B.</param>
    /// <param name="n">Columns of B.</param>
    /// <param name="alpha">Scale of B (zero clears B without reading A).</param>
    /// <param name="a">A, column-major, order m (left) or n (right).</param>
    /// <param name="lda">Leading dimension of A.</param>
    /// <param name="b">B (m×n), overwritten by X.</param>
    /// <param name="ldb">Leading dimension of B.</param>
    public static void TriangularSolve<T>(Side side, Triangle triangle, Transpose trans, Diagonal diagonal, int m, int n, T alpha,
        ReadOnlySpan<T> a, int lda, Span<T> b, int ldb)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Checks.Dimension(m); Checks.Dimension(n);
        int order = side == Side.Left ? m : n;
        a = Checks.Matrix(a, order, order, lda);
        b = Checks.Matrix(b, m, n, ldb);
        Checks.NoOverlap<T>(b, a, nameof(b), nameof(a));
        if (m == 0 || n == 0) return;
        NativeLibraries.EnsureLoaded();
        fixed (T* pa = a, pb = b)
        {
            if (Checks.IsDouble<T>())
                Cblas.cblas_dtrsm(ColMajor, (CblasSide)side, (CblasUplo)triangle, (CblasTranspose)trans, (CblasDiag)diagonal, m, n, D(alpha), (double*)pa, lda, (double*)pb, ldb);
            else if (Checks.IsSingle<T>())
                Cblas.cblas_strsm(ColMajor, (CblasSide)side, (CblasUplo)triangle, (CblasTranspose)trans, (CblasDiag)diagonal, m, n, S(alpha), (float*)pa, lda, (float*)pb, ldb);
            else throw Checks.Unsupported<T>();
        }
    }

    /// <summary>y ← α·x + y. x and y have equal length; they may be the same buffer but not shifted views of one.</summary>
    /// <param name="alpha">Scale of x.</param>
    /// <param name="x">The vector added.</param>
    /// <param name="y">The vector updated.</param>
    public static void Axpy<T>(T alpha, ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Checks.SameLength<T>(x, y, nameof(x), nameof(y));
        Checks.SameOrDisjoint<T>(y, x, nameof(y), nameof(x));
        if (x.IsEmpty) return;
        NativeLibraries.EnsureLoaded();
        fixed (T* px = x, py = y)
        {
            if (Checks.IsDouble<T>()) Cblas.cblas_daxpy(x.Length, D(alpha), (double*)px, 1, (double*)py, 1);
            else if (Checks.IsSingle<T>()) Cblas.cblas_saxpy(x.Length, S(alpha), (float*)px, 1, (float*)py, 1);
            else throw Checks.Unsupported<T>();
        }
    }

    /// <summary>The inner product xᵀy of two vectors of equal length.</summary>
    /// <param name="x">First vector.</param>
    /// <param name="y">Second vector.</param>
    public static T Dot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Checks.SameLength(x, y, nameof(x), nameof(y));
        if (x.IsEmpty) return T.Zero;
        NativeLibraries.EnsureLoaded();
        fixed (T* px = x, py = y)
        {
            if (Checks.IsDouble<T>()) return T.CreateTruncating(Cblas.cblas_ddot(x.Length, (double*)px, 1, (double*)py, 1));
            if (Checks.IsSingle<T>()) return T.CreateTruncating(Cblas.cblas_sdot(x.Length, (float*)px, 1, (float*)py, 1));
            throw Checks.Unsupported<T>();
        }
    }

    /// <summary>The Euclidean norm ‖x‖₂, computed without overflow.</summary>
    /// <param name="x">The vector.</param>
    public static T Nrm2<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.IsEmpty) return T.Zero;
        NativeLibraries.EnsureLoaded();
        fixed (T* px = x)
        {
            if (Checks.IsDouble<T>()) return T.CreateTruncating(Cblas.cblas_dnrm2(x.Length, (double*)px, 1));
            if (Checks.IsSingle<T>()) return T.CreateTruncating(Cblas.cblas_snrm2(x.Length, (float*)px, 1));
            throw Checks.Unsupported<T>();
        }
    }

    /// <summary>x ← α·x.</summary>
    /// <param name="alpha">The scale.</param>
    /// <param name="x">The vector scaled in place.</param>
    public static void Scal<T>(T alpha, Span<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.IsEmpty) return;
        NativeLibraries.EnsureLoaded();
        fixed (T* px = x)
        {
            if (Checks.IsDouble<T>()) Cblas.cblas_dscal(x.Length, D(alpha), (double*)px, 1);
            else if (Checks.IsSingle<T>()) Cblas.cblas_sscal(x.Length, S(alpha), (float*)px, 1);
            else throw Checks.Unsupported<T>();
        }
    }

    /// <summary>y ← x, for vectors of equal length that do not overlap.</summary>
    /// <param name="x">Source.</param>
    /// <param name="y">Destination.</param>
    public static void Copy<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Checks.SameLength<T>(x, y, nameof(x), nameof(y));
        Checks.NoOverlap<T>(y, x, nameof(y), nameof(x));
        if (x.IsEmpty) return;
        NativeLibraries.EnsureLoaded();
        fixed (T* px = x, py = y)
        {
            if (Checks.IsDouble<T>()) Cblas.cblas_dcopy(x.Length, (double*)px, 1, (double*)py, 1);
            else if (Checks.IsSingle<T>()) Cblas.cblas_scopy(x.Length, (float*)px, 1, (float*)py, 1);
            else throw Checks.Unsupported<T>();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double D<T>(T value) => Unsafe.As<T, double>(ref value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float S<T>(T value) => Unsafe.As<T, float>(ref value);
}
