using MatrixSensing.Problems;
using MatrixSensing.Solvers;

namespace MatrixSensing.Cli.Experiments;

/// <summary>What an experiment may use while it runs.</summary>
/// <param name="Log">Progress lines for the user.</param>
/// <param name="Cancellation">Stops the experiment; its figures are then not written.</param>
internal sealed record ExperimentContext(Action<string> Log, CancellationToken Cancellation);

/// <summary>A reproduction of a paper's experiment, at a size that runs in about a minute on two cores.</summary>
internal abstract class Experiment
{
    /// <summary>The name used on the command line.</summary>
    public abstract string Name { get; }

    /// <summary>The paper and the effect reproduced.</summary>
    public abstract string Description { get; }

    /// <summary>Runs and returns the figures.</summary>
    public abstract IReadOnlyList<Figure> Run(ExperimentContext context);

    /// <summary>Every reproduction, in the order of the README.</summary>
    public static IReadOnlyList<Experiment> All { get; } =
    [
        new ScaledGdVersusGd(),
        new ScaledGdLambdaVersusGd(),
        new InitializationScale(),
        new SgdVersusGd(),
        new Robustness(),
        new AgnComparison(),
        new ScaledSgdVersusSgd(),
        new PhaseTransition(),
    ];

    /// <summary>The relative-error curve of a run as a series (x = iteration).</summary>
    protected static Series ErrorCurve(string name, SolverResult<double> result, bool dashed = false, double xScale = 1) =>
        new(name, [.. result.Trace.Select(t => t.Iteration * xScale)], [.. result.Trace.Select(t => t.RelativeError ?? double.NaN)], dashed);

    /// <summary>
    /// Runs the experiment; null when it was cancelled part way (its figures would show runs that never iterated,
    /// so none may be written).
    /// </summary>
    public static IReadOnlyList<Figure>? RunToCompletion(Experiment experiment, ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var figures = experiment.Run(context);
            return context.Cancellation.IsCancellationRequested ? null : figures;
        }
        catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Solves and logs one line about the run; a cancelled run ends the experiment (OperationCanceledException).</summary>
    protected static SolverResult<double> Run(ExperimentContext context, Solver<double> solver, SensingProblem<double> problem, SolverOptions options, string label)
    {
        context.Cancellation.ThrowIfCancellationRequested();
        var result = solver.Solve(problem, options, cancellationToken: context.Cancellation);
        if (result.Status == SolverStatus.Cancelled) throw new OperationCanceledException($"{label} was cancelled", context.Cancellation);
        context.Log($"{label,-34} {result.Status,-13} {result.Iterations,6} it  error {result.Final.RelativeError:E2}");
        return result;
    }

    /// <summary>First iteration at which the error reached the tolerance, or null.</summary>
    protected static int? IterationsTo(SolverResult<double> result, double tolerance) =>
        result.Trace.FirstOrDefault(t => t.RelativeError <= tolerance) is { RelativeError: not null } hit ? hit.Iteration : null;
}
