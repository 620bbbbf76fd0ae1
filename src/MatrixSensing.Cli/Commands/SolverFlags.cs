using System.CommandLine;
using System.Globalization;
using MatrixSensing.Cli.Reports;
using MatrixSensing.Solvers;

namespace MatrixSensing.Cli.Commands;

/// <summary>The flags that choose solvers and their options, shared by `run` and `solve`.</summary>
internal sealed class SolverFlags
{
    public Option<string> Solvers { get; } = new("--solver")
    {
        Description = "Solvers, comma-separated: " + string.Join("; ", SolverRegistry.All.Select(d => $"{d.Name} = {d.Description}")),
        DefaultValueFactory = _ => "scaledgd-lambda,gd",
    };

    public Option<int?> FactorRank { get; } = new("--h")
    {
        Description = $"Factor rank h (default {SolverConfig.DefaultRank}; the target's rank r* for solvers that need the exact rank: " +
                      string.Join(", ", SolverRegistry.All.Where(d => d.NeedsExactRank).Select(d => d.Name)) + "; 0: r*)",
    };
    public Option<double?> Step { get; } = new("--step") { Description = "Absolute step size η (default: the solver's)" };
    public Option<double?> RelativeStep { get; } = new("--relative-step") { Description = "Step size relative to σ̂₁: η = value/σ̂₁" };
    public Option<double?> Lambda { get; } = new("--lambda") { Description = "Absolute damping λ of ScaledGD(λ)" };
    public Option<double?> RelativeLambda { get; } = new("--relative-lambda") { Description = "Damping relative to σ̂₁: λ = value·σ̂₁ (default 0.1)" };
    public Option<double> PrecGdConstant { get; } = new("--precgd-c") { Description = "PrecGD's c in λ_t = c·‖r_t‖", DefaultValueFactory = _ => 1.0 };
    public Option<string?> Init { get; } = new("--init") { Description = "small-random[:α] | identity[:α] | spectral (default: the solver's)" };
    public Option<int> MaxIterations { get; } = new("--max-iter") { Description = "Most iterations per solver", DefaultValueFactory = _ => 3000 };
    public Option<double?> ErrorTolerance { get; } = new("--tol-error") { Description = "Stop at this relative error (needs a ground truth)", DefaultValueFactory = _ => 1e-8 };
    public Option<double?> ResidualTolerance { get; } = new("--tol-residual") { Description = "Stop at this relative residual" };
    public Option<double?> TimeBudget { get; } = new("--time-budget") { Description = "Seconds per solver (0 or Infinity: none)", DefaultValueFactory = _ => 25 };
    public Option<int?> Batch { get; } = new("--batch") { Description = "SGD batch size (default m/10)" };
    public Option<double> StepDecay { get; } = new("--step-decay") { Description = "SGD step factor per epoch", DefaultValueFactory = _ => 1.0 };
    public Option<ulong> SolverSeed { get; } = new("--solver-seed") { Description = "Seed of random initializations and SGD batches", DefaultValueFactory = _ => 0UL };
    public Option<int> TraceEvery { get; } = new("--trace-every") { Description = "Record the trace every k iterations", DefaultValueFactory = _ => 5 };
    public Option<bool> Diagnostics { get; } = new("--diagnostics") { Description = "Record signal/nuisance diagnostics (needs a ground truth)" };
    public Option<double?> Validation { get; } = new("--validation")
    {
        Description = "Hold out this fraction of the measurements (seeded by --solver-seed), fit on the rest and stop early on the held-out residual; the best held-out iterate is returned (status EarlyStopped)",
    };
    public Option<int> Patience { get; } = new("--patience") { Description = "With --validation: held-out evaluations (every 5 iterations) without improvement before stopping", DefaultValueFactory = _ => 20 };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Solvers, FactorRank, Step, RelativeStep, Lambda, RelativeLambda, PrecGdConstant, Init, MaxIterations,
                     ErrorTolerance, ResidualTolerance, TimeBudget, Batch, StepDecay, SolverSeed, TraceEvery, Diagnostics, Validation, Patience })
            command.Add(option);
    }

    public IReadOnlyList<SolverDescriptor> Kinds(ParseResult parse) =>
        [.. parse.GetValue(Solvers)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseSolver)];

    /// <summary>
    /// One solver's options from the flags, for a <see cref="RunConfig"/>; defaults are resolved later against the
    /// problem (<see cref="SolverConfig.Resolved{T}"/>). Flags the solver has no use for (--lambda for GD, --batch for
    /// anything but SGD) are left out, since one flag set serves several solvers.
    /// </summary>
    public SolverConfig ToConfig(ParseResult parse, SolverDescriptor solver)
    {
        var step = Pick(parse.GetValue(Step), parse.GetValue(RelativeStep), "step");
        var lambda = solver.Kind == SolverKind.ScaledGDLambda ? Pick(parse.GetValue(Lambda), parse.GetValue(RelativeLambda), "lambda") : null;
        var (init, scale) = ParseInit(parse.GetValue(Init)) switch
        {
            null => ((string?)null, (double?)null),
            SmallRandomInitialization s => ("small-random", s.Scale),
            ScaledIdentityInitialization s => ("identity", s.Scale),
            _ => ("spectral", null),
        };
        bool sgd = solver.DefaultOptions is MiniBatchSgdOptions;
        return new SolverConfig
        {
            Solver = solver.Name,
            H = parse.GetValue(FactorRank),
            Step = step?.Value,
            StepRelative = step?.IsRelative,
            Lambda = lambda?.Value,
            LambdaRelative = lambda?.IsRelative,
            PrecgdC = solver.DefaultOptions is PrecGdOptions ? parse.GetValue(PrecGdConstant) : null,
            Init = init,
            InitScale = scale,
            MaxIter = parse.GetValue(MaxIterations),
            TolError = Tolerance(parse.GetValue(ErrorTolerance), "--tol-error"),
            TolResidual = Tolerance(parse.GetValue(ResidualTolerance), "--tol-residual"),
            TimeBudget = Budget(parse.GetValue(TimeBudget))?.TotalSeconds,
            Batch = sgd ? parse.GetValue(Batch) : null,
            StepDecay = sgd ? parse.GetValue(StepDecay) : null,
            SolverSeed = parse.GetValue(SolverSeed),
            TraceEvery = parse.GetValue(TraceEvery),
            Diagnostics = parse.GetValue(Diagnostics),
            ValidationFraction = parse.GetValue(Validation) switch
            {
                null => null,
                > 0 and < 1 and var f => f,
                var f => throw CliException.Usage($"--validation must be a fraction in (0, 1); got {f.Value.ToString(CultureInfo.InvariantCulture)}"),
            },
            ValidationPatience = parse.GetValue(Patience) is >= 1 and var p ? p : throw CliException.Usage("--patience must be at least 1"),
        };
    }

    /// <summary>
    /// The options of one solver, through <see cref="ToConfig"/>. An explicit --h is always honoured (0: <paramref name="defaultRank"/>);
    /// without it, solvers that need the exact rank take r* (Rank = 0), others <see cref="SolverConfig.DefaultRank"/>.
    /// </summary>
    public SolverOptions Options(ParseResult parse, SolverDescriptor solver, int defaultRank)
    {
        var config = ToConfig(parse, solver);
        int rank = config.H switch
        {
            null => solver.NeedsExactRank ? 0 : SolverConfig.DefaultRank,
            0 => defaultRank,
            var h => h.Value,
        };
        return (config with { H = rank }).ToOptions<double>(null);
    }

    /// <summary>A solver by command-line name, from the registry; the error lists every name.</summary>
    public static SolverDescriptor ParseSolver(string name) =>
        SolverRegistry.TryGet(name, out var solver) ? solver : throw new ArgumentException($"unknown solver '{name}'; one of {SolverRegistry.Names}");

    /// <summary>A built-in solver's kind by command-line name (for callers that still switch on <see cref="SolverKind"/>).</summary>
    public static SolverKind ParseKind(string name) =>
        ParseSolver(name).Kind ?? throw new ArgumentException($"solver '{name}' has no SolverKind; use ParseSolver");

    /// <summary>Budgets beyond this (about 31 years) mean none; far larger ones would overflow TimeSpan and the session's clock.</summary>
    private const double UnlimitedBudgetSeconds = 1e9;

    private static TimeSpan? Budget(double? seconds) => seconds switch
    {
        null => null,
        double.NaN or < 0 => throw CliException.Usage($"--time-budget must be ≥ 0 seconds (0 or Infinity: no budget); got {seconds.Value.ToString(CultureInfo.InvariantCulture)}"),
        0 or >= UnlimitedBudgetSeconds => null,
        _ => TimeSpan.FromSeconds(seconds.Value),
    };

    private static double? Tolerance(double? value, string flag) => value switch
    {
        null => null,
        > 0 and < double.PositiveInfinity => value,
        _ => throw CliException.Usage($"{flag} must be a relative tolerance > 0; got {value.Value.ToString(CultureInfo.InvariantCulture)}"),
    };

    private static Magnitude? Pick(double? absolute, double? relative, string what) => (absolute, relative) switch
    {
        ({ } a, null) => Magnitude.Absolute(a),
        (null, { } r) => Magnitude.Relative(r),
        (null, null) => null,
        _ => throw new ArgumentException($"give either --{what} or --relative-{what}, not both"),
    };

    private static Initialization? ParseInit(string? text)
    {
        if (text is null) return null;
        var parts = text.Split(':', 2);
        double Scale() => parts.Length == 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
            ? a : parts.Length == 1 ? 1e-10 : throw new ArgumentException($"--init: '{parts[1]}' is not a number");
        return parts[0].ToLowerInvariant() switch
        {
            "small-random" => Initialization.SmallRandom(Scale()),
            "identity" => Initialization.ScaledIdentity(Scale()),
            "spectral" => parts.Length == 1 ? Initialization.Spectral : throw new ArgumentException($"--init: spectral takes no scale (got 'spectral:{parts[1]}')"),
            _ => throw new ArgumentException($"--init: unknown initialization '{parts[0]}'; small-random[:α], identity[:α] or spectral"),
        };
    }
}
