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
        // Flags are checked, and the output folder created and locked, before the (possibly large) problem is generated.
        var kinds = solverFlags.Kinds(parse);
        FlagChecks.Problem(parse, problemFlags, output);
        FlagChecks.Solvers(parse, solverFlags, kinds, hasTarget: true, output);
        foreach (var kind in kinds) solverFlags.Options(parse, kind, 1);
        using var folder = OutputFolder.Open(parse.GetValue(Cli.Out)!);
        string title = problemFlags.Describe(parse);
        output.Say($"msense run: {title}; building the problem");
        var problem = Runner.Build(() => problemFlags.Build<T>(parse), "building the problem", cancellation);
        var runs = kinds.Select(k => (k, solverFlags.Options(parse, k, problem.Target?.Rank ?? 1))).ToList();
        var outcome = Runner.Run(problem, runs, folder, title, output, FlagChecks.ToleranceRequired(parse, solverFlags, hasTarget: true), cancellation);
        Runner.Finish(folder, Runner.CommandLine(parse), outcome.ExitCode, output);
        return outcome.ExitCode;
    }
}
