using MatrixSensing.Cli.Sweeps;

namespace MatrixSensing.Tests.Sweeps;

/// <summary>Grid files: schema, ranges, derived options, seeds, and the one-line errors for impossible grids.</summary>
public class SweepGridTests
{
    private static SweepGrid Grid(string axes, string baseOptions = "\"n\": 10", int trials = 2, int seed = 3) =>
        SweepGrid.Parse($$"""{ "seed": {{seed}}, "trials": {{trials}}, "base": { {{baseOptions}} }, "axes": [ {{axes}} ] }""", "test.json");

    [Test]
    public void Ranges_expand_lin_log_and_step_and_lists_keep_their_order()
    {
        var grid = Grid("""
            { "name": "m", "values": [300, 100, 200] },
            { "name": "kappa", "from": 1, "to": 100, "count": 3, "scale": "log" },
            { "name": "noise", "from": 0, "to": 0.3, "step": 0.1 },
            { "name": "relative-step", "from": 0.2, "to": 0.8, "count": 4 }
            """);
        Assert.Multiple(() =>
        {
            Assert.That(grid.Axes[0].Values.Select(v => v.Text), Is.EqualTo(new[] { "300", "100", "200" }));
            Assert.That(grid.Axes[1].Values.Select(v => v.Text), Is.EqualTo(new[] { "1", "10", "100" }));
            Assert.That(grid.Axes[2].Values.Select(v => v.Text), Is.EqualTo(new[] { "0", "0.1", "0.2", "0.3" }));
            Assert.That(grid.Axes[3].Values.Select(v => v.Text), Is.EqualTo(new[] { "0.2", "0.4", "0.6", "0.8" }));
            Assert.That(grid.Cells, Is.EqualTo(3 * 3 * 4 * 4));
        });
    }

    [Test]
    public void Derived_options_set_the_run_options_they_stand_for()
    {
        var grid = Grid("""{ "name": "rank", "values": [2] }, { "name": "dof-ratio", "values": [1.5] }""", "\"n1\": 12, \"n2\": 9, \"extra-rank\": 3", trials: 1);
        var config = grid.Plan().Single().Config;
        Assert.Multiple(() =>
        {
            Assert.That(config["m"]!.Value.Text, Is.EqualTo("57"), "m = round(1.5 · 2 · (12 + 9 − 2))");
            Assert.That(config["h"]!.Value.Text, Is.EqualTo("5"), "h = r* + extra-rank");
            Assert.That(config["time-budget"]!.Value.Text, Is.EqualTo("0"), "no time budget unless asked");
            Assert.That(config["trace-every"]!.Value.Text, Is.EqualTo("3000"), "only the end is recorded (run's max-iter 3000)");
            Assert.That(config.Options.Keys, Does.Not.Contain("dof-ratio").And.Not.Contain("extra-rank"), "the config is plain run options");
        });
    }

    [Test]
    public void Seeds_depend_only_on_the_sweep_seed_and_the_trial_coordinates()
    {
        static Dictionary<string, string> Seeds(SweepGrid g) => g.Plan().ToDictionary(
            t => string.Join(";", t.Cell.Select(c => c.Text)) + "#" + t.Replicate, t => t.Config["seed"]!.Value.Text + "/" + t.Config["solver-seed"]!.Value.Text);
        var small = Seeds(Grid("""{ "name": "rank", "values": [1, 2] }, { "name": "m", "values": [40, 60] }"""));
        // More values, in another order, and another base: the shared trials keep their seeds.
        var large = Seeds(Grid("""{ "name": "rank", "values": [3, 2, 1] }, { "name": "m", "values": [80, 60, 40] }""", "\"n\": 10, \"kappa\": 4", trials: 3));
        var reseeded = Seeds(Grid("""{ "name": "rank", "values": [1, 2] }, { "name": "m", "values": [40, 60] }""", seed: 4));
        Assert.Multiple(() =>
        {
            foreach (var (coordinates, seeds) in small) Assert.That(large[coordinates], Is.EqualTo(seeds), coordinates);
            Assert.That(small.Values.Distinct().Count(), Is.EqualTo(small.Count), "every trial has its own seeds");
            Assert.That(small.Keys.All(k => reseeded[k] != small[k]), Is.True, "another sweep seed changes every trial's seeds");
        });
    }

