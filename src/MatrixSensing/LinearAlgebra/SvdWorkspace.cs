using System.Numerics;
using MatrixSensing.Interop;

namespace MatrixSensing.LinearAlgebra;

/// <summary>Which LAPACK driver computes an SVD.</summary>
public enum SvdAlgorithm
{
    /// <summary>Divide and conquer (<c>gesdd</c>): the fast default.</summary>
    DivideAndConquer,

    /// <summary>QR iteration (<c>gesvd</c>): slower, occasionally more robust on pathological inputs.</summary>
    QrIteration,
}

/// <summary>
/// Thin SVD A = U·diag(s)·Vᵀ of an m×n matrix with every buffer sized once (lwork query at construction), so
/// repeated decompositions allocate nothing. The input is copied first and never modified. Not thread-safe:
/// use one workspace per thread.
/// </summary>
public sealed unsafe class SvdWorkspace<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _workLength;
    private readonly int[] _iwork;

    /// <summary>Sizes a workspace for m×n inputs.</summary>
    /// <param name="rows">m, rows of the matrices decomposed.</param>
    /// <param name="columns">n, columns of the matrices decomposed.</param>
    /// <param name="algorithm">The LAPACK driver.</param>
    public SvdWorkspace(int rows, int columns, SvdAlgorithm algorithm = SvdAlgorithm.DivideAndConquer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        Rows = rows;
        Columns = columns;
        Algorithm = algorithm;
        _iwork = new int[8 * Rank];
        _workLength = Math.Max(Query(computeVectors: true), Query(computeVectors: false));
    }

    /// <summary>m, rows of the matrices this workspace decomposes.</summary>
    public int Rows { get; }

    /// <summary>n, columns of the matrices this workspace decomposes.</summary>
    public int Columns { get; }

    /// <summary>min(m, n): the number of singular values.</summary>
    public int Rank => Math.Min(Rows, Columns);

    /// <summary>The LAPACK driver in use.</summary>
    public SvdAlgorithm Algorithm { get; }

    /// <summary>
    /// Computes the thin SVD: <paramref name="s"/> (min(m,n), descending), U (m×min(m,n)) and Vᵀ (min(m,n)×n).
    /// </summary>
    /// <param name="a">The m×n input, column-major; left unchanged.</param>
    /// <param name="lda">Leading dimension of the input.</param>
    /// <param name="s">Singular values, written in descending order.</param>
    /// <param name="u">Left singular vectors, written.</param>
    /// <param name="ldu">Leading dimension of U.</param>
    /// <param name="vt">Right singular vectors, transposed, written.</param>
    /// <param name="ldvt">Leading dimension of Vᵀ.</param>
    /// <exception cref="ConvergenceException">The iteration did not converge.</exception>
    public void Decompose(ReadOnlySpan<T> a, int lda, Span<T> s, Span<T> u, int ldu, Span<T> vt, int ldvt)
    {
        if (!TryDecompose(a, lda, s, u, ldu, vt, ldvt, out int info))
            throw LapackErrors.Create(info, RoutineName, LapackErrors.Failure.NoConvergence);
    }

    /// <summary>As <see cref="Decompose"/>, but returns false with LAPACK's <c>info</c> when the iteration does not converge.</summary>
    /// <param name="a">The m×n input, column-major; left unchanged.</param>
    /// <param name="lda">Leading dimension of the input.</param>
    /// <param name="s">Singular values, written in descending order.</param>
    /// <param name="u">Left singular vectors, written.</param>
    /// <param name="ldu">Leading dimension of U.</param>
    /// <param name="vt">Right singular vectors, transposed, written.</param>
    /// <param name="ldvt">Leading dimension of Vᵀ.</param>
    /// <param name="info">LAPACK's info; positive when the iteration failed to converge.</param>
    public bool TryDecompose(ReadOnlySpan<T> a, int lda, Span<T> s, Span<T> u, int ldu, Span<T> vt, int ldvt, out int info)
    {
        Checks.Length<T>(s, Rank);
        u = Checks.Matrix(u, Rows, Rank, ldu);
        vt = Checks.Matrix(vt, Rank, Columns, ldvt);
        Checks.NoOverlap<T>(u, vt, nameof(u), nameof(vt));
        Checks.NoOverlap<T>(s, u, nameof(s), nameof(u));
        Checks.NoOverlap<T>(s, vt, nameof(s), nameof(vt));
        var input = Load(a, lda);
        // Outputs at a fixed alignment too: gesdd computes in U and Vᵀ (AlignedScratch).
        var values = AlignedScratch.Rent<T>(2, Rank);
        var left = AlignedScratch.Rent<T>(3, Rows * Rank);
        var right = AlignedScratch.Rent<T>(4, Rank * Columns);
        fixed (T* pa = input, ps = values, pu = left, pvt = right)
            info = Call((byte)'S', pa, ps, pu, Rows, pvt, Rank, _workLength);
        if (!Finish(info)) return false;
        values.CopyTo(s);
        AlignedScratch.Unpack<T>(left, Rows, Rank, ldu, u);
        AlignedScratch.Unpack<T>(right, Rank, Columns, ldvt, vt);
        return true;
    }

    /// <summary>Computes only the singular values (descending) of an m×n matrix.</summary>
    /// <param name="a">The m×n input, column-major; left unchanged.</param>
    /// <param name="lda">Leading dimension of the input.</param>
    /// <param name="s">Singular values, written in descending order.</param>
    public void SingularValues(ReadOnlySpan<T> a, int lda, Span<T> s)
    {
        Checks.Length<T>(s, Rank);
        var input = Load(a, lda);
        var values = AlignedScratch.Rent<T>(2, Rank);
        T dummy = default;
        int info;
        fixed (T* pa = input, ps = values)
            info = Call((byte)'N', pa, ps, &dummy, 1, &dummy, 1, _workLength);
        if (!Finish(info)) throw LapackErrors.Create(info, RoutineName, LapackErrors.Failure.NoConvergence);
        values.CopyTo(s);
    }

    private string RoutineName => (Algorithm, Checks.IsDouble<T>()) switch
    {
        (SvdAlgorithm.DivideAndConquer, true) => "LAPACKE_dgesdd_work",
        (SvdAlgorithm.DivideAndConquer, false) => "LAPACKE_sgesdd_work",
        (_, true) => "LAPACKE_dgesvd_work",
        _ => "LAPACKE_sgesvd_work",
    };

    /// <summary>The input packed into this thread's aligned scratch (gesdd overwrites its input).</summary>
    private Span<T> Load(ReadOnlySpan<T> a, int lda)
    {
        a = Checks.Matrix(a, Rows, Columns, lda);
        var packed = AlignedScratch.Rent<T>(0, Rows * Columns);
        AlignedScratch.Pack(a, Rows, Columns, lda, packed);
        if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<T>(packed))
            throw new ArgumentException("The matrix contains NaN or infinity; an SVD of it is undefined.", nameof(a));
        return packed;
    }

    private bool Finish(int info)
    {
        if (info < 0 || info is -1010 or -1011) throw LapackErrors.Create(info, RoutineName, LapackErrors.Failure.NoConvergence);
        return info == 0;
    }

    private int Query(bool computeVectors)
    {
        T size = default, dummy = default;
        int info = Call(computeVectors ? (byte)'S' : (byte)'N', &dummy, &dummy, &dummy, Rows, &dummy, Rank, -1, &size);
        LapackErrors.Check(info, RoutineName, LapackErrors.Failure.NoConvergence);
        return Math.Max(1, int.CreateSaturating(T.Ceiling(size)));
    }

    private int Call(byte job, T* a, T* s, T* u, int ldu, T* vt, int ldvt, int lwork, T* workOverride = null)
    {
        NativeLibraries.EnsureLoaded();
        var scratch = lwork == -1 ? default : AlignedScratch.Rent<T>(1, lwork);
        fixed (T* pw = scratch)
        fixed (int* pi = _iwork)
        {
            T* work = workOverride != null ? workOverride : pw;
            int m = Rows, n = Columns;
            if (Algorithm == SvdAlgorithm.DivideAndConquer)
            {
                if (Checks.IsDouble<T>()) return Lapacke.LAPACKE_dgesdd_work(Lapack.ColMajor, job, m, n, (double*)a, m, (double*)s, (double*)u, ldu, (double*)vt, ldvt, (double*)work, lwork, pi);
                if (Checks.IsSingle<T>()) return Lapacke.LAPACKE_sgesdd_work(Lapack.ColMajor, job, m, n, (float*)a, m, (float*)s, (float*)u, ldu, (float*)vt, ldvt, (float*)work, lwork, pi);
            }
            else
            {
                if (Checks.IsDouble<T>()) return Lapacke.LAPACKE_dgesvd_work(Lapack.ColMajor, job, job, m, n, (double*)a, m, (double*)s, (double*)u, ldu, (double*)vt, ldvt, (double*)work, lwork);
                if (Checks.IsSingle<T>()) return Lapacke.LAPACKE_sgesvd_work(Lapack.ColMajor, job, job, m, n, (float*)a, m, (float*)s, (float*)u, ldu, (float*)vt, ldvt, (float*)work, lwork);
            }
            throw Checks.Unsupported<T>();
        }
    }
}
