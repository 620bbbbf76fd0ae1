using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using MatrixSensing.IO;
using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Solvers;

namespace MatrixSensing.Cli.Reports;

/// <summary>
/// A complete description of one run: the problem, the solvers with every option after defaults, and the thread
/// count. It is written into every output (trace.json, <c>--json</c> summaries, the <c>meta</c> entry of estimate
/// files, sweep records) and is the input of <c>msense run --config FILE</c>, which runs exactly what it describes.
/// Field names are snake_case in JSON and CSV alike; a missing value is <c>null</c> (empty in CSV). The schema is
/// documented in docs/outputs.md.
/// </summary>
internal sealed record RunConfig
{
    /// <summary>The schema identifier written with every config; older or newer schemas are refused by name.</summary>
    public const string SchemaName = "msense.run/1";

    /// <summary>Always <see cref="SchemaName"/>.</summary>
    public string Schema { get; set; } = SchemaName;

    /// <summary>The problem.</summary>
    public ProblemConfig Problem { get; set; } = new();

    /// <summary>The solvers, run one after another on the same problem.</summary>
    public IReadOnlyList<SolverConfig> Solvers { get; set; } = [new() { Solver = "scaledgd-lambda" }, new() { Solver = "gd" }];

    /// <summary>OpenBLAS and kernel threads (default: min(2, processors)).</summary>
    public int Threads { get; set; } = Math.Min(2, Environment.ProcessorCount);

    /// <summary>
    /// Stopping short of a tolerance (tol_error with a ground truth, or tol_residual) is a failure, exit 5, rather than
    /// just a stopping rule; true when the tolerance was typed on the command line (default false).
    /// </summary>
    public bool RequireTolerance { get; set; }

    /// <summary>
    /// Reads a config from a JSON file: a bare config, or any msense output that carries one under <c>config</c>
    /// (trace.json, a <c>--json</c> summary, a sweep record), taken as-is; or from the <c>meta</c> entry of an
    /// estimate-&lt;solver&gt;.npz.
    /// </summary>
    /// <exception cref="ArgumentException">The file is not a config; the message says why.</exception>
    public static RunConfig Load(string path)
    {
        if (!File.Exists(path)) throw new IOException($"cannot read '{path}': no such file");
        string text = path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase)
            ? ProblemBundle.ReadMeta(path) ?? throw new ArgumentException($"{path}: the archive has no 'meta' entry, so it does not say what produced it")
            : File.ReadAllText(path);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{path}: not JSON ({e.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("config", out var inner)) root = inner;
            if (root.ValueKind != JsonValueKind.Object)
                throw new ArgumentException($"{path}: a run config is a JSON object (or an output with a 'config' object)");
            RunConfig? config;
            try
            {
                config = root.Deserialize(ConfigJson.Default.RunConfig);
            }
            catch (JsonException e)
            {
                throw new ArgumentException($"{path}: {e.Message}");
            }

            if (config is null) throw new ArgumentException($"{path}: the config is null");
            if (config.Schema != SchemaName) throw new ArgumentException($"{path}: schema '{config.Schema}' is not {SchemaName}");
            if (config.Solvers.Count == 0) throw new ArgumentException($"{path}: 'solvers' is empty; name at least one solver");
            if (config.Threads < 1) throw new ArgumentException($"{path}: 'threads' is {config.Threads}; it must be at least 1");
            return config;
        }
    }

    /// <summary>The config as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ConfigJson.Readable.RunConfig);
}

/// <summary>
/// The problem of a run: synthetic (generated from the seeds) or a bundle file. Defaults are those of <c>msense run</c>.
/// </summary>
internal sealed record ProblemConfig
{
    /// <summary><c>synthetic</c> (default) or <c>bundle</c>.</summary>
    public string Source { get; set; } = "synthetic";

    /// <summary>The bundle's full path (source <c>bundle</c>); null for synthetic problems.</summary>
    public string? Bundle { get; set; }

