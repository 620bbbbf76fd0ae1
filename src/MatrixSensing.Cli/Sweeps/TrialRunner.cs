using System.CommandLine;
using System.Diagnostics;
using System.Numerics;
using MatrixSensing.Cli.Commands;
using MatrixSensing.Solvers;

namespace MatrixSensing.Cli.Sweeps;

/// <summary>What one trial produced.</summary>
/// <param name="Status">The solver's status (Converged, MaxIterations, Diverged, ...), or "Failed" when the solver threw.</param>
/// <param name="Iterations">Iterations made.</param>
/// <param name="Seconds">Wall time of the solve (problem generation excluded).</param>
/// <param name="RelativeError">‖X − M*‖_F/‖M*‖_F at the end; null when not finite or unknown.</param>
/// <param name="RelativeResidual">‖A(X) − y‖/‖y‖ at the end.</param>
/// <param name="Message">Why the trial failed, or null.</param>
internal sealed record TrialOutcome(string Status, int Iterations, double Seconds, double? RelativeError, double? RelativeResidual, string? Message);

/// <summary>
/// Parses a <see cref="TrialConfig"/> with exactly the flags of `msense run` (so an axis may be any option of run and
/// the trial means what the same flags mean there), checks it, estimates its cost and runs it.
/// </summary>
internal sealed class TrialRunner
{
    private readonly ProblemFlags _problem = new();
    private readonly SolverFlags _solver = new();
    private readonly Command _command = new("run");

    /// <summary>A parser with run's problem and solver flags.</summary>
    public TrialRunner()
    {
        _problem.AddTo(_command);
        _solver.AddTo(_command);
    }

    /// <summary>The option names of `msense run` a trial may set (without dashes).</summary>
    public static IReadOnlySet<string> OptionNames { get; } = new TrialRunner()._command.Options.Select(o => o.Name.TrimStart('-')).ToHashSet(StringComparer.Ordinal);

    /// <summary>What <see cref="Check"/> learns about a trial.</summary>
    /// <param name="N1">Rows.</param>
    /// <param name="N2">Columns.</param>
    /// <param name="Rank">r*.</param>
    /// <param name="M">Measurements.</param>
    /// <param name="FactorRank">h as the solver will use it.</param>
    /// <param name="MaxIterations">Iteration limit.</param>
    /// <param name="Operator">Operator name.</param>
    /// <param name="Solver">The solver.</param>
    public sealed record Shape(int N1, int N2, int Rank, int M, int FactorRank, int MaxIterations, string Operator, SolverDescriptor Solver)
    {
        /// <summary>
        /// Estimated work (multiply-adds): iterations × (the operator's pass over its data + the solver's own
        /// factor algebra). Dense ensembles touch m·n1·n2 numbers per pass, entry sampling m·h, rank-one m·(n1+n2);
        /// SVP adds an n1·n2·min(n1, n2) SVD. Only ratios matter (it balances shards).
        /// </summary>
        public double Cost
        {
            get
            {
                double pass = Operator switch
                {
                    "entry-sampling" => (double)M * FactorRank,
                    "rank-one" => (double)M * (N1 + N2),
                    _ => (double)M * N1 * N2,
                };
                double own = Solver.Name == "svp" ? (double)N1 * N2 * Math.Min(N1, N2) : (double)(N1 + N2) * FactorRank * FactorRank;
                return (double)MaxIterations * (pass + own + N1 + N2);
            }
        }
    }

    /// <summary>Parses and checks a trial without building its problem; throws a one-line ArgumentException.</summary>
    public Shape Check(TrialConfig config)
    {
        var parse = Parse(config);
        var kind = Kind(parse);
        bool symmetric = parse.GetValue(_problem.Symmetric);
        int n1 = parse.GetValue(_problem.N1), n2 = symmetric ? n1 : parse.GetValue(_problem.N2), r = parse.GetValue(_problem.Rank), m = parse.GetValue(_problem.M);
        var options = _solver.Options(parse, kind, r);
        if (n1 < 1 || n2 < 1) throw new ArgumentException($"n1 and n2 must be at least 1 (got {n1}×{n2})");
        if (r < 1 || r > Math.Min(n1, n2)) throw new ArgumentException($"rank r* = {r} must be between 1 and min(n1, n2) = {Math.Min(n1, n2)}");
        if (m < 1) throw new ArgumentException($"m = {m}: a trial needs at least one measurement (raise the ratio or n)");
        if (options.MaxIterations < 1) throw new ArgumentException($"max-iter = {options.MaxIterations} must be at least 1");
        // Checked even for ScaledGD (which always uses h = r*), so that an h that cannot be meant never passes silently.
        int h = options.Rank == 0 ? r : options.Rank;
        if (parse.GetValue(_solver.FactorRank) is int given && given > Math.Min(n1, n2)) h = given;
        if (h > Math.Min(n1, n2)) throw new ArgumentException($"factor rank h = {h} exceeds min(n1, n2) = {Math.Min(n1, n2)}");
        return new Shape(n1, n2, r, m, h, options.MaxIterations, parse.GetValue(_problem.Operator)!.ToLowerInvariant(), kind);
    }

    /// <summary>The effective value of a run option for this trial (run's default when the trial does not set it).</summary>
    public int IntValue(TrialConfig config, string name) => Parse(config).GetValue<int>("--" + name);

    /// <summary>Builds the trial's problem and solves it; cancellation returns status Cancelled.</summary>
    public TrialOutcome Run(TrialConfig config, CancellationToken cancellation)
    {
        var parse = Parse(config);
        return _problem.UsesFloat(parse) ? Run<float>(parse, cancellation) : Run<double>(parse, cancellation);
    }

    private TrialOutcome Run<T>(ParseResult parse, CancellationToken cancellation) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var kind = Kind(parse);
        var problem = _problem.Build<T>(parse);
        var options = _solver.Options(parse, kind, problem.Target?.Rank ?? 1);
        var clock = Stopwatch.StartNew();
        try
        {
            var result = kind.Create<T>().Solve(problem, options, cancellationToken: cancellation);
            return new TrialOutcome(result.Status.ToString(), result.Iterations, clock.Elapsed.TotalSeconds,
                Finite(result.Final.RelativeError), Finite(result.Final.RelativeResidual), null);
        }
        catch (Exception e) when (e is SolverException or LinearAlgebra.LapackException)
        {
            return new TrialOutcome("Failed", 0, clock.Elapsed.TotalSeconds, null, null, e.Message);
        }
    }

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    private ParseResult Parse(TrialConfig config)
    {
        var parse = _command.Parse([.. config.ToArguments()]);
        if (parse.Errors.Count > 0) throw new ArgumentException(parse.Errors[0].Message);
        return parse;
    }

    private SolverDescriptor Kind(ParseResult parse)
    {
        string name = parse.GetValue(_solver.Solvers)!;
        if (name.Contains(',', StringComparison.Ordinal))
            throw new ArgumentException($"solver '{name}': a trial runs one solver; make 'solver' an axis to compare several");
        return SolverFlags.ParseSolver(name);
    }
}
