namespace MatrixSensing.Solvers;

/// <summary>Why a run stopped.</summary>
public enum SolverStatus
{
    /// <summary>Not finished yet (a session still stepping).</summary>
    Running,

    /// <summary>A residual or error tolerance was reached.</summary>
    Converged,

    /// <summary>The iteration limit was reached first.</summary>
    MaxIterations,

    /// <summary>The loss became non-finite or grew past the divergence factor; the last finite iterate is returned.</summary>
    Diverged,

    /// <summary>The time budget ran out; the iterate so far is returned.</summary>
    TimeLimit,

    /// <summary>Cancelled through the token; the iterate so far is returned.</summary>
    Cancelled,

    /// <summary>
    /// The update rule could not compute a move (e.g. a singular preconditioner with λ = 0); the iterate at which it
    /// failed is returned with its trace, and the reason is in <see cref="SolverResult{T}.Failure"/>.
    /// </summary>
    Failed,

    /// <summary>A criterion that watches held-out data stopped the run; the best iterate it saw is returned.</summary>
    EarlyStopped,
}
