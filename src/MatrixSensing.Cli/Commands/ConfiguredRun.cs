using System.Numerics;
using MatrixSensing.Cli.Reports;
using MatrixSensing.Interop;
using MatrixSensing.IO;

namespace MatrixSensing.Cli.Commands;

/// <summary>
/// Runs a <see cref="RunConfig"/>: the one path behind `msense run` (flags or --config) and `msense solve`, so a
/// run described by a file and the same run given by flags are the same computation.
/// </summary>
internal static class ConfiguredRun
{
    /// <summary>Builds the problem, resolves every solver option, runs and writes the outputs; returns the exit code.</summary>
    /// <param name="config">What to run.</param>
    /// <param name="outDir">The output folder (created, probed and locked before anything is computed).</param>
    /// <param name="output">How to report.</param>
    /// <param name="commandLine">The command line, for the manifest.</param>
    /// <param name="afterBuild">
    /// Checks that need the problem, given whether it has a ground truth; returns whether a tolerance was asked for
    /// (stopping short of it is then exit 5). Null: <see cref="RunConfig.RequireTolerance"/> decides.
    /// </param>
    /// <param name="cancellation">Stops the running solver, whose partial result is still written.</param>
    public static int Execute(RunConfig config, string outDir, Output output, string commandLine, Func<bool, bool>? afterBuild, CancellationToken cancellation)
    {
        // Names and options are checked before a (possibly large) problem is built.
        foreach (var solver in config.Solvers) solver.Validate();
        BlasThreads.Count = config.Threads;
        return config.Problem.UsesFloat
            ? Execute<float>(config, outDir, output, commandLine, afterBuild, cancellation)
            : Execute<double>(config, outDir, output, commandLine, afterBuild, cancellation);
    }

    private static int Execute<T>(RunConfig config, string outDir, Output output, string commandLine, Func<bool, bool>? afterBuild, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var folder = OutputFolder.Open(outDir);
        bool bundle = config.Problem.Source == "bundle";
        if (!bundle) output.Say($"msense: {config.Problem.Describe()}; building the problem");
        var (problem, given, record) = Runner.Build(() => bundle ? LoadBundle<T>(config.Problem) : config.Problem.Build<T>(), bundle ? "loading the problem" : "building the problem", cancellation);
        if (bundle) output.Say($"msense: {record.Describe()}");
        bool requireTolerance = afterBuild?.Invoke(problem.Target is not null) ?? config.RequireTolerance;
        var solvers = config.Solvers.Select(s => s.Resolved(problem, given)).ToList();
        var resolved = config with { Problem = record, Solvers = solvers, RequireTolerance = requireTolerance };
        var options = solvers.Select(s => s.ToOptions<T>(given)).ToList();
        var outcome = Runner.Run(problem, resolved, options, folder, output, writeEstimates: bundle, cancellation);
        Runner.Finish(folder, commandLine, outcome.ExitCode, output);
        return outcome.ExitCode;
    }

    /// <summary>Loads a bundle problem; anything wrong with the file's content is an input error (exit 3) naming the file.</summary>
    private static (Problems.SensingProblem<T>, Solvers.Initialization?, ProblemConfig) LoadBundle<T>(ProblemConfig problem) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string path = problem.Bundle ?? throw CliException.Usage("bundle: a bundle problem needs the path of its .npz file");
        try
        {
            return problem.Build<T>();
        }
        catch (NpyFormatException e)
        {
            throw CliException.Input(e.Message, e);
        }
        catch (ArgumentException e)
        {
            throw CliException.Input($"{path}: {Cli.Word(e)}", e);
        }
        catch (OverflowException e)
        {
            throw CliException.Input($"{path}: a dimension is too large ({e.Message})", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliException.Input($"cannot read --problem '{path}': {e.Message}", e);
        }
    }
}
