using System.Globalization;
using System.Text.Json;
using ScottPlot;

namespace MatrixSensing.Cli.Sweeps;

/// <summary>
/// The sweep's figure: with two or more axes a heatmap of the success rate (x numeric where the axis is, cells
/// spanning the midpoints between values, y one row per value), otherwise the rate against x; a labelled colour
/// bar, the degrees-of-freedom line m = r*(n1 + n2 − r*) when x is the dof ratio, and cells that did not run left
/// grey (never drawn as a rate of 0).
/// </summary>
internal static class SweepFigure
{
    private static readonly ScottPlot.Colormaps.Viridis s_colormap = new ScottPlot.Colormaps.Viridis();

    /// <summary>x: outputs.x, else the last axis with numeric values, else the last; y: outputs.y, else the first other axis (−1 for none).</summary>
    public static (int X, int Y) PickAxes(SweepGrid grid)
    {
        var axes = grid.Axes;
        if (axes.Count == 0) return (-1, -1);
        int x = grid.Outputs.X is { } xn ? IndexOf(axes, xn)
            : Enumerable.Range(0, axes.Count).Reverse().Where(i => Numeric(axes[i])).DefaultIfEmpty(axes.Count - 1).First();
        int y = grid.Outputs.Y is { } yn ? IndexOf(axes, yn) : Enumerable.Range(0, axes.Count).Where(i => i != x).DefaultIfEmpty(-1).First();
        return (x, y);
    }

