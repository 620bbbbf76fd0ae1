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
            if (!File.Exists(path)) throw new IOException($"cannot read '{path}': no such file");
            var loaded = ProblemBundle.Load<double>(path, parse.GetValue(symmetric));
            var problem = loaded.Problem;
            output.Say($"msense solve: {path}: {problem.Rows}×{problem.Columns}, m = {problem.Count}{(problem.Target is null ? ", no ground truth" : $", M_star of rank {problem.Target.Rank}")}");
            var runs = solvers.Kinds(parse).Select(k =>
            {
                var options = solvers.Options(parse, k, problem.Target?.Rank ?? 1);
                if (loaded.Initialization is { } given && parse.GetValue(solvers.Init) is null) options = options with { Initialization = given, Rank = InitialRank(loaded) };
                return (k, options);
            }).ToList();
            string outDir = parse.GetValue(Cli.Out)!;
            var results = Runner.Run(problem, runs, outDir, Path.GetFileName(path), output, cancellation);
            for (int i = 0; i < results.Count; i++)
            {
                string file = Path.Combine(outDir, results.Count == 1 ? "estimate.npz" : $"estimate-{runs[i].Item1.Name}.npz");
                ProblemBundle.SaveResult(file, results[i]);
                output.Say($"wrote {file}");
            }
            return Task.FromResult(0);
        });
        return command;
    }

    private static int InitialRank(ProblemBundle.Loaded<double> loaded) =>
        loaded.Initialization is Solvers.GivenInitialization<double> g ? g.Left.Columns : 0;
}
