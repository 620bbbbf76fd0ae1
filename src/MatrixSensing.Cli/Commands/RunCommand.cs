using System.CommandLine;
using MatrixSensing.Cli.Reports;

namespace MatrixSensing.Cli.Commands;

/// <summary>
/// `msense run`: generate a problem from flags (by default the README's) and solve it with several solvers; or, with
/// --config FILE, run exactly what a config, trace.json, estimate file or sweep record describes.
/// </summary>
internal static class RunCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var problem = new ProblemFlags();
        var solvers = new SolverFlags();
        var config = new Option<string?>("--config")
        {
            Description = "Run exactly what FILE describes: a run config, or any output that carries one (trace.json, a --json summary, " +
                          "estimate-<solver>.npz, a sweep record). Problem and solver flags cannot be combined with it; --threads overrides",
        };
        var command = new Command("run", "Generate a problem and solve it side by side (default: the README's main job)");
        problem.AddTo(command);
        solvers.AddTo(command);
        command.Add(config);
        Cli.AddCommon(command);
        command.SetAction((parse, cancellation) =>
        {
            var output = Cli.Setup(parse, stdout, stderr);
            RunConfig run;
            if (parse.GetValue(config) is { } file)
            {
                var clash = command.Options.FirstOrDefault(o => o != config && !IsCommon(o) && Cli.Given(parse, o));
                if (clash is not null)
                    throw CliException.Usage($"--config runs exactly what {file} describes; drop {clash.Name} (edit the file instead)");
                // Anything wrong with the file, including a solver or option it names, is an input error (exit 3).
                try
                {
                    run = RunConfig.Load(file);
                    foreach (var solver in run.Solvers) solver.Validate();
                }
                catch (ArgumentException e)
                {
                    throw CliException.Input(Cli.Word(e), e);
                }
                if (Cli.Given(parse, Cli.Threads)) run = run with { Threads = parse.GetValue(Cli.Threads) };
            }
            else
            {
                // Flags are checked before the (possibly large) problem is generated.
                var kinds = solvers.Kinds(parse);
                FlagChecks.Problem(parse, problem, output);
                FlagChecks.Solvers(parse, solvers, kinds, hasTarget: true, output);
                run = new RunConfig
                {
                    Problem = problem.ToConfig(parse),
                    Solvers = [.. kinds.Select(d => solvers.ToConfig(parse, d))],
                    Threads = parse.GetValue(Cli.Threads),
                    RequireTolerance = FlagChecks.ToleranceRequired(parse, solvers, hasTarget: true),
                };
            }
            return Task.FromResult(ConfiguredRun.Execute(run, parse.GetValue(Cli.Out)!, output, Runner.CommandLine(parse), null, cancellation));
        });
        return command;
    }

    private static bool IsCommon(Option option) => option == Cli.Out || option == Cli.Quiet || option == Cli.Json || option == Cli.Threads;
}
