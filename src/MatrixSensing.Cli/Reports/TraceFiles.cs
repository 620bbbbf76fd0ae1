using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MatrixSensing.IO;
using MatrixSensing.Solvers;

namespace MatrixSensing.Cli.Reports;

/// <summary>One solver's run as written to trace.json.</summary>
internal sealed record RunReport(string Solver, string Status, int Iterations, double Seconds, double MillisecondsPerIteration,
    double? RelativeError, double RelativeResidual, double StepSize, double Lambda, IReadOnlyList<TraceEntry>? Trace);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(List<RunReport>))]
internal sealed partial class ReportJson : JsonSerializerContext;

/// <summary>trace.csv (one row per recorded iteration and solver) and trace.json (summary plus trace per solver).</summary>
internal static class TraceFiles
{
    public static RunReport Report<T>(SolverResult<T> result) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => new(
        result.Solver, result.Status.ToString(), result.Iterations, result.Elapsed.TotalSeconds, result.SecondsPerIteration * 1000,
        result.Final.RelativeError, result.Final.RelativeResidual, result.StepSize, result.Lambda, result.Trace);

    public static void WriteCsv(string path, IEnumerable<RunReport> runs)
    {
        var sb = new StringBuilder("solver,iteration,seconds,loss,relative_residual,relative_error,imbalance,estimate_norm,signal_min_sv,nuisance_norm\n");
        foreach (var run in runs)
            foreach (var t in run.Trace ?? [])
                sb.Append(run.Solver).Append(',').Append(t.Iteration).Append(',').Append(F(t.Seconds)).Append(',').Append(F(t.Loss)).Append(',')
                  .Append(F(t.RelativeResidual)).Append(',').Append(F(t.RelativeError)).Append(',').Append(F(t.Imbalance)).Append(',')
                  .Append(F(t.EstimateNorm)).Append(',').Append(F(t.SignalMinSingularValue)).Append(',').Append(F(t.NuisanceNorm)).Append('\n');
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    public static void WriteJson(string path, List<RunReport> runs) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(runs, ReportJson.Default.ListRunReport));

    private static string F(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";
}