    /// <summary>SHA-256 of the bundle file when it was read (hex); a rerun warns if the file changed. Null for synthetic problems.</summary>
    public string? BundleSha256 { get; set; }

    /// <summary>Rows of M* (default 100).</summary>
    public int N1 { get; set; } = 100;

    /// <summary>Columns of M* (default 100; equals n1 when symmetric).</summary>
    public int N2 { get; set; } = 100;

    /// <summary>The true rank r* (default 5); for a bundle the rank of its M_star, or null without one.</summary>
    public int? RStar { get; set; } = 5;

    /// <summary>The condition number κ of M* (default 20); for a bundle that of its M_star, or null.</summary>
    public double? Kappa { get; set; } = 20;

    /// <summary>Spacing of the singular values: <c>linear</c> (default) or <c>geometric</c>; null for bundles.</summary>
    public string? Spectrum { get; set; } = "linear";

    /// <summary>The number of measurements (default 8000). With entry sampling at probability p, the count drawn (ignored on input).</summary>
    public int M { get; set; } = 8000;

    /// <summary>
    /// The operator: gaussian (default), symmetric-gaussian, rademacher, rank-one, entry-sampling, fresh; for
    /// bundles dense, entry-sampling or rank-one.
    /// </summary>
    public string Operator { get; set; } = "gaussian";

    /// <summary>Entry sampling: each entry observed with probability p; null for exactly m entries.</summary>
    public double? P { get; set; }

    /// <summary>Fresh operator: the ensemble is redrawn every this many iterations (default 10); null for other operators.</summary>
    public int? RefreshEvery { get; set; }

    /// <summary>Standard deviation σ of the additive measurement noise (default 0).</summary>
    public double Noise { get; set; }

    /// <summary>Noise relative to the signal, σ = ν·‖A(M*)‖/√m (ν = 1/SNR); null (default) for the absolute <see cref="Noise"/>.</summary>
    public double? RelativeNoise { get; set; }

    /// <summary>Seed of the target M* (default 1); null for bundles.</summary>
    public ulong? Seed { get; set; } = 1;

    /// <summary>Seed of the operator (default seed + 1); null for bundles.</summary>
    public ulong? OperatorSeed { get; set; }

    /// <summary>Seed of the noise (default seed + 2); null for bundles.</summary>
    public ulong? NoiseSeed { get; set; }

    /// <summary>Compute precision: <c>double</c> (default) or <c>float</c>.</summary>
    public string Precision { get; set; } = "double";

    /// <summary>
    /// How a dense ensemble is stored: <c>reduced</c> (float32 under double precision; the default for synthetic
    /// problems), <c>full</c> (in the compute precision) or <c>file</c> (a bundle's A as the file stores it; the
    /// default for bundles).
    /// </summary>
    public string Storage { get; set; } = "reduced";

    /// <summary>The operator's own name after building (e.g. <c>gaussian-f32</c>, <c>dense-f32</c>), for the record; ignored on input.</summary>
    public string? OperatorName { get; set; }

    /// <summary>A symmetric PSD target (n1 = n2) and model X·Xᵀ (default false).</summary>
    public bool Symmetric { get; set; }

    /// <summary>The problem as the record to write: seeds resolved, symmetric operators named as they are built.</summary>
    public ProblemConfig Resolved() => Source != "synthetic" ? this : this with
    {
        N2 = Symmetric ? N1 : N2,
        Operator = Symmetric && Operator == "gaussian" ? "symmetric-gaussian" : Operator,
        OperatorSeed = OperatorSeed ?? Seed + 1,
        NoiseSeed = NoiseSeed ?? Seed + 2,
        RefreshEvery = Operator == "fresh" ? RefreshEvery ?? 10 : null,
    };

