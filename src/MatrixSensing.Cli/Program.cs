using System.Runtime.InteropServices;
using MatrixSensing.Cli;
using MatrixSensing.IO;

// SIGINT/SIGTERM are ours, not System.CommandLine's (its handler crashes on a second signal): the first one cancels
// the running solver, which returns its partial result, and the command writes what it has; a second one exits at once.
using var signals = new ProcessSignals(Console.Error);
return await Cli.RunAsync(args, Console.Out, Console.Error, signals.Token);

/// <summary>
/// The process's SIGINT and SIGTERM handling. First signal: cancel the token and remember which signal it was (the
/// exit code is 130 or 143). Second signal, at any time: remove the temporary files of writes still in progress
/// (every output goes through <see cref="AtomicFile"/>, so the files already written are complete and older ones are
/// untouched) and exit immediately with the first signal's code.
/// </summary>
internal sealed class ProcessSignals : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly TextWriter _stderr;
    private readonly PosixSignalRegistration[] _registrations;
    private int _count;

    public ProcessSignals(TextWriter stderr)
    {
        _stderr = stderr;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _cancellation.Token;

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true; // we decide when to exit
        if (Interlocked.Increment(ref _count) == 1)
        {
            Cli.CancelledBy = context.Signal;
            _stderr.WriteLine($"msense: {context.Signal}: stopping after the current iteration and writing what was computed (signal again to exit at once)");
            // Off the signal thread: cancellation callbacks must not delay a second signal.
            ThreadPool.QueueUserWorkItem(_ => _cancellation.Cancel());
            return;
        }
        int removed = AtomicFile.DeletePendingTemporaryFiles(refuseNewWrites: true);
        _stderr.WriteLine($"msense: {context.Signal} again: exiting at once; files already written are complete{(removed > 0 ? $", {removed} unfinished write(s) discarded" : "")}");
        _stderr.Flush();
        Environment.Exit(ExitCodes.ForSignal(Cli.CancelledBy ?? context.Signal));
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _cancellation.Dispose();
    }
}