    /// <summary>Success rate per (y value, x value), pooling the other axes; null where nothing ran.</summary>
    public static double?[,] Rates(SweepSummary summary, int x, int y)
    {
        var axes = summary.Grid.Axes;
        int rows = y >= 0 ? axes[y].Values.Count : 1, columns = axes[x].Values.Count;
        var successes = new int[rows, columns];
        var ran = new int[rows, columns];
        for (int c = 0; c < summary.Cells.Count; c++)
        {
            // Cells are in grid order: the last axis varies fastest.
            var coordinate = new int[axes.Count];
            for (int a = axes.Count - 1, rest = c; a >= 0; a--)
            {
                coordinate[a] = rest % axes[a].Values.Count;
                rest /= axes[a].Values.Count;
            }
            int row = y >= 0 ? coordinate[y] : 0;
            successes[row, coordinate[x]] += summary.Cells[c].Successes;
            ran[row, coordinate[x]] += summary.Cells[c].Ran;
        }
        var rates = new double?[rows, columns];
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < columns; k++)
                rates[r, k] = ran[r, k] > 0 ? (double)successes[r, k] / ran[r, k] : null;
        return rates;
    }

    /// <summary>The axis label: the ratios as mathematics, other axes by name.</summary>
    public static string Label(string axis) => axis switch
    {
        "dof-ratio" => "m / (r*(n₁ + n₂ − r*))",
        "ratio" => "m / (n₁·r*)",
        "rank" => "r*",
        "kappa" => "κ",
        _ => axis,
    };

    /// <summary>The figure as PNG bytes (900×560).</summary>
    public static byte[] Png(SweepSummary summary)
    {
        var grid = summary.Grid;
        var (x, y) = PickAxes(grid);
        var rates = Rates(summary, x, y);
        var xAxis = grid.Axes[x];
        bool numeric = Numeric(xAxis);
        double[] xs = [.. xAxis.Values.Select((v, i) => numeric ? v.AsNumber(xAxis.Name) : i)];
        var plot = new Plot();
        if (y >= 0)
        {
            var (left, right) = Edges(xs);
            for (int r = 0; r < rates.GetLength(0); r++)
                for (int k = 0; k < xs.Length; k++)
                {
                    var cell = plot.Add.Rectangle(left[k], right[k], r - 0.5, r + 0.5);
                    cell.FillStyle.Color = rates[r, k] is { } rate ? s_colormap.GetColor(rate) : Colors.LightGray;
                    cell.LineStyle.Width = 0;
                }
            var rowTicks = new ScottPlot.TickGenerators.NumericManual();
            for (int r = 0; r < grid.Axes[y].Values.Count; r++) rowTicks.AddMajor(r, grid.Axes[y].Values[r].Text);
            plot.Axes.Left.TickGenerator = rowTicks;
            plot.YLabel(Label(grid.Axes[y].Name));
            var bar = plot.Add.ColorBar(new RateScale());
            bar.Label = $"success rate (fraction of {grid.Trials} trials{(grid.Axes.Count > 2 ? ", other axes pooled" : "")})";
            var barTicks = new ScottPlot.TickGenerators.NumericManual();
            for (int k = 0; k <= 4; k++) barTicks.AddMajor(k / 4.0, (k / 4.0).ToString("0.##", CultureInfo.InvariantCulture));
            bar.Axis.TickGenerator = barTicks;
            plot.Axes.SetLimits(left.Min(), right.Max(), -0.5, rates.GetLength(0) - 0.5);
        }
        else
        {
            var points = Enumerable.Range(0, xs.Length).Where(k => rates[0, k] is not null).ToArray();
            var line = plot.Add.Scatter(points.Select(k => xs[k]).ToArray(), points.Select(k => rates[0, k]!.Value).ToArray());
            line.LegendText = "success rate";
            line.MarkerSize = 6;
            line.LineWidth = 2;
            plot.YLabel($"success rate ({grid.Trials} trials per point)");
            plot.Axes.SetLimitsY(-0.05, 1.05);
        }
        if (!numeric)
        {
            var labels = new ScottPlot.TickGenerators.NumericManual();
            for (int k = 0; k < xs.Length; k++) labels.AddMajor(k, xAxis.Values[k].Text);
            plot.Axes.Bottom.TickGenerator = labels;
        }
        if (xAxis.Name == "dof-ratio")
        {
            var dof = plot.Add.VerticalLine(1);
            dof.LineColor = Colors.OrangeRed;
            dof.LinePattern = LinePattern.Dashed;
            dof.LineWidth = 2;
            dof.LegendText = "m = r*(n₁ + n₂ − r*) (degrees of freedom)";
            plot.ShowLegend(Alignment.UpperLeft);
        }
        plot.XLabel(Label(xAxis.Name));
        plot.Title(Title(summary));
        return plot.GetImageBytes(900, 560, ImageFormat.Png);
    }

    private static string Title(SweepSummary summary)
    {
        var grid = summary.Grid;
        string title = grid.Outputs.Title ?? DefaultTitle(grid);
        return summary.Complete ? title
            : string.Create(CultureInfo.InvariantCulture, $"PARTIAL ({summary.Records.Count} of {summary.Planned.Count} trials ran): {title}");
    }

    private static readonly string[] s_titleKeys = ["n", "n1", "n2", "kappa", "operator"];

    private static string DefaultTitle(SweepGrid grid)
    {
        string solver = grid.Base.TryGetValue("solver", out var s) ? s.Text : grid.Axes.Any(a => a.Name == "solver") ? "" : "scaledgd-lambda";
        var shown = s_titleKeys.Where(grid.Base.ContainsKey).Select(k => $"{Label(k)} = {grid.Base[k].Text}");
        return $"{solver} success rate{(shown.Any() ? ", " + string.Join(", ", shown) : "")}".TrimStart();
    }

    private static (double[] Left, double[] Right) Edges(double[] xs)
    {
        var order = Enumerable.Range(0, xs.Length).OrderBy(k => xs[k]).ToArray();
        var left = new double[xs.Length];
        var right = new double[xs.Length];
        for (int p = 0; p < order.Length; p++)
        {
            double value = xs[order[p]];
            double before = p > 0 ? (value - xs[order[p - 1]]) / 2 : double.NaN, after = p < order.Length - 1 ? (xs[order[p + 1]] - value) / 2 : double.NaN;
            if (double.IsNaN(before)) before = double.IsNaN(after) ? 0.5 : after;
            if (double.IsNaN(after)) after = before;
            left[order[p]] = value - before;
            right[order[p]] = value + after;
        }
        return (left, right);
    }

    private static bool Numeric(Axis axis) => axis.Values.All(v => v.Kind == JsonValueKind.Number);

    private static int IndexOf(IReadOnlyList<Axis> axes, string name)
    {
        for (int i = 0; i < axes.Count; i++)
            if (axes[i].Name == name) return i;
        throw new ArgumentException($"outputs: '{name}' is not an axis");
    }

    /// <summary>The colour bar's scale: success rate 0 … 1 on the heatmap's colormap.</summary>
    private sealed class RateScale : IHasColorAxis
    {
        public IColormap Colormap => s_colormap;

        public ScottPlot.Range GetRange() => new(0, 1);
    }
}