    /// <summary>"100×100, r* = 5, κ = 20, m = 8000 gaussian measurements", for titles and messages.</summary>
    public string Describe() => Source == "bundle"
        ? OperatorName is null ? $"{Path.GetFileName(Bundle)}" : $"{Path.GetFileName(Bundle)}: {N1}×{N2}, m = {M} {OperatorName} measurements{(RStar is { } r ? $", M_star of rank {r}" : ", no ground truth")}"
        : $"{N1}×{(Symmetric ? N1 : N2)}, r* = {RStar}, κ = {Kappa}, m = {M} {Operator} measurements" + (Noise > 0 ? $", noise σ = {Noise}" : "");

    /// <summary>True when the solver computes in float32.</summary>
    [JsonIgnore]
    public bool UsesFloat => Precision.ToLowerInvariant() switch
    {
        "double" => false,
        "float" => true,
        var other => throw new ArgumentException($"precision: '{other}' is neither double nor float"),
    };

    /// <summary>Builds the problem (generating or loading it) and returns it with the record of what was built.</summary>
    public (SensingProblem<T> Problem, Initialization? Given, ProblemConfig Record) Build<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        Source.ToLowerInvariant() switch
        {
            "synthetic" => BuildSynthetic<T>(),
            "bundle" => LoadBundle<T>(),
            var other => throw new ArgumentException($"problem source '{other}' is neither synthetic nor bundle"),
        };

    private (SensingProblem<T>, Initialization?, ProblemConfig) BuildSynthetic<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var r = Resolved();
        int n1 = r.N1, n2 = r.N2, m = r.M;
        int rank = r.RStar ?? throw new ArgumentException("r_star: a synthetic problem needs the true rank");
        double kappa = r.Kappa ?? throw new ArgumentException("kappa: a synthetic problem needs the condition number");
        ulong seed = r.Seed ?? throw new ArgumentException("seed: a synthetic problem needs a seed");
        var spectrum = (r.Spectrum ?? "linear").ToLowerInvariant() switch
        {
            "linear" => Problems.Spectrum.Linear,
            "geometric" => Problems.Spectrum.Geometric,
            var other => throw new ArgumentException($"spectrum: '{other}' is neither linear nor geometric"),
        };
        var storage = r.Storage.ToLowerInvariant() switch
        {
            "reduced" => typeof(T) == typeof(double) ? StoragePrecision.Reduced : StoragePrecision.Compute,
            "full" => StoragePrecision.Compute,
            var other => throw new ArgumentException($"storage: '{other}' is neither reduced nor full"),
        };
        var target = r.Symmetric
            ? LowRankTarget.Symmetric<T>(n1, rank, kappa, seed, spectrum)
            : LowRankTarget.Asymmetric<T>(n1, n2, rank, kappa, seed, spectrum);
        ulong opSeed = r.OperatorSeed!.Value;
        MeasurementOperator<T> op = r.Operator.ToLowerInvariant() switch
        {
            "gaussian" => MeasurementOperators.Gaussian<T>(n1, n2, m, opSeed, storage),
            "symmetric-gaussian" => MeasurementOperators.SymmetricGaussian<T>(n1, m, opSeed, storage),
            "rademacher" => MeasurementOperators.Rademacher<T>(n1, n2, m, opSeed),
            "rank-one" => MeasurementOperators.RankOne<T>(n1, n2, m, opSeed, r.Symmetric),
            "entry-sampling" => r.P is { } p
                ? MeasurementOperators.EntrySampling<T>(n1, n2, p, opSeed)
                : MeasurementOperators.EntrySampling<T>(n1, n2, m, opSeed),
            "fresh" => MeasurementOperators.Fresh<T>(n1, n2, m, r.RefreshEvery!.Value, opSeed),
            var other => throw new ArgumentException($"operator: unknown operator '{other}'"),
        };
        if (r.RelativeNoise is not null && r.Noise > 0) throw new ArgumentException("give either noise or relative_noise, not both");
        var problem = r.RelativeNoise is { } relative
            ? SensingProblem.CreateWithRelativeNoise(target, op, relative, r.NoiseSeed!.Value)
            : SensingProblem.Create(target, op, r.Noise, r.NoiseSeed!.Value);
        return (problem, null, r with { M = op.Count, OperatorName = op.Name });
    }

    private (SensingProblem<T>, Initialization?, ProblemConfig) LoadBundle<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        string path = Bundle ?? throw new ArgumentException("bundle: a bundle problem needs the path of its .npz file");
        if (!File.Exists(path)) throw new IOException($"cannot read '{path}': no such file");
        StoragePrecision? storage = Storage.ToLowerInvariant() switch
        {
            "file" => null,
            "full" => StoragePrecision.Compute,
            "reduced" => StoragePrecision.Reduced,
            var other => throw new ArgumentException($"storage: '{other}' is none of file, full, reduced"),
        };
        string hash = Sha256(path);
        if (BundleSha256 is { } expected && !string.Equals(expected, hash, StringComparison.OrdinalIgnoreCase))
            Console.Error.WriteLine($"msense: warning: {path} changed since the config was written (SHA-256 {hash[..12]}…, expected {expected[..Math.Min(12, expected.Length)]}…)");
        var loaded = ProblemBundle.Load<T>(path, Symmetric, storage);
        var p = loaded.Problem;
        var record = this with
        {
            Bundle = Path.GetFullPath(path),
            BundleSha256 = hash,
            N1 = p.Rows,
            N2 = p.Columns,
            M = p.Count,
            RStar = p.Target?.Rank,
            Kappa = p.Target is { } t ? double.CreateTruncating(t.ConditionNumber) : null,
            Spectrum = null,
            Operator = loaded.Kind switch { BundleKind.Completion => "entry-sampling", BundleKind.RankOne => "rank-one", _ => "dense" },
            OperatorName = p.Operator.Name,
            Seed = null,
            OperatorSeed = null,
            NoiseSeed = null,
            Symmetric = p.IsSymmetric,
        };
        return (p, loaded.Initialization, record);
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

