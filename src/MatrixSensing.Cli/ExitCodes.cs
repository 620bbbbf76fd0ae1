using System.Globalization;
using System.Text;
using MatrixSensing.Solvers;

namespace MatrixSensing.Cli;

/// <summary>
/// The exit codes of every `msense` command: one table, printed by `msense --help` and in the README (a test checks
/// that the two agree with these values). When several outcomes apply, the most severe wins: a signal, then a usage
/// or input error, then a failure, then divergence, then an unmet tolerance.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Everything ran; every tolerance given on the command line was reached.</summary>
    public const int Success = 0;

    /// <summary>
    /// The run could not be carried out: a native library is missing, the problem does not fit in memory, an output
    /// cannot be written or the output folder is in use by another `msense`.
    /// </summary>
    public const int Failed = 1;

    /// <summary>A flag, an argument or a combination of them is invalid; nothing was computed.</summary>
    public const int Usage = 2;

    /// <summary>An input file cannot be read, is not a regular file, or holds invalid data; nothing was computed.</summary>
    public const int InvalidInput = 3;

    /// <summary>A solver diverged or failed numerically (a singular preconditioner, a LAPACK failure).</summary>
    public const int Diverged = 4;

    /// <summary>A solver stopped (iteration limit or time budget) before a tolerance given on the command line.</summary>
    public const int ToleranceNotReached = 5;

    /// <summary>Cancelled by SIGINT (Ctrl-C): 128 + 2, as shells report it. Results written so far are complete files.</summary>
    public const int Interrupted = 130;

    /// <summary>Cancelled by SIGTERM: 128 + 15, as shells report it. Results written so far are complete files.</summary>
    public const int Terminated = 143;

    /// <summary>Every code with a one-line meaning, in the order of the table.</summary>
    public static IReadOnlyList<(int Code, string Meaning)> Table { get; } =
    [
        (Success, "success; every tolerance given on the command line was reached"),
        (Failed, "could not run: native library missing, not enough memory, output not writable or in use"),
        (Usage, "invalid flag, argument or combination of flags"),
        (InvalidInput, "input file unreadable, not a regular file, or holding invalid data"),
        (Diverged, "a solver diverged or failed numerically"),
        (ToleranceNotReached, "a solver stopped before the --tol-error/--tol-residual given"),
        (Interrupted, "cancelled by SIGINT (Ctrl-C); a second signal exits at once; files written are complete"),
        (Terminated, "cancelled by SIGTERM; a second signal exits at once; files written are complete"),
    ];

    /// <summary>The table as `--help` prints it.</summary>
    public static string HelpText()
    {
        var sb = new StringBuilder("Exit codes:");
        foreach (var (code, meaning) in Table) sb.Append(CultureInfo.InvariantCulture, $"\n  {code,3}  {meaning}");
        return sb.ToString();
    }

    /// <summary>The code for a cancellation by the given signal (SIGINT when none is known, e.g. a test's token).</summary>
    public static int ForSignal(System.Runtime.InteropServices.PosixSignal? signal) =>
        signal == System.Runtime.InteropServices.PosixSignal.SIGTERM ? Terminated : Interrupted;

    /// <summary>
    /// The code for finished solver runs: cancelled → the signal's code, diverged or failed → <see cref="Diverged"/>, stopped
    /// short of a required tolerance → <see cref="ToleranceNotReached"/>, otherwise <see cref="Success"/>.
    /// </summary>
    /// <param name="statuses">Each run's final status.</param>
    /// <param name="toleranceRequired">A tolerance was given explicitly, so stopping without it is a failure.</param>
    /// <param name="signal">The signal that cancelled the process, if any.</param>
    public static int ForStatuses(IEnumerable<SolverStatus> statuses, bool toleranceRequired, System.Runtime.InteropServices.PosixSignal? signal)
    {
        int code = Success;
        foreach (var status in statuses)
            code = Worse(code, status switch
            {
                SolverStatus.Cancelled => ForSignal(signal),
                SolverStatus.Diverged or SolverStatus.Failed => Diverged,
                SolverStatus.MaxIterations or SolverStatus.TimeLimit when toleranceRequired => ToleranceNotReached,
                _ => Success,
            });
        return code;
    }

    /// <summary>The more severe of two codes (signal, usage, input, failure, divergence, tolerance, success).</summary>
    public static int Worse(int a, int b) => Severity(a) >= Severity(b) ? a : b;

    private static int Severity(int code) => code switch
    {
        Success => 0,
        ToleranceNotReached => 1,
        Diverged => 2,
        Failed => 3,
        InvalidInput => 4,
        Usage => 5,
        _ => 6, // signals
    };
}

/// <summary>An error that ends a command with a given exit code and a one-line message (no stack trace).</summary>
/// <param name="exitCode">One of <see cref="ExitCodes"/>.</param>
/// <param name="message">The line printed after "msense: error: ".</param>
/// <param name="inner">The exception that caused it, if any.</param>
internal sealed class CliException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The process exit code, one of <see cref="ExitCodes"/>.</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>A usage error (<see cref="ExitCodes.Usage"/>).</summary>
    public static CliException Usage(string message) => new(ExitCodes.Usage, message);

    /// <summary>An input error (<see cref="ExitCodes.InvalidInput"/>).</summary>
    public static CliException Input(string message, Exception? inner = null) => new(ExitCodes.InvalidInput, message, inner);
}
