using System.Numerics;

namespace MatrixSensing.Solvers;

/// <summary>
/// What a stopping check sees at iteration t, before the update: the metrics of the current iterate when the session
/// evaluated it (every iteration for full-gradient rules, at trace points for mini-batch rules), the time, and the
/// factors (read-only). A ref struct, so checks cannot keep it.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public readonly ref struct Checkpoint<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal Checkpoint(int iteration, TimeSpan elapsed, bool evaluated, bool tracePoint, double loss, double initialLoss, double relativeResidual,
        double? relativeError, ReadOnlySpan<T> left, ReadOnlySpan<T> right, CancellationToken cancellation)
    {
        Iteration = iteration;
        Elapsed = elapsed;
        IsEvaluated = evaluated;
        IsTracePoint = tracePoint;
        Loss = loss;
        InitialLoss = initialLoss;
        RelativeResidual = relativeResidual;
        RelativeError = relativeError;
        Left = left;
        Right = right;
        _cancellation = cancellation;
    }

    private readonly CancellationToken _cancellation;

    /// <summary>Updates made so far.</summary>
    public int Iteration { get; }

    /// <summary>Wall time since the first step.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Whether the loss and residual below belong to this iterate (otherwise they are NaN).</summary>
    public bool IsEvaluated { get; }

    /// <summary>Whether this iteration is recorded in the trace.</summary>
    public bool IsTracePoint { get; }

    /// <summary>f at the current iterate (NaN when not evaluated).</summary>
    public double Loss { get; }

    /// <summary>f at the first evaluated iterate.</summary>
    public double InitialLoss { get; }

    /// <summary>‖r‖/‖y‖ at the current iterate (NaN when not evaluated).</summary>
    public double RelativeResidual { get; }

    /// <summary>‖UVᵀ − M*‖_F/‖M*‖_F when M* is known and a check or the trace asked for it.</summary>
    public double? RelativeError { get; }

    /// <summary>U (or X).</summary>
    public ReadOnlySpan<T> Left { get; }

    /// <summary>V (X again for the symmetric model).</summary>
    public ReadOnlySpan<T> Right { get; }

    /// <summary>Whether the caller's cancellation token is signalled (read when asked, so a cancel from a progress handler counts).</summary>
    public bool CancellationRequested => _cancellation.IsCancellationRequested;
}

/// <summary>Which iterate a stopped run returns.</summary>
public enum ReturnedIterate
{
    /// <summary>The current one.</summary>
    Current,

    /// <summary>The one before the last update (the last finite iterate, after divergence).</summary>
    Previous,

    /// <summary>The snapshot taken when a check last reported <see cref="Verdict.NewBest"/> (the current one if none was).</summary>
    Best,
}

/// <summary>A stopping check's answer at a checkpoint.</summary>
/// <param name="Status">The status to stop with, or null to continue.</param>
/// <param name="Returned">Which iterate the stopped run returns.</param>
/// <param name="IsBest">Snapshot the current iterate as the best so far.</param>
public readonly record struct Verdict(SolverStatus? Status, ReturnedIterate Returned, bool IsBest)
{
    /// <summary>Keep going.</summary>
    public static Verdict Continue => default;

    /// <summary>Keep going, and snapshot the current iterate as the best so far.</summary>
    public static Verdict NewBest => new(null, ReturnedIterate.Current, true);

    /// <summary>Stop with a status.</summary>
    /// <param name="status">Why (not Running).</param>
    /// <param name="returned">Which iterate the result holds.</param>
    public static Verdict Stop(SolverStatus status, ReturnedIterate returned = ReturnedIterate.Current) =>
        status == SolverStatus.Running ? throw new ArgumentOutOfRangeException(nameof(status), status, "A stop needs a final status.") : new(status, returned, false);
}
