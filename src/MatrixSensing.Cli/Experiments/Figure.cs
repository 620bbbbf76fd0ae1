using System.Globalization;
using System.Text;

namespace MatrixSensing.Cli.Experiments;

/// <summary>One line of a figure.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="X">Abscissae.</param>
/// <param name="Y">Ordinates.</param>
/// <param name="Dashed">Drawn dashed (e.g. the baseline of a comparison).</param>
internal sealed record Series(string Name, double[] X, double[] Y, bool Dashed = false);

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
    /// <summary>Long-format CSV: series,x,y.</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder("series,x,y\n");
        foreach (var s in Series)
            for (int i = 0; i < s.X.Length; i++)
                sb.Append('"').Append(s.Name).Append("\",")
                  .Append(s.X[i].ToString("R", CultureInfo.InvariantCulture)).Append(',')
                  .Append(s.Y[i].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        return sb.ToString();
    }
}
