using System.CommandLine;
using MatrixSensing.IO;

namespace MatrixSensing.Cli.Commands;

/// <summary>`msense solve --problem bundle.npz`: solve a problem from NumPy and write the estimate and factors back.</summary>
internal static class SolveCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var problemPath = new Option<string>("--problem") { Description = "A .npz bundle: A (m×n1×n2 or m×n1n2), y, optional M_star, U0/V0 or X0", Required = true };
        var symmetric = new Option<bool>("--symmetric") { Description = "Fit a symmetric PSD model X·Xᵀ" };
        var solvers = new SolverFlags();
        var command = new Command("solve", "Solve a problem saved by NumPy; writes estimate.npz and the trace");
        command.Add(problemPath);
        command.Add(symmetric);
        solvers.AddTo(command);
        Cli.AddCommon(command);
        command.SetAction((parse, cancellation) =>
        {
            var output = Cli.Setup(parse, stdout, stderr);
            string path = parse.GetValue(problemPath)!;
            CheckReadable(path);
            var kinds = solvers.Kinds(parse);
            foreach (var kind in kinds) solvers.Options(parse, kind, 1);
            using var folder = OutputFolder.Open(parse.GetValue(Cli.Out)!);
            var loaded = Runner.Build(() => Load(path, parse.GetValue(symmetric)), "loading the problem", cancellation);
            var problem = loaded.Problem;
            FlagChecks.Solvers(parse, solvers, kinds, hasTarget: problem.Target is not null, output);
            output.Say($"msense solve: {path}: {problem.Rows}×{problem.Columns}, m = {problem.Count}{(problem.Target is null ? ", no ground truth" : $", M_star of rank {problem.Target.Rank}")}");
            var runs = kinds.Select(k =>
            {
                var options = solvers.Options(parse, k, problem.Target?.Rank ?? 1);
                if (loaded.Initialization is { } given && parse.GetValue(solvers.Init) is null) options = options with { Initialization = given, Rank = InitialRank(loaded) };
                return (k, options);
            }).ToList();
            var outcome = Runner.Run(problem, runs, folder, Path.GetFileName(path), output,
                FlagChecks.ToleranceRequired(parse, solvers, problem.Target is not null), cancellation);
            var results = outcome.Results;
            for (int i = 0; i < results.Count; i++)
            {
                string file = folder.File(runs.Count == 1 ? "estimate.npz" : $"estimate-{outcome.Kinds[i].Name}.npz");
                ProblemBundle.SaveResult(file, results[i]);
                output.Say($"wrote {file}");
            }
            Runner.Finish(folder, Runner.CommandLine(parse), outcome.ExitCode, output);
            return Task.FromResult(outcome.ExitCode);
        });
        return command;
    }

    /// <summary>Only an existing regular file: a directory, a FIFO (which would block for ever) or a device is refused.</summary>
    private static void CheckReadable(string path)
    {
        if (Directory.Exists(path)) throw CliException.Input($"--problem '{path}' is a directory, not a .npz file");
        var info = new FileInfo(path);
        if (!info.Exists) throw CliException.Input($"cannot read --problem '{path}': no such file");
        // .NET exposes no file type; FIFOs, devices and sockets report length 0, as does an empty file: none is a bundle.
        if (info.Length == 0) throw CliException.Input($"--problem '{path}' is empty or not a regular file (a FIFO, device or socket)");
    }

    /// <summary>Loads the bundle; anything wrong with its content is an input error (exit 3), naming the file.</summary>
    private static ProblemBundle.Loaded<double> Load(string path, bool symmetric)
    {
        try
        {
            return ProblemBundle.Load<double>(path, symmetric);
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

    private static int InitialRank(ProblemBundle.Loaded<double> loaded) =>
        loaded.Initialization is Solvers.GivenInitialization<double> g ? g.Left.Columns : 0;
}
