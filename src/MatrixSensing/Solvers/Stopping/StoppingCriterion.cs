using System.Numerics;
using MatrixSensing.Problems;

namespace MatrixSensing.Solvers;

/// <summary>
/// A stopping criterion: an immutable description (shareable across runs and threads) that creates one
/// <see cref="StoppingCheck{T}"/> per run. The session evaluates every check of a run, in order, at each iteration
/// before the update; the first check that stops decides the status, and any check may ask for a best-iterate
/// snapshot. <see cref="SolverOptions"/> builds the usual ones (iterations, tolerances, time, cancellation,
/// divergence); add your own with <see cref="SolverOptions.Stopping"/>.
/// </summary>
public abstract class StoppingCriterion
{
    /// <summary>Creates the run's check (allocate here, not in <see cref="StoppingCheck{T}.Evaluate"/>).</summary>
    /// <param name="problem">The problem being solved.</param>
    /// <param name="options">The run's options, with <see cref="SolverOptions.Rank"/> the h the run uses.</param>
    public abstract StoppingCheck<T> Start<T>(SensingProblem<T> problem, SolverOptions options) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Stop with MaxIterations once t updates were made.</summary>
    /// <param name="iterations">The most updates (≥ 0).</param>
    public static StoppingCriterion MaxIterations(int iterations) =>
        iterations >= 0 ? new Simple((in CheckpointValues c) => c.Iteration >= iterations ? SolverStatus.MaxIterations : null, false)
            : throw new ArgumentOutOfRangeException(nameof(iterations), iterations, "MaxIterations must be ≥ 0.");

    /// <summary>Stop with Converged when ‖r‖/‖y‖ ≤ tolerance (checked whenever the residual is evaluated).</summary>
    /// <param name="tolerance">&gt; 0.</param>
    public static StoppingCriterion ResidualTolerance(double tolerance) =>
        tolerance > 0 ? new Simple((in CheckpointValues c) => c.Evaluated && c.RelativeResidual <= tolerance ? SolverStatus.Converged : null, false)
            : throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "Tolerances must be > 0.");

    /// <summary>Stop with Converged when ‖UVᵀ − M*‖_F/‖M*‖_F ≤ tolerance (needs M*; never fires without it).</summary>
    /// <param name="tolerance">&gt; 0.</param>
    public static StoppingCriterion ErrorTolerance(double tolerance) =>
        tolerance > 0 ? new Simple((in CheckpointValues c) => c.RelativeError <= tolerance ? SolverStatus.Converged : null, true)
            : throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "Tolerances must be > 0.");

    /// <summary>Stop with TimeLimit once the wall time since the first step exceeds the budget.</summary>
    /// <param name="budget">&gt; 0.</param>
    public static StoppingCriterion TimeBudget(TimeSpan budget) =>
        budget > TimeSpan.Zero ? new Simple((in CheckpointValues c) => c.Elapsed > budget ? SolverStatus.TimeLimit : null, false)
            : throw new ArgumentOutOfRangeException(nameof(budget), budget, "The time budget must be positive.");

    /// <summary>Stop with Cancelled when the token given to Solve or Step is signalled; the iterate so far is returned.</summary>
    public static StoppingCriterion Cancellation { get; } = new Simple((in CheckpointValues c) => c.Cancelled ? SolverStatus.Cancelled : null, false);

    /// <summary>
    /// Stop with Diverged when the loss is not finite or exceeds factor × the initial loss; the iterate before the last
    /// update (the last finite one) is returned.
    /// </summary>
    /// <param name="factor">&gt; 1.</param>
    public static StoppingCriterion Divergence(double factor) =>
        factor > 1 ? new DivergenceCriterion(factor)
            : throw new ArgumentOutOfRangeException(nameof(factor), factor, "The divergence factor must be > 1.");

    /// <summary>
    /// Validation early stopping on held-out measurements (for example the second part of
    /// <see cref="SensingProblem{T}.SplitForValidation"/>, or a separate data set sensing the same matrix): the held-out
    /// relative residual is measured every <paramref name="every"/> iterations, and after <paramref name="patience"/>
    /// evaluations without improvement the run stops with EarlyStopped, returning the iterate with the smallest one.
    /// </summary>
    /// <param name="heldOut">Measurements not used for fitting, of the same matrix shape and symmetry as the run.</param>
    /// <param name="patience">Evaluations without improvement before stopping (≥ 1); default 20.</param>
    /// <param name="every">Iterations between evaluations (≥ 1); default 5.</param>
    public static StoppingCriterion Validation<T>(SensingProblem<T> heldOut, int patience = 20, int every = 5) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(heldOut);
        ArgumentOutOfRangeException.ThrowIfLessThan(patience, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 1);
        return new ValidationCriterion<T>(heldOut, patience, every);
    }

    private delegate SolverStatus? Rule(in CheckpointValues values);

    /// <summary>The element-type-free part of a checkpoint, for criteria that look only at numbers.</summary>
    private readonly record struct CheckpointValues(int Iteration, TimeSpan Elapsed, bool Evaluated, double Loss, double InitialLoss,
        double RelativeResidual, double? RelativeError, bool Cancelled);

    private sealed class Simple(Rule rule, bool needsError) : StoppingCriterion
    {
        public override StoppingCheck<T> Start<T>(SensingProblem<T> problem, SolverOptions options) => new Check<T>(rule, needsError);

        private sealed class Check<T>(Rule rule, bool needsError) : StoppingCheck<T> where T : unmanaged, IFloatingPointIeee754<T>
        {
            public override bool NeedsError => needsError;

            public override Verdict Evaluate(in Checkpoint<T> c) =>
                rule(new CheckpointValues(c.Iteration, c.Elapsed, c.IsEvaluated, c.Loss, c.InitialLoss, c.RelativeResidual, c.RelativeError, c.CancellationRequested))
                    is { } status ? Verdict.Stop(status) : Verdict.Continue;
        }
    }

    private sealed class DivergenceCriterion(double factor) : StoppingCriterion
    {
        public override StoppingCheck<T> Start<T>(SensingProblem<T> problem, SolverOptions options) => new Check<T>(factor);

        private sealed class Check<T>(double factor) : StoppingCheck<T> where T : unmanaged, IFloatingPointIeee754<T>
        {
            public override Verdict Evaluate(in Checkpoint<T> c) =>
                c.IsEvaluated && (!double.IsFinite(c.Loss) || c.Loss > factor * c.InitialLoss)
                    // At iteration 0 there is no earlier iterate to go back to.
                    ? Verdict.Stop(SolverStatus.Diverged, c.Iteration > 0 ? ReturnedIterate.Previous : ReturnedIterate.Current)
                    : Verdict.Continue;
        }
    }
}

/// <summary>One run's instance of a <see cref="StoppingCriterion"/>; may keep state across checkpoints (patience, best value).</summary>
/// <typeparam name="T">Compute precision.</typeparam>
public abstract class StoppingCheck<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Whether the check reads <see cref="Checkpoint{T}.RelativeError"/>, so the session computes it at every evaluation. Default false.</summary>
    public virtual bool NeedsError => false;

    /// <summary>Decides at a checkpoint. Must not allocate (it runs every iteration).</summary>
    /// <param name="checkpoint">The current iterate's values.</param>
    public abstract Verdict Evaluate(in Checkpoint<T> checkpoint);
}
