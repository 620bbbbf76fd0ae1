using System.CommandLine;
using System.Numerics;

namespace MatrixSensing.Cli.Commands;

/// <summary>`msense run`: generate a problem from flags (by default the README's) and solve it with several solvers.</summary>
internal static class RunCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var problem = new ProblemFlags();
        var solvers = new SolverFlags();
        var command = new Command("run", "Generate a problem and solve it side by side (default: the README's main job)");
        problem.AddTo(command);
        solvers.AddTo(command);
        Cli.AddCommon(command);
        command.SetAction((parse, cancellation) =>
        {
            var output = Cli.Setup(parse, stdout, stderr);
            return Task.FromResult(problem.UsesFloat(parse) ? Run<float>(parse, problem, solvers, output, cancellation) : Run<double>(parse, problem, solvers, output, cancellation));
        });
        return command;
    }

    private static int Run<T>(ParseResult parse, ProblemFlags problemFlags, SolverFlags solverFlags, Output output, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Flags are checked before the (possibly large) problem is generated.
        var kinds = solverFlags.Kinds(parse);
        foreach (var kind in kinds) solverFlags.Options(parse, kind, 1);
        string title = problemFlags.Describe(parse);
        output.Say($"msense run: {title}; building the problem");
        var problem = problemFlags.Build<T>(parse);
        var runs = kinds.Select(k => (k, solverFlags.Options(parse, k, problem.Target?.Rank ?? 1))).ToList();
        Runner.Run(problem, runs, parse.GetValue(Cli.Out)!, title, output, cancellation);
        return 0;
    }
}
