using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace MatrixSensing.Cli.Sweeps;

/// <summary>How a batch of trials ended.</summary>
/// <param name="Ran">Trials run and recorded this time.</param>
/// <param name="Cancelled">Whether the batch stopped early (Ctrl-C, SIGTERM).</param>
/// <param name="Seconds">Wall time.</param>
internal sealed record ExecutionReport(int Ran, bool Cancelled, double Seconds);

/// <summary>
/// Runs trials <c>parallel</c> at a time and appends each finished trial to the log. A cancelled trial is not a
/// result and is not recorded. A trial whose settings are invalid (an ArgumentException) stops the whole batch and
/// is reported as the command's one-line error.
/// </summary>
internal static class SweepExecution
{
    public static ExecutionReport Run(SweepGrid grid, IReadOnlyList<PlannedTrial> todo, TrialLog log, int parallel, Output output, CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var progress = new SweepProgress(output, todo.Count, todo.Sum(t => t.Cost));
        var clock = Stopwatch.StartNew();
        int ran = 0;
        Exception? failure = null;
        // Costliest first, handed out one at a time, so that the last trial to start is a cheap one.
        var order = todo.OrderByDescending(t => t.Cost).ThenBy(t => t.Index).ToList();
        try
        {
            Parallel.ForEach(Partitioner.Create(order, EnumerablePartitionerOptions.NoBuffering),
                new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = stop.Token }, trial =>
                {
                    TrialOutcome outcome;
                    try
                    {
                        outcome = new TrialRunner().Run(trial.Config, stop.Token);
                    }
                    catch (Exception e) when (e is ArgumentException or InsufficientMemoryException or OperationCanceledException)
                    {
                        if (e is not OperationCanceledException)
                            Interlocked.CompareExchange(ref failure, e is ArgumentException
                                ? new ArgumentException($"trial {trial.Index} ({grid.Describe(trial.Cell)}, replicate {trial.Replicate}): {e.Message}", e)
                                : e, null);
                        stop.Cancel();
                        return;
                    }
                    if (outcome.Status == nameof(Solvers.SolverStatus.Cancelled)) return;
                    var cell = grid.Axes.Select((a, i) => KeyValuePair.Create(a.Name, trial.Cell[i])).ToList();
                    log.Append(new TrialRecord(grid.Id, trial.Index, trial.Replicate, cell, trial.Config, outcome,
                        grid.Success.Met(outcome.RelativeError, outcome.RelativeResidual), TrialRecord.LibraryVersion));
                    Interlocked.Increment(ref ran);
                    progress.Finished(trial.Cost);
                });
        }
        catch (OperationCanceledException)
        {
            // Reported below: what ran is recorded, what did not is not.
        }
        progress.Finish();
        if (failure is not null) throw failure;
        return new ExecutionReport(ran, cancellation.IsCancellationRequested, clock.Elapsed.TotalSeconds);
    }
}

/// <summary>
/// "k/N trials, rate, ETA" on stderr, refreshed at most ten times a second and only on a terminal (like run's
/// progress). The ETA weighs the remaining trials by their estimated cost.
/// </summary>
internal sealed class SweepProgress(Output output, int total, double totalCost)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private int _done;
    private double _doneCost;
    private long _last;
    private bool _shown;

    public void Finished(double cost)
    {
        lock (_gate)
        {
            _done++;
            _doneCost += cost;
            if (!output.LiveProgress) return;
            long now = Environment.TickCount64;
            if (now - _last < 100 && _done < total) return;
            _last = now;
            _shown = true;
            double seconds = _clock.Elapsed.TotalSeconds;
            double eta = _doneCost > 0 ? seconds * (totalCost - _doneCost) / _doneCost : double.NaN;
            output.Stderr.Write(string.Create(CultureInfo.InvariantCulture,
                $"\r  {_done}/{total} trials  {_done / Math.Max(seconds, 1e-9):F1} trials/s  ETA {Format(eta)}   "));
        }
    }

    public void Finish()
    {
        if (_shown) output.Stderr.WriteLine();
    }

    private static string Format(double seconds) =>
        !double.IsFinite(seconds) ? "?" : seconds < 60 ? $"{seconds:F0} s" : seconds < 3600 ? $"{(int)(seconds / 60)} min {(int)(seconds % 60)} s" : $"{seconds / 3600:F1} h";
}
