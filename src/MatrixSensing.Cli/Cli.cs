using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using MatrixSensing.Cli.Commands;
using MatrixSensing.Interop;
using MatrixSensing.IO;

namespace MatrixSensing.Cli;

/// <summary>
/// The `msense` command tree and its error policy: one line on stderr (`msense: error: …`, never a stack trace) and
/// an exit code from <see cref="ExitCodes"/>.
/// </summary>
internal static partial class Cli
{
    public static readonly Option<string> Out = new("--out") { Description = "Output folder (created; locked while in use)", DefaultValueFactory = _ => "msense-out" };
    public static readonly Option<bool> Quiet = new("--quiet") { Description = "No progress or messages" };
    public static readonly Option<bool> Json = new("--json") { Description = "Print only a JSON summary on stdout" };
    public static readonly Option<int> Threads = new("--threads") { Description = "OpenBLAS and kernel threads (≥ 1)", DefaultValueFactory = _ => Math.Min(2, Environment.ProcessorCount) };

    /// <summary>The signal that cancelled this process (set by the signal handler), or null.</summary>
    public static PosixSignal? CancelledBy { get; set; }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellation)
    {
        var root = new RootCommand("msense: low-rank matrix sensing experiments on OpenBLAS/LAPACKE\n\n" + ExitCodes.HelpText());
        foreach (var command in new[]
                 {
                     RunCommand.Create(stdout, stderr), SolveCommand.Create(stdout, stderr), SweepCommand.Create(stdout, stderr), MergeCommand.Create(stdout, stderr),
                     ReproduceCommand.Create(stdout, stderr), InfoCommand.Create(stdout), DemoCommand.Create(stdout),
                 })
            root.Add(command);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            stderr.WriteLine($"msense: error: {parse.Errors[0].Message} (see msense --help)");
            return ExitCodes.Usage;
        }
        try
        {
            // ProcessTerminationTimeout = null: System.CommandLine installs no signal handler (Program.cs has ours).
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null,
            }, cancellation);
        }
        catch (Exception e) when (Classify(e) is { } error)
        {
            stderr.WriteLine("msense: error: " + OneLine(error.Message));
            return error.Code;
        }
    }

    /// <summary>Applies the common options; returns how to report.</summary>
    public static Output Setup(ParseResult parse, TextWriter stdout, TextWriter stderr)
    {
        int threads = parse.GetValue(Threads);
        if (threads < 1) throw CliException.Usage($"--threads must be at least 1; got {threads}");
        BlasThreads.Count = threads;
        return new Output(stdout, stderr, parse.GetValue(Quiet), parse.GetValue(Json));
    }

    public static void AddCommon(Command command)
    {
        command.Add(Out);
        command.Add(Quiet);
        command.Add(Json);
        command.Add(Threads);
    }

    /// <summary>Whether the user typed the option (rather than getting its default).</summary>
    public static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    /// <summary>The exit code of a cancellation: 143 after SIGTERM, otherwise 130.</summary>
    public static int CancelledCode => ExitCodes.ForSignal(CancelledBy);

    /// <summary>The exit code and one-line message for an exception, or null for a bug (which keeps its stack trace).</summary>
    internal static (int Code, string Message)? Classify(Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: 1 } a => Classify(a.InnerException!),
        CliException c => (c.ExitCode, c.Message),
        NpyFormatException => (ExitCodes.InvalidInput, e.Message),
        NativeLibraryException or InsufficientMemoryException or IOException or UnauthorizedAccessException => (ExitCodes.Failed, e.Message),
        Solvers.SolverException or LinearAlgebra.LapackException => (ExitCodes.Diverged, e.Message),
        ArgumentException a => (ExitCodes.Usage, Word(a)),
        OperationCanceledException => (CancelledCode, "cancelled"),
        _ => null,
    };

    /// <summary>
    /// An <see cref="ArgumentException"/> as a user reads it: .NET's " (Parameter 'x')" and "Actual value was …"
    /// suffixes removed, the flag that set the parameter named in front, and the value given.
    /// </summary>
    internal static string Word(ArgumentException e)
    {
        string message = ParameterSuffix().Replace(ActualValueSuffix().Replace(e.Message, ""), "").Trim();
        object? value = (e as ArgumentOutOfRangeException)?.ActualValue;
        // ArgumentOutOfRangeException.ThrowIfLessThan(m, 1) says "m ('0') must be greater than or equal to '1'."
        var generic = GenericRange().Match(message);
        if (generic.Success)
        {
            message = $"must be at least {generic.Groups[3].Value}; got {generic.Groups[2].Value}";
            value = null;
        }
        else if (value is not null && !message.Contains(Show(value), StringComparison.Ordinal))
            message = $"{message.TrimEnd('.')}; got {Show(value)}";
        string? flag = e.ParamName is { } name && FlagOf.TryGetValue(name, out var f) ? f : null;
        if (flag is null) return message;
        return $"{flag}: {(message.Length > 1 && char.IsUpper(message[0]) && char.IsLower(message[1]) ? char.ToLowerInvariant(message[0]) + message[1..] : message)}";
    }

    private static string Show(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        TimeSpan t => t.TotalSeconds.ToString("R", CultureInfo.InvariantCulture) + " s",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Library parameter names and the flags that set them.</summary>
    private static readonly Dictionary<string, string> FlagOf = new(StringComparer.Ordinal)
    {
        ["rows"] = "--n1", ["columns"] = "--n2", ["m"] = "--m", ["count"] = "--m", ["rank"] = "--rank", ["conditionNumber"] = "--kappa",
        ["noiseLevel"] = "--noise", ["refreshEvery"] = "--refresh-every", ["probability"] = "--p", ["p"] = "--p",
        ["Rank"] = "--h", ["MaxIterations"] = "--max-iter", ["TraceEvery"] = "--trace-every", ["Step"] = "--step", ["Lambda"] = "--lambda",
        ["ResidualTolerance"] = "--tol-residual", ["ErrorTolerance"] = "--tol-error", ["TimeBudget"] = "--time-budget",
        ["StepDecay"] = "--step-decay", ["PrecGdConstant"] = "--precgd-c", ["BatchSize"] = "--batch", ["Initialization"] = "--init",
    };

    private static string OneLine(string message) =>
        string.Join(' ', message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    [GeneratedRegex(@"\s*\(Parameter '[^']*'\)")]
    private static partial Regex ParameterSuffix();

    [GeneratedRegex(@"\s*Actual value was .*$", RegexOptions.Singleline)]
    private static partial Regex ActualValueSuffix();

    [GeneratedRegex(@"^(\w+) \('([^']*)'\) must be (?:greater than or equal to|>=) '([^']*)'\.?$")]
    private static partial Regex GenericRange();
}