/// <summary>
/// One solver of a run with every option it used. Written after defaults are resolved, so a rerun does not depend on
/// the defaults of the version that reruns it. Options that do not apply to the solver are null.
/// </summary>
internal sealed record SolverConfig
{
    /// <summary>The plain identifier: gd, sgd, scaledgd-lambda, scaledgd, precgd, svp.</summary>
    public string Solver { get; set; } = "scaledgd-lambda";

    /// <summary>The display name (e.g. <c>ScaledGD(λ)</c>), for the record; ignored on input.</summary>
    public string? DisplayName { get; set; }

    /// <summary>
    /// The factor rank h; 0 means the target's rank r*; null (the default) means 20, or r* for solvers that need the
    /// exact rank (scaledgd).
    /// </summary>
    public int? H { get; set; }

    /// <summary>The step size η; null for the solver's default.</summary>
    public double? Step { get; set; }

    /// <summary>Whether <see cref="Step"/> is relative to σ̂₁ (η = step/σ̂₁); null with the default.</summary>
    public bool? StepRelative { get; set; }

    /// <summary>ScaledGD(λ)'s damping; null for the solver's default, or for solvers without one.</summary>
    public double? Lambda { get; set; }

    /// <summary>Whether <see cref="Lambda"/> is relative to σ̂₁ (λ = lambda·σ̂₁).</summary>
    public bool? LambdaRelative { get; set; }

    /// <summary>PrecGD's c in λ_t = c·‖r_t‖ (default 1); null for other solvers.</summary>
    public double? PrecgdC { get; set; }

    /// <summary>The initialization: small-random, identity, spectral or given (the bundle's U0/V0 or X0); null for the solver's default.</summary>
    public string? Init { get; set; }

    /// <summary>α of small-random and identity initializations; null otherwise.</summary>
    public double? InitScale { get; set; }

    /// <summary>The most iterations (default 3000).</summary>
    public int MaxIter { get; set; } = 3000;

