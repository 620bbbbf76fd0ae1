namespace MatrixSensing.Solvers;

/// <summary>A run could not continue for a numerical reason that is not divergence.</summary>
public class SolverException : Exception
{
    /// <summary>Creates the exception for an iteration.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="iteration">The iteration at which it happened.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public SolverException(string message, int iteration, Exception? inner = null) : base(message, inner) => Iteration = iteration;

    /// <summary>Creates the exception with a message.</summary>
    public SolverException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public SolverException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with no details.</summary>
    public SolverException() { }

    /// <summary>The iteration at which the run stopped.</summary>
    public int Iteration { get; }
}

/// <summary>The preconditioner VᵀV + λI (or UᵀU + λI) was not positive definite: with λ = 0 the factor lost rank.</summary>
public sealed class SingularPreconditionerException(string factor, int iteration, double lambda, Exception inner)
    : SolverException($"Iteration {iteration}: the preconditioner {factor}ᵀ{factor} + λI with λ = {lambda:G3} is singular " +
                      $"({factor} lost rank). Use ScaledGD(λ) with λ > 0, or a rank h no larger than the true rank.", iteration, inner);
