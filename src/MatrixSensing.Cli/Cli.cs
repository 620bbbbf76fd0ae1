using System.CommandLine;
using MatrixSensing.Cli.Commands;
using MatrixSensing.Interop;
using MatrixSensing.IO;

namespace MatrixSensing.Cli;

/// <summary>The `msense` command tree and its error policy: one line on stderr, exit 2 for usage, 1 for failures.</summary>
internal static class Cli
{
    public static readonly Option<string> Out = new("--out") { Description = "Output folder", DefaultValueFactory = _ => "msense-out" };
    public static readonly Option<bool> Quiet = new("--quiet") { Description = "No progress or messages" };
    public static readonly Option<bool> Json = new("--json") { Description = "Print a JSON summary on stdout" };
    public static readonly Option<int> Threads = new("--threads") { Description = "OpenBLAS and kernel threads", DefaultValueFactory = _ => Math.Min(2, Environment.ProcessorCount) };

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellation)
    {
        var root = new RootCommand("msense: low-rank matrix sensing experiments on OpenBLAS/LAPACKE");
        foreach (var command in new[]
                 {
                     RunCommand.Create(stdout, stderr), SolveCommand.Create(stdout, stderr), SweepCommand.Create(stdout, stderr),
                     ReproduceCommand.Create(stdout, stderr), InfoCommand.Create(stdout), DemoCommand.Create(stdout),
                 })
            root.Add(command);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            stderr.WriteLine($"msense: error: {parse.Errors[0].Message} (see msense --help)");
            return 2;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }, cancellation);
        }
        catch (Exception e) when (Describe(e) is { } message)
        {
            stderr.WriteLine("msense: error: " + string.Join(' ', message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)));
            return e is ArgumentException ? 2 : 1;
        }
    }

    /// <summary>Applies the common options; returns how to report.</summary>
    public static Output Setup(ParseResult parse, TextWriter stdout, TextWriter stderr)
    {
        BlasThreads.Count = parse.GetValue(Threads);
        return new Output(stdout, stderr, parse.GetValue(Quiet), parse.GetValue(Json));
    }

    public static void AddCommon(Command command)
    {
        command.Add(Out);
        command.Add(Quiet);
        command.Add(Json);
        command.Add(Threads);
    }

    private static string? Describe(Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: 1 } a => Describe(a.InnerException!),
        NativeLibraryException or NpyFormatException or InsufficientMemoryException or IOException or UnauthorizedAccessException
            or Solvers.SolverException or LinearAlgebra.LapackException => e.Message,
        ArgumentException => e.Message,
        OperationCanceledException => "cancelled",
        _ => null,
    };
}