    /// <summary>Stop at this relative error (default 1e-8; used only with a ground truth); null for none.</summary>
    public double? TolError { get; set; } = 1e-8;

    /// <summary>Stop at this relative residual; null for none (default).</summary>
    public double? TolResidual { get; set; }

    /// <summary>Wall-time budget in seconds (default 25); null for none.</summary>
    public double? TimeBudget { get; set; } = 25;

    /// <summary>SGD's batch size (default m/10); null for other solvers.</summary>
    public int? Batch { get; set; }

    /// <summary>SGD's step factor per epoch (default 1); null for other solvers.</summary>
    public double? StepDecay { get; set; }

    /// <summary>Seed of random initializations and SGD batches (default 0).</summary>
    public ulong SolverSeed { get; set; }

    /// <summary>A trace entry every this many iterations (default 5).</summary>
    public int TraceEvery { get; set; } = 5;

    /// <summary>Record the signal/nuisance diagnostics (default false; needs a ground truth).</summary>
    public bool Diagnostics { get; set; }

    /// <summary>
    /// Validation early stopping: hold out this fraction of the measurements (seeded by <see cref="SolverSeed"/>) and
    /// return the best held-out iterate; null (default) for none.
    /// </summary>
    public double? ValidationFraction { get; set; }

    /// <summary>With validation: held-out evaluations without improvement before stopping (default 20).</summary>
    public int ValidationPatience { get; set; } = 20;

    /// <summary>Stop as diverged when the loss exceeds this multiple of the initial loss (default 1e6).</summary>
    public double DivergenceFactor { get; set; } = 1e6;

    /// <summary>The solver's registry entry.</summary>
    /// <exception cref="ArgumentException">No solver has this name; the message lists the names.</exception>
    [JsonIgnore]
    public SolverDescriptor Descriptor => SolverRegistry.TryGet(Solver, out var d) ? d : throw new ArgumentException($"unknown solver '{Solver}'; one of {SolverRegistry.Names}");

    /// <summary>Checks what can be checked before the problem is built: the name, and options the solver does not have.</summary>
    /// <exception cref="ArgumentException">The config names an unknown solver or an option it has no use for.</exception>
    public void Validate()
    {
        var descriptor = Descriptor;
        if (descriptor.Create<double>().DefaultLambda is null && (Lambda is not null || LambdaRelative is not null))
            throw new ArgumentException($"lambda: {Solver} has no damping λ; drop it");
        if (descriptor.DefaultOptions is not MiniBatchSgdOptions && (Batch is not null || StepDecay is not null))
            throw new ArgumentException($"batch, step_decay: {Solver} is not mini-batch SGD; drop them");
        if (descriptor.DefaultOptions is not PrecGdOptions && PrecgdC is not null)
            throw new ArgumentException($"precgd_c: {Solver} is not PrecGD; drop it");
    }

