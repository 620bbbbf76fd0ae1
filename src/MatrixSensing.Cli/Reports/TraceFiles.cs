using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MatrixSensing.IO;
using MatrixSensing.Solvers;

namespace MatrixSensing.Cli.Reports;

/// <summary>
/// One recorded iteration, as written to trace.csv and trace.json (the same names in both). Values that do not apply
/// or are unknown (no ground truth, a symmetric factorization, diagnostics off, a non-finite loss) are null.
/// </summary>
/// <param name="Iteration">Updates made so far.</param>
/// <param name="Seconds">Wall time since the solver started (setup excluded).</param>
/// <param name="Loss">The objective f.</param>
/// <param name="RelativeResidual">‖A(UVᵀ) − y‖/‖y‖.</param>
/// <param name="RelativeError">‖UVᵀ − M*‖_F/‖M*‖_F.</param>
/// <param name="Imbalance">‖UᵀU − VᵀV‖_F.</param>
/// <param name="EstimateNorm">‖UVᵀ‖_op.</param>
/// <param name="SignalMinSingularValue">σ_min(U*ᵀU).</param>
/// <param name="NuisanceNorm">‖(I − U*U*ᵀ)U‖_op.</param>
internal sealed record TraceRow(int Iteration, double Seconds, double? Loss, double? RelativeResidual, double? RelativeError, double? Imbalance,
    double? EstimateNorm, double? SignalMinSingularValue, double? NuisanceNorm)
{
    /// <summary>The column names of trace.csv after <c>solver</c>, equal to the JSON names.</summary>
    public static readonly string[] Columns =
        ["iteration", "seconds", "loss", "relative_residual", "relative_error", "imbalance", "estimate_norm", "signal_min_singular_value", "nuisance_norm"];

    /// <summary>A trace entry with non-finite values made null.</summary>
    public static TraceRow From(TraceEntry t) => new(t.Iteration, t.Seconds, Finite(t.Loss), Finite(t.RelativeResidual), Finite(t.RelativeError), Finite(t.Imbalance),
        Finite(t.EstimateNorm), Finite(t.SignalMinSingularValue), Finite(t.NuisanceNorm));

    /// <summary>The value, or null when it is NaN or infinite (JSON has no such numbers).</summary>
    public static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    /// <summary>The values in <see cref="Columns"/> order.</summary>
    public IEnumerable<double?> Values() => [Iteration, Seconds, Loss, RelativeResidual, RelativeError, Imbalance, EstimateNorm, SignalMinSingularValue, NuisanceNorm];
}

/// <summary>One solver's run: how it ended and, in trace.json, its trace.</summary>
/// <param name="Solver">The plain identifier, e.g. <c>scaledgd-lambda</c>.</param>
/// <param name="DisplayName">The display name, e.g. <c>ScaledGD(λ)</c>.</param>
/// <param name="Status">converged, max_iterations, diverged, time_limit, cancelled (see <see cref="TraceFiles.StatusName"/>).</param>
/// <param name="Iterations">Updates made.</param>
/// <param name="Seconds">Wall time of the iterations.</param>
/// <param name="MsPerIteration">Milliseconds per iteration.</param>
/// <param name="RelativeError">Final relative error; null without a ground truth.</param>
/// <param name="RelativeResidual">Final relative residual.</param>
/// <param name="StepSizeUsed">The absolute step η the solver used.</param>
/// <param name="LambdaUsed">The absolute damping λ used; null for solvers without one.</param>
/// <param name="SigmaHat">σ̂₁ = ‖A*(y)‖_op when computed; null otherwise.</param>
/// <param name="EstimateFile">The file the estimate was written to (relative to the output folder), or null.</param>
/// <param name="Trace">Every recorded iteration; null in <c>--json</c> summaries and estimate metadata.</param>
internal sealed record RunReport(string Solver, string DisplayName, string Status, int Iterations, double Seconds, double MsPerIteration,
    double? RelativeError, double? RelativeResidual, double? StepSizeUsed, double? LambdaUsed, double? SigmaHat, string? EstimateFile, IReadOnlyList<TraceRow>? Trace);

/// <summary>
/// trace.json, the <c>--json</c> summary and the <c>meta</c> of estimate files: what ran (<see cref="RunConfig"/>),
/// what produced it, whether every solver ran to its own end, and the runs.
/// </summary>
/// <param name="Schema"><c>msense.trace/1</c>.</param>
/// <param name="Config">The run, with defaults resolved; <c>msense run --config</c> accepts this whole document.</param>
/// <param name="Provenance">Version, commit, native configuration.</param>
/// <param name="Complete">False when a run was cancelled or a solver was not run.</param>
/// <param name="Runs">One per solver, in the order of the config.</param>
internal sealed record RunDocument(string Schema, RunConfig Config, Provenance Provenance, bool Complete, IReadOnlyList<RunReport> Runs)
{
    /// <summary>The schema identifier of trace.json.</summary>
    public const string SchemaName = "msense.trace/1";
}

/// <summary>JSON of output documents: the same conventions as <see cref="ConfigJson"/>.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(RunDocument))]
internal sealed partial class ReportJson : JsonSerializerContext
{
    /// <summary>As <see cref="Default"/>, writing non-ASCII characters (λ, κ) as themselves rather than \u escapes.</summary>
    /// <remarks>Created on first use: the generated <see cref="Default"/> may not exist yet while static fields initialize.</remarks>
    public static ReportJson Readable => s_readable ??= new(new JsonSerializerOptions(Default.Options) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private static ReportJson? s_readable;
}

/// <summary>trace.csv (tidy: one row per recorded iteration and solver) and trace.json (<see cref="RunDocument"/>).</summary>
internal static class TraceFiles
{
    /// <summary>The report of one result; <paramref name="estimateFile"/> names its estimate file when one was written.</summary>
    public static RunReport Report<T>(SolverResult<T> result, SolverConfig config, string? estimateFile) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => new(
        config.Solver, result.Solver, StatusName(result.Status), result.Iterations, result.Elapsed.TotalSeconds, result.SecondsPerIteration * 1000,
        TraceRow.Finite(result.Final.RelativeError), TraceRow.Finite(result.Final.RelativeResidual), TraceRow.Finite(result.StepSize),
        config.Lambda is null ? null : TraceRow.Finite(result.Lambda), result.SigmaHat > 0 ? result.SigmaHat : null, estimateFile,
        [.. result.Trace.Select(TraceRow.From)]);

    /// <summary>converged, max_iterations, diverged, time_limit, cancelled, running: the status as written to files.</summary>
    public static string StatusName(SolverStatus status) => JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());

    /// <summary>Writes trace.csv: columns <c>solver</c> then <see cref="TraceRow.Columns"/>; empty cells are missing values.</summary>
    public static void WriteCsv(string path, IEnumerable<RunReport> runs)
    {
        var sb = new StringBuilder("solver,").AppendJoin(',', TraceRow.Columns).Append('\n');
        foreach (var run in runs)
            foreach (var row in run.Trace ?? [])
                sb.Append(run.Solver).Append(',').AppendJoin(',', row.Values().Select(Cell)).Append('\n');
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    /// <summary>Writes trace.json.</summary>
    public static void WriteJson(string path, RunDocument document) => AtomicFile.WriteAllText(path, ToJson(document));

    /// <summary>The document as indented JSON.</summary>
    public static string ToJson(RunDocument document) => JsonSerializer.Serialize(document, ReportJson.Readable.RunDocument);

    /// <summary>A CSV cell: round-trip formatting, empty for a missing value.</summary>
    public static string Cell(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";
}
