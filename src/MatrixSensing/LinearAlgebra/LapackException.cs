namespace MatrixSensing.LinearAlgebra;

/// <summary>A LAPACK routine returned a non-zero <c>info</c>.</summary>
public class LapackException : Exception
{
    /// <summary>Creates the exception for a routine and its info code.</summary>
    public LapackException(string routine, int info, string message) : base(message)
    {
        Routine = routine;
        Info = info;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public LapackException(string message) : this("", 0, message) { }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public LapackException(string message, Exception inner) : base(message, inner) => Routine = "";

    /// <summary>Creates the exception with no details.</summary>
    public LapackException() : this("A LAPACK routine failed.") { }

    /// <summary>The LAPACKE routine, e.g. <c>LAPACKE_dpotrf_work</c>.</summary>
    public string Routine { get; }

    /// <summary>The <c>info</c> code the routine returned.</summary>
    public int Info { get; }
}

/// <summary>A negative <c>info</c>: argument number −info was invalid. This is a bug in the caller's wrapper, not in the data.</summary>
public sealed class LapackArgumentException(string routine, int info)
    : LapackException(routine, info, $"{routine}: argument {-info} had an illegal value (info = {info}).")
{
    /// <summary>The 1-based position of the invalid argument.</summary>
    public int ArgumentPosition => -Info;
}

/// <summary>LAPACKE could not allocate its work memory (info −1010 or −1011).</summary>
public sealed class LapackOutOfMemoryException(string routine, int info)
    : LapackException(routine, info, $"{routine}: LAPACKE ran out of memory (info = {info}).");

/// <summary>Cholesky failed: the leading minor of the given order is not positive definite.</summary>
public sealed class NotPositiveDefiniteException(string routine, int order)
    : LapackException(routine, order, $"{routine}: the matrix is not positive definite (leading minor of order {order} is not positive).")
{
    /// <summary>The order of the first leading minor that is not positive (1-based).</summary>
    public int Order => Info;
}

/// <summary>LU found an exactly zero pivot: the matrix is singular.</summary>
public sealed class SingularMatrixException(string routine, int info)
    : LapackException(routine, info, $"{routine}: the matrix is singular (U({info},{info}) is exactly zero).");

/// <summary>An iterative decomposition (SVD, symmetric eigen) did not converge.</summary>
public sealed class ConvergenceException(string routine, int info)
    : LapackException(routine, info, $"{routine}: the decomposition did not converge ({info} intermediate values failed to converge).");

/// <summary>Turns a LAPACK <c>info</c> into the matching typed exception: one place for every routine.</summary>
internal static class LapackErrors
{
    internal enum Failure { NotPositiveDefinite, Singular, NoConvergence }

    internal static void Check(int info, string routine, Failure positive)
    {
        if (info != 0) throw Create(info, routine, positive);
    }

    internal static LapackException Create(int info, string routine, Failure positive) => info switch
    {
        -1010 or -1011 => new LapackOutOfMemoryException(routine, info),
        < 0 => new LapackArgumentException(routine, info),
        _ => positive switch
        {
            Failure.NotPositiveDefinite => new NotPositiveDefiniteException(routine, info),
            Failure.Singular => new SingularMatrixException(routine, info),
            _ => new ConvergenceException(routine, info),
        },
    };
}
