using System.CommandLine;
using MatrixSensing.Cli.Reports;

namespace MatrixSensing.Cli.Commands;

/// <summary>`msense solve --problem bundle.npz`: solve a problem from NumPy and write the estimates and factors back.</summary>
internal static class SolveCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var problemPath = new Option<string>("--problem")
        {
            Description = "A .npz bundle: y with A (m×n1×n2, or m×(n1·n2) flattened as NumPy does, A2[i] = A[i].ravel(), unless an 'order' " +
                          "entry says 'F'; n1, n2 from M_star or 'shape'); optional M_star, U0/V0 or X0 (see docs/outputs.md). Or a .csv of " +
                          "row,col,value triples (0-based, header optional): a completion problem",
            Required = true,
        };
        var symmetric = new Option<bool>("--symmetric") { Description = "Fit a symmetric PSD model X·Xᵀ" };
        var storage = new Option<string>("--storage")
        {
            Description = "How A is stored: file (as the bundle stores it: float32 stays float32) | full (float64) | reduced (float32)",
            DefaultValueFactory = _ => "file",
        };
        var solvers = new SolverFlags();
        var command = new Command("solve", "Solve a problem saved by NumPy; writes estimate-<solver>.npz per solver and the trace");
        command.Add(problemPath);
        command.Add(symmetric);
        command.Add(storage);
        solvers.AddTo(command);
        Cli.AddCommon(command);
        command.SetAction((parse, cancellation) =>
        {
            var output = Cli.Setup(parse, stdout, stderr);
            string path = parse.GetValue(problemPath)!;
            CheckReadable(path);
            var kinds = solvers.Kinds(parse);
            var run = new RunConfig
            {
                Problem = new ProblemConfig
                {
                    Source = "bundle", Bundle = Path.GetFullPath(path), Symmetric = parse.GetValue(symmetric), Storage = parse.GetValue(storage)!.ToLowerInvariant(),
                    RStar = null, Kappa = null, Spectrum = null, Seed = null,
                },
                Solvers = [.. kinds.Select(d => solvers.ToConfig(parse, d))],
                Threads = parse.GetValue(Cli.Threads),
            };
            // Which solver flags make sense depends on whether the bundle has a ground truth: checked once it is loaded.
            bool Check(bool hasTarget)
            {
                FlagChecks.Solvers(parse, solvers, kinds, hasTarget, output);
                return FlagChecks.ToleranceRequired(parse, solvers, hasTarget);
            }
            return Task.FromResult(ConfiguredRun.Execute(run, parse.GetValue(Cli.Out)!, output, Runner.CommandLine(parse), Check, cancellation));
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
}