    [Test]
    public void The_id_changes_with_the_grid_and_not_with_formatting()
    {
        var a = Grid("""{ "name": "rank", "values": [1, 2] }""");
        var b = SweepGrid.Parse("""{"axes":[{"values":[1,2.0],"name":"rank"}],"base":{"n":10},"trials":2,"seed":3}""", "b.json");
        var c = Grid("""{ "name": "rank", "values": [1, 3] }""");
        Assert.That(b.Id, Is.EqualTo(a.Id));
        Assert.That(c.Id, Is.Not.EqualTo(a.Id));
    }

    [TestCase("""{ "axes": [ { "name": "bogus", "values": [1] } ] }""", "'bogus' is not an option of msense run")]
    [TestCase("""{ "base": { "out": "x" } }""", "'out' is not an option")]
    [TestCase("""{ "trials": 0 }""", "'trials' must be an integer ≥ 1")]
    [TestCase("""{ "base": { "m": 5 }, "axes": [ { "name": "m", "values": [1] } ] }""", "both in base and an axis")]
    [TestCase("""{ "axes": [ { "name": "m", "from": 1, "to": 5 } ] }""", "needs 'values' or numbers")]
    [TestCase("""{ "axes": [ { "name": "kappa", "from": 0, "to": 5, "count": 3, "scale": "log" } ] }""", "log range needs positive")]
    [TestCase("""{ "success": { "threshold": -1 } }""", "must be a positive number")]
    [TestCase("""{ "colour": 1 }""", "unknown entry 'colour'")]
    [TestCase("""{ "axes": [ 1 ] }""", "each axis is an object")]
    [TestCase("""not json""", "not valid JSON")]
    public void Bad_grids_are_one_line_errors(string json, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => SweepGrid.Parse(json, "g.json").Plan());
        Assert.That(e!.Message, Does.Contain(expected).And.StartWith("g.json"));
    }

    [TestCase("\"n\": 10", """{ "name": "dof-ratio", "values": [0.001] }""", "m = 0")]
    [TestCase("\"n\": 10, \"extra-rank\": 100", """{ "name": "rank", "values": [1] }""", "factor rank h = 101 exceeds min(n1, n2) = 10")]
    [TestCase("\"n\": 10, \"max-iter\": 0", """{ "name": "rank", "values": [1] }""", "max-iter = 0")]
    [TestCase("\"n\": 10, \"solver\": \"gd,svp\"", """{ "name": "rank", "values": [1] }""", "make 'solver' an axis")]
    [TestCase("\"n\": 10", """{ "name": "rank", "values": [11] }""", "rank r* = 11")]
    public void Impossible_trials_are_refused_before_anything_runs(string baseOptions, string axes, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => Grid(axes, baseOptions).Plan());
        Assert.That(e!.Message, Does.Contain(expected).And.StartWith("sweep cell"));
    }

    [Test]
    public void Shards_cover_every_trial_once_and_balance_the_estimated_cost()
    {
        var planned = SweepGrid.Parse("""
            { "trials": 3, "base": { "n": 20 }, "axes": [ { "name": "rank", "values": [1, 2, 3, 4] }, { "name": "m", "from": 50, "to": 400, "count": 8 } ] }
            """, "g").Plan();
        var shards = Enumerable.Range(0, 4).Select(i => Sharding.Select(planned, new ShardSpec(i, 4))).ToList();
        var load = shards.Select(s => s.Sum(t => t.Cost)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(shards.SelectMany(s => s).Select(t => t.Index).Order(), Is.EqualTo(Enumerable.Range(0, planned.Count)));
            Assert.That(load.Max() / load.Min(), Is.LessThan(1.05), "costs, not counts, are balanced");
            Assert.That(planned.Max(t => t.Cost) / planned.Min(t => t.Cost), Is.GreaterThan(4), "the trials' costs differ (m from 50 to 400)");
            Assert.That(Sharding.Select(planned, new ShardSpec(2, 4)).Select(t => t.Index), Is.EqualTo(shards[2].Select(t => t.Index)), "deterministic");
        });
    }

    [TestCase("4/4")]
    [TestCase("-1/4")]
    [TestCase("1")]
    [TestCase("a/b")]
    public void Bad_shard_specs_are_refused(string spec) =>
        Assert.That(() => ShardSpec.Parse(spec), Throws.ArgumentException.With.Message.Contains("is not i/N"));
}
