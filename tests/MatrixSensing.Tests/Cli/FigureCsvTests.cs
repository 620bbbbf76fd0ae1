using MatrixSensing.Cli.Experiments;

namespace MatrixSensing.Tests.Cli;

/// <summary>
/// Reproduction CSVs are tidy: one column per series parameter (not parameters inside quoted labels), one row per
/// point, and a spread band only when a series has one.
/// </summary>
public class FigureCsvTests
{
    [Test]
    public void Parameters_are_columns_and_missing_ones_are_empty()
    {
        var figure = new Figure("f", "t", "x", "y", false, true,
        [
            new Series("GD κ=10", [0, 1], [1, 0.5], Group: "κ=10").With(("solver", "GD"), ("kappa", "10")),
            new Series("ScaledGD κ=10", [0], [0.25], Dashed: true, Group: "κ=10").With(("solver", "ScaledGD"), ("kappa", "10")),
            new Series("a, \"b\"", [2], [3]),
        ], "finding");
        var lines = figure.ToCsv().TrimEnd('\n').Split('\n');
        Assert.That(lines, Is.EqualTo(new[]
        {
            "figure,series,solver,kappa,x,y",
            "f,GD κ=10,GD,10,0,1",
            "f,GD κ=10,GD,10,1,0.5",
            "f,ScaledGD κ=10,ScaledGD,10,0,0.25",
            "f,\"a, \"\"b\"\"\",,,2,3",
        }));
    }

    [Test]
    public void A_band_adds_low_and_high_columns()
    {
        var figure = new Figure("f", "t", "x", "y", true, true,
        [
            new Series("GD", [1e-3], [2], YLow: [1], YHigh: [4]),
            new Series("reference", [1e-3], [1.5]),
        ], "finding");
        Assert.That(figure.ToCsv(), Is.EqualTo("figure,series,x,y,y_low,y_high\nf,GD,0.001,2,1,4\nf,reference,0.001,1.5,,\n"));
    }

    [Test]
    public void Group_defaults_to_the_name()
    {
        Assert.That(new Series("GD", [0], [1]).ColourKey, Is.EqualTo("GD"));
        Assert.That(new Series("GD κ=1", [0], [1], Group: "κ=1").ColourKey, Is.EqualTo("κ=1"));
    }
}