    /// <summary>
    /// This solver with every default filled in as <typeparamref name="T"/>'s solver would fill it on
    /// <paramref name="problem"/>: the record to write, and what <see cref="ToOptions{T}"/> turns into options.
    /// </summary>
    /// <param name="problem">The problem the solver will run on (for r* and m).</param>
    /// <param name="given">The bundle's initial factors, if any: the default initialization then.</param>
    public SolverConfig Resolved<T>(SensingProblem<T> problem, Initialization? given) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate();
        var descriptor = Descriptor;
        var solver = descriptor.Create<T>();
        var step = Step is { } s ? new Magnitude(s, StepRelative ?? false) : solver.DefaultStep;
        var lambda = Lambda is { } l ? new Magnitude(l, LambdaRelative ?? false) : solver.DefaultLambda;
        string init = Init ?? (given is not null ? "given" : InitName(solver.DefaultInitialization));
        double? scale = init switch
        {
            "small-random" or "identity" => InitScale ?? (Init is null ? InitScaleOf(solver.DefaultInitialization) : 1e-10),
            _ => null,
        };
        int h = H switch
        {
            null when !descriptor.NeedsExactRank => DefaultRank,
            null or 0 => problem.Target?.Rank ?? throw new ArgumentException($"h: {Solver} needs the factor rank h when the problem has no ground truth"),
            var value => value.Value,
        };
        if (init == "given" && given is GivenInitialization<T> g) h = g.Left.Columns;
        bool sgd = descriptor.DefaultOptions is MiniBatchSgdOptions;
        return this with
        {
            DisplayName = descriptor.DisplayName,
            H = h,
            Step = step.Value,
            StepRelative = step.IsRelative,
            Lambda = lambda?.Value,
            LambdaRelative = lambda?.IsRelative,
            PrecgdC = descriptor.DefaultOptions is PrecGdOptions p ? PrecgdC ?? p.Constant : null,
            Init = init,
            InitScale = scale,
            Batch = sgd ? Batch ?? Math.Max(1, problem.Count / 10) : null,
            StepDecay = sgd ? StepDecay ?? 1.0 : null,
        };
    }

    /// <summary>h when none is given, for solvers that do not need the exact rank: overparameterized on the default problem (r* = 5).</summary>
    public const int DefaultRank = 20;

    /// <summary>The solver options of a resolved config.</summary>
    /// <param name="given">The bundle's initial factors, used when <see cref="Init"/> is <c>given</c>.</param>
    public SolverOptions ToOptions<T>(Initialization? given) where T : unmanaged, IFloatingPointIeee754<T> => new()
    {
        Rank = H ?? 0,
        Step = Step is { } s ? new Magnitude(s, StepRelative ?? false) : null,
        Lambda = Lambda is { } l ? new Magnitude(l, LambdaRelative ?? false) : null,
        PrecGdConstant = PrecgdC,
        Initialization = Init switch
        {
            null => null,
            "small-random" => Initialization.SmallRandom(InitScale ?? 1e-10),
            "identity" => Initialization.ScaledIdentity(InitScale ?? 1e-10),
            "spectral" => Initialization.Spectral,
            "given" => given ?? throw new ArgumentException("init: 'given' needs a bundle with U0/V0 (or X0)"),
            var other => throw new ArgumentException($"init: unknown initialization '{other}'; small-random, identity, spectral or given"),
        },
        MaxIterations = MaxIter,
        ErrorTolerance = TolError,
        ResidualTolerance = TolResidual,
        TimeBudget = TimeBudget is > 0 and var b ? TimeSpan.FromSeconds(b) : null,
        BatchSize = Batch,
        StepDecay = StepDecay,
        Seed = SolverSeed,
        TraceEvery = TraceEvery,
        Diagnostics = Diagnostics,
        DivergenceFactor = DivergenceFactor,
        ValidationFraction = ValidationFraction,
        ValidationPatience = ValidationPatience,
    };

    private static string InitName(Initialization init) => init switch
    {
        SmallRandomInitialization => "small-random",
        ScaledIdentityInitialization => "identity",
        SpectralInitialization => "spectral",
        _ => "given",
    };

    private static double? InitScaleOf(Initialization init) => init switch
    {
        SmallRandomInitialization s => s.Scale,
        ScaledIdentityInitialization s => s.Scale,
        _ => null,
    };
}

/// <summary>JSON of configs and outputs: snake_case names, nulls written, indented.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, AllowTrailingCommas = true, ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(RunConfig))]
internal sealed partial class ConfigJson : JsonSerializerContext
{
    /// <summary>As <see cref="Default"/>, writing non-ASCII characters (λ, κ) as themselves rather than \u escapes.</summary>
    /// <remarks>Created on first use: the generated <see cref="Default"/> may not exist yet while static fields initialize.</remarks>
    public static ConfigJson Readable => s_readable ??= new(new JsonSerializerOptions(Default.Options) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private static ConfigJson? s_readable;
}
