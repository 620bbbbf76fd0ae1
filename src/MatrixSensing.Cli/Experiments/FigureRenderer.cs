using System.Globalization;
using MatrixSensing.IO;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace MatrixSensing.Cli.Experiments;

/// <summary>Renders figures with ScottPlot; logarithmic axes plot log10 of the data with decade labels.</summary>
internal static class FigureRenderer
{
    /// <summary>Writes the figure as PNG (and SVG when asked) and returns the PNG path.</summary>
    public static string Save(Figure figure, string directory, bool svg = false)
    {
        Directory.CreateDirectory(directory);
        var plot = new Plot();
        foreach (var series in figure.Series)
        {
            var points = Enumerable.Range(0, series.X.Length)
                .Where(i => Plottable(series.X[i], figure.LogX) && Plottable(series.Y[i], figure.LogY))
                .ToArray();
            if (points.Length == 0) continue;
            var xs = points.Select(i => figure.LogX ? Math.Log10(series.X[i]) : series.X[i]).ToArray();
            var ys = points.Select(i => figure.LogY ? Math.Log10(series.Y[i]) : series.Y[i]).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = series.Name;
            line.MarkerSize = xs.Length <= 12 ? 6 : 0;
            line.LineWidth = 2;
            if (series.Dashed) line.LinePattern = LinePattern.Dashed;
        }
        if (figure.LogY) plot.Axes.Left.TickGenerator = Decades();
        if (figure.LogX) plot.Axes.Bottom.TickGenerator = Decades();
        plot.Title(figure.Title);
        plot.XLabel(figure.XLabel);
        plot.YLabel(figure.YLabel);
        // Rising curves end top-right, so their legend goes top-left.
        var first = figure.Series.FirstOrDefault(s => s.Y.Length > 1);
        bool rising = first is not null && first.Y[^1] > first.Y[0];
        plot.ShowLegend(rising ? Alignment.UpperLeft : Alignment.UpperRight);
        string png = Path.Combine(directory, figure.Name + ".png");
        // Rendered in memory, then written atomically: a full disk never leaves a truncated PNG over a good one.
        using (var image = plot.GetImage(900, 560)) AtomicFile.WriteAllBytes(png, image.GetImageBytes(ImageFormat.Png));
        if (svg) AtomicFile.WriteAllText(Path.Combine(directory, figure.Name + ".svg"), plot.GetSvgXml(900, 560));
        return png;
    }

    private static bool Plottable(double value, bool log) => double.IsFinite(value) && (!log || value > 0);

    private static NumericAutomatic Decades() => new()
    {
        MinorTickGenerator = new LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = v => "1e" + Math.Round(v).ToString(CultureInfo.InvariantCulture),
    };
}
