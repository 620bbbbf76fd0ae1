using System.CommandLine;
using MatrixSensing.Solvers;

namespace MatrixSensing.Cli.Commands;

/// <summary>
/// Combinations of flags that each parse but together mean nothing (or not what was typed): refused with one line
/// before anything is built, or a warning on stderr where the flag is merely without effect.
/// </summary>
internal static class FlagChecks
{
    /// <summary>The problem flags of `run`.</summary>
    public static void Problem(ParseResult parse, ProblemFlags flags, Output output)
    {
        string op = parse.GetValue(flags.Operator)!.ToLowerInvariant();
        int n1 = parse.GetValue(flags.N1), n2 = parse.GetValue(flags.N2);
        if (parse.GetValue(flags.Symmetric) && Cli.Given(parse, flags.N2) && n2 != n1)
            throw CliException.Usage($"--symmetric needs a square unknown, but --n1 {n1} and --n2 {n2} differ; give --n1 only");
        if (Cli.Given(parse, flags.P))
        {
            if (op != "entry-sampling") throw CliException.Usage($"--p applies only to --operator entry-sampling, not {op}");
            if (Cli.Given(parse, flags.M)) output.Say("msense: warning: --m is ignored: with --p each entry is observed with probability p");
        }
        if (Cli.Given(parse, flags.RefreshEvery) && op != "fresh")
            output.Say($"msense: warning: --refresh-every has no effect on --operator {op} (only on fresh)");
    }

    /// <summary>The solver flags of `run` and `solve`.</summary>
    /// <param name="parse">The parsed command line.</param>
    /// <param name="flags">The solver flags.</param>
    /// <param name="kinds">The solvers named by --solver.</param>
    /// <param name="hasTarget">The problem has a ground truth (always for `run`; M_star given for `solve`).</param>
    /// <param name="output">Where warnings go.</param>
    public static void Solvers(ParseResult parse, SolverFlags flags, IReadOnlyList<SolverDescriptor> kinds, bool hasTarget, Output output)
    {
        if (kinds.Count == 0) throw CliException.Usage($"--solver names no solver; give one or more of {SolverRegistry.Names}");
        bool usesLambda = kinds.Any(k => k.Kind is SolverKind.ScaledGDLambda or SolverKind.ScaledGD);
        foreach (var lambda in new Option[] { flags.Lambda, flags.RelativeLambda })
            if (Cli.Given(parse, lambda) && !usesLambda)
                throw CliException.Usage($"{lambda.Name} is the damping of scaledgd-lambda (or scaledgd); none of --solver {string.Join(',', kinds.Select(k => k.Name))} uses it");
        bool sgd = kinds.Any(k => k.Kind == SolverKind.SGD);
        foreach (var option in new Option[] { flags.Batch, flags.StepDecay })
            if (Cli.Given(parse, option) && !sgd) output.Say($"msense: warning: {option.Name} has no effect: it applies to sgd only");
        if (Cli.Given(parse, flags.PrecGdConstant) && !kinds.Any(k => k.Kind == SolverKind.PrecGD))
            output.Say("msense: warning: --precgd-c has no effect: it applies to precgd only");
        if (!hasTarget)
        {
            if (Cli.Given(parse, flags.ErrorTolerance))
                throw CliException.Usage("--tol-error needs a ground truth (an M_star array in the bundle); use --tol-residual");
            if (parse.GetValue(flags.Diagnostics))
                throw CliException.Usage("--diagnostics needs a ground truth (an M_star array in the bundle)");
        }
    }

    /// <summary>A tolerance was typed, so stopping without reaching it is a failure (exit 5) rather than a stopping rule.</summary>
    public static bool ToleranceRequired(ParseResult parse, SolverFlags flags, bool hasTarget) =>
        (hasTarget && Cli.Given(parse, flags.ErrorTolerance)) || Cli.Given(parse, flags.ResidualTolerance);
}
