using System.Globalization;
using System.Text.Json.Nodes;

namespace MatrixSensing.Benchmarks.SideBySide;

/// <summary>One row of the side-by-side table. Times are medians in seconds; null where a column does not apply.</summary>
internal sealed record CaseResult(string Id, string Title)
{
    public double? Ours { get; init; }
    public double? NumPy { get; init; }
    public double? MathNet { get; init; }
    /// <summary>Bytes the iteration must stream; the limit is this over the measured bandwidth.</summary>
    public double? LimitBytes { get; init; }
    /// <summary>Thread count whose bandwidth applies to <see cref="LimitBytes"/>.</summary>
    public int LimitThreads { get; init; } = 1;
    /// <summary>Set by the harness once the bandwidth is final.</summary>
    public double? Limit { get; init; }
    public double? BytesPerIteration { get; init; }
    public string? Pending { get; init; }
    public string Note { get; init; } = "";
    public int Samples { get; init; }
    public JsonObject Extra { get; init; } = [];

    public double? OursOverNumPy => Ratio(Ours, NumPy);
    public double? OursOverMathNet => Ratio(Ours, MathNet);
    public double? OursOverLimit => Ratio(Ours, Limit);

    private static double? Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? x / y : null;

    public static string Time(double? seconds) => seconds switch
    {
        null => "–",
        >= 1 => seconds.Value.ToString("F2", CultureInfo.InvariantCulture) + " s",
        >= 1e-3 => (seconds.Value * 1e3).ToString(seconds.Value >= 0.1 ? "F0" : seconds.Value >= 0.01 ? "F1" : "F2", CultureInfo.InvariantCulture) + " ms",
        _ => (seconds.Value * 1e6).ToString("F0", CultureInfo.InvariantCulture) + " µs",
    };

    public static string Ratio(double? ratio) => ratio is { } r ? r.ToString("F2", CultureInfo.InvariantCulture) : "–";

    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["id"] = Id,
            ["title"] = Title,
            ["status"] = Pending is null ? "measured" : "pending",
            ["pending"] = Pending,
            ["ours_seconds"] = Ours,
            ["numpy_seconds"] = NumPy,
            ["mathnet_seconds"] = MathNet,
            ["limit_seconds"] = Limit,
            ["limit_bytes"] = LimitBytes,
            ["limit_threads"] = LimitThreads,
            ["ours_over_numpy"] = OursOverNumPy,
            ["ours_over_mathnet"] = OursOverMathNet,
            ["ours_over_limit"] = OursOverLimit,
            ["bytes_allocated_per_iteration"] = BytesPerIteration,
            ["samples_per_column"] = Samples,
            ["note"] = Note,
        };
        o["extra"] = Extra.DeepClone();
        return o;
    }
}
