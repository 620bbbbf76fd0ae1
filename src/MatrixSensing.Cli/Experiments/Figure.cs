using System.Globalization;
using System.Text;

namespace MatrixSensing.Cli.Experiments;

/// <summary>One line of a figure.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="X">Abscissae.</param>
/// <param name="Y">Ordinates.</param>
/// <param name="Dashed">Drawn dashed (e.g. the baseline of a comparison).</param>
/// <param name="Group">
/// Colour key: series with the same group share one colour, so that e.g. both solvers at "κ=10" are one colour and
/// the line style tells the solver. Default null: the series' own name (a colour of its own).
/// </param>
/// <param name="Parameters">
/// The series' parameters (e.g. solver = "GD", kappa = "10"), written by <see cref="Figure.ToCsv"/> as one column
/// each. Default null: none.
/// </param>
/// <param name="YLow">Lower edge of a spread band around <paramref name="Y"/> (same length), or null for none.</param>
/// <param name="YHigh">Upper edge of the spread band, or null for none.</param>
internal sealed record Series(string Name, double[] X, double[] Y, bool Dashed = false, string? Group = null,
    IReadOnlyList<KeyValuePair<string, string>>? Parameters = null, double[]? YLow = null, double[]? YHigh = null)
{
    /// <summary>The colour key: <see cref="Group"/>, or the name when no group was given.</summary>
    public string ColourKey => Group ?? Name;

    /// <summary>A copy with the given parameters (written as CSV columns).</summary>
    public Series With(params (string Key, string Value)[] parameters) =>
        this with { Parameters = [.. Parameters ?? [], .. parameters.Select(p => KeyValuePair.Create(p.Key, p.Value))] };
}

/// <summary>A figure and its data: what a reproduction writes as PNG and CSV.</summary>
/// <param name="Name">File stem, e.g. "scaledgd-vs-gd".</param>
/// <param name="Title">Plot title.</param>
/// <param name="XLabel">x-axis label.</param>
/// <param name="YLabel">y-axis label.</param>
/// <param name="LogX">Logarithmic x axis.</param>
/// <param name="LogY">Logarithmic y axis.</param>
/// <param name="Series">The lines.</param>
/// <param name="Finding">One sentence: what the figure shows, measured on this run.</param>
internal sealed record Figure(string Name, string Title, string XLabel, string YLabel, bool LogX, bool LogY, IReadOnlyList<Series> Series, string Finding)
{
    /// <summary>
    /// Tidy long-format CSV: figure, series, one column per series parameter (in order of first appearance; empty
    /// where a series lacks it), x, y, and y_low, y_high when any series has a spread band.
    /// </summary>
    public string ToCsv()
    {
        var keys = Series.SelectMany(s => s.Parameters ?? []).Select(p => p.Key).Distinct().ToArray();
        bool band = Series.Any(s => s.YLow is not null);
        var sb = new StringBuilder("figure,series");
        foreach (var key in keys) sb.Append(',').Append(Quote(key));
        sb.Append(",x,y").Append(band ? ",y_low,y_high\n" : "\n");
        foreach (var s in Series)
        {
            var prefix = new StringBuilder(Quote(Name)).Append(',').Append(Quote(s.Name));
            foreach (var key in keys)
                prefix.Append(',').Append(Quote(s.Parameters?.FirstOrDefault(p => p.Key == key).Value ?? ""));
            for (int i = 0; i < s.X.Length; i++)
            {
                sb.Append(prefix).Append(',').Append(Number(s.X[i])).Append(',').Append(Number(s.Y[i]));
                if (band) sb.Append(',').Append(s.YLow is { } lo ? Number(lo[i]) : "").Append(',').Append(s.YHigh is { } hi ? Number(hi[i]) : "");
                sb.Append('\n');
            }
        }
        return sb.ToString();
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    // Quoted only when needed, doubling embedded quotes (RFC 4180).
    private static string Quote(string text) =>
        text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
