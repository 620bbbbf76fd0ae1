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
        // One colour per group (e.g. per κ), in order of first appearance; the line style tells the solver.
        var groups = figure.Series.Select(s => s.ColourKey).Distinct().ToList();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var series in figure.Series)
        {
            var points = Enumerable.Range(0, series.X.Length)
                .Where(i => Plottable(series.X[i], figure.LogX) && Plottable(series.Y[i], figure.LogY))
                .ToArray();
            if (points.Length == 0) continue;
            var xs = points.Select(i => figure.LogX ? Math.Log10(series.X[i]) : series.X[i]).ToArray();
            var ys = points.Select(i => figure.LogY ? Math.Log10(series.Y[i]) : series.Y[i]).ToArray();
            var colour = palette.GetColor(groups.IndexOf(series.ColourKey));
            if (series.YLow is { } low && series.YHigh is { } high)
            {
                var band = plot.Add.FillY(xs,
                    [.. points.Select(i => figure.LogY ? Math.Log10(low[i]) : low[i])],
                    [.. points.Select(i => figure.LogY ? Math.Log10(high[i]) : high[i])]);
                band.FillColor = colour.WithAlpha(0.25);
                band.LineColor = colour.WithAlpha(0.25);
            }
            var line = plot.Add.Scatter(xs, ys);
            line.Color = colour;
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
        // The bold face lacks glyphs such as ᵀ (drawn as a stray letter); the regular face has them.
        plot.Axes.Left.Label.Bold = false;
        plot.Axes.Bottom.Label.Bold = false;
        // Iteration, epoch and time axes start at 0 rather than at ScottPlot's padded margin.
        plot.Axes.AutoScale();
        if (!figure.LogX && figure.Series.All(s => s.X.All(x => !double.IsFinite(x) || x >= 0)))
            plot.Axes.SetLimitsX(0, plot.Axes.GetLimits().Right);
        // The legend sits right of the data area, where no curve can run under it.
        plot.ShowLegend(Edge.Right);
        string png = Path.Combine(directory, figure.Name + ".png");
        // Rendered in memory, then written atomically: a full disk never leaves a truncated PNG over a good one.
        using (var image = plot.GetImage(1000, 560)) AtomicFile.WriteAllBytes(png, image.GetImageBytes(ImageFormat.Png));
        if (svg) AtomicFile.WriteAllText(Path.Combine(directory, figure.Name + ".svg"), plot.GetSvgXml(1000, 560));
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
