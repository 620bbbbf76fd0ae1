using System.Text.Json;
using MatrixSensing.Cli.Sweeps;
using static MatrixSensing.Tests.Sweeps.SweepTestSupport;

namespace MatrixSensing.Tests.Sweeps;

/// <summary>`msense sweep` in-process: records, rerunning a record alone, resume, cancellation, the shorthand flags.</summary>
public class SweepCommandTests
{
    private string _dir = "";
    private string _grid = "";

    [SetUp]
    public void MakeDirectory()
    {
        _dir = Directory.CreateTempSubdirectory("msense-sweep-").FullName;
        _grid = Path.Combine(_dir, "grid.json");
        File.WriteAllText(_grid, SmallGrid);
    }

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    private string Out(string name) => Path.Combine(_dir, name);

    [Test]
    public void Every_trial_is_one_record_with_its_parameters_seeds_and_results()
    {
        var (code, stdout, stderr) = Run("sweep", "--grid", _grid, "--out", Out("a"), "--parallel", "2");
        Assert.That(code, Is.Zero, stderr);
        var lines = File.ReadAllLines(Path.Combine(Out("a"), "trials.jsonl"));
        Assert.That(lines, Has.Length.EqualTo(12));
        using var first = JsonDocument.Parse(lines[0]);
        var record = first.RootElement;
        Assert.Multiple(() =>
        {
            foreach (var field in new[] { "sweep", "trial", "replicate", "cell", "key", "config", "command", "status", "success", "iterations", "seconds", "relative_error", "relative_residual", "version" })
                Assert.That(record.TryGetProperty(field, out _), Is.True, field);
            var config = record.GetProperty("config");
            foreach (var option in new[] { "n1", "n2", "rank", "m", "kappa", "solver", "max-iter", "seed", "solver-seed", "storage" })
                Assert.That(config.TryGetProperty(option, out _), Is.True, option);
            Assert.That(lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("trial").GetInt32()).Order(), Is.EqualTo(Enumerable.Range(0, 12)));
            Assert.That(stdout, Does.Contain("success rate"));
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(Out("a"), "summary.json")));
            Assert.That(summary.RootElement.GetProperty("complete").GetBoolean(), Is.True);
            Assert.That(summary.RootElement.GetProperty("ran").GetInt32(), Is.EqualTo(12));
            Assert.That(File.ReadAllLines(Path.Combine(Out("a"), "sweep.csv")), Has.Length.EqualTo(13));
            Assert.That(File.Exists(Path.Combine(Out("a"), "heatmap.png")), Is.True);
        });
    }

    [Test]
    public void A_record_reruns_alone_with_msense_run()
    {
        Run("sweep", "--grid", _grid, "--out", Out("a"));
        foreach (var line in File.ReadAllLines(Path.Combine(Out("a"), "trials.jsonl")).Take(3))
        {
            var record = TrialRecord.TryParse(line)!;
            var (code, stdout, stderr) = Run(["run", .. record.Config.ToArguments(), "--threads", "1", "--json", "--out", Out("rerun")]);
            // run's exit code follows the trial's status: 4 diverged, 5 its --tol-error not reached.
            Assert.That(code, Is.EqualTo(record.Outcome.Status switch { "Converged" => 0, "Diverged" => 4, _ => 5 }), stderr);
            var run = JsonDocument.Parse(stdout).RootElement.GetProperty("runs")[0];
            // The run summary names statuses in snake case (max_iterations), the record as the enum does (MaxIterations).
            string status = string.Concat(record.Outcome.Status.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
            Assert.Multiple(() =>
            {
                Assert.That(run.GetProperty("status").GetString(), Is.EqualTo(status));
                Assert.That(run.GetProperty("iterations").GetInt32(), Is.EqualTo(record.Outcome.Iterations));
                Assert.That(run.GetProperty("relative_error").GetDouble(), Is.EqualTo(record.Outcome.RelativeError!.Value), "the same bits");
            });
            Assert.That(record.Config.CommandLine, Does.StartWith("msense run ").And.Contain("--seed " + record.Config["seed"]!.Value.Text));
        }
    }

    [Test]
    public void A_killed_sweep_resumes_to_the_result_of_an_uninterrupted_one()
    {
        Assert.That(Run("sweep", "--grid", _grid, "--out", Out("whole")).Code, Is.Zero);
        // A sweep killed after five trials, in the middle of writing the sixth record.
        Directory.CreateDirectory(Out("killed"));
        var lines = File.ReadAllLines(Path.Combine(Out("whole"), "trials.jsonl"));
        File.WriteAllText(Path.Combine(Out("killed"), "trials.jsonl"), string.Concat(lines.Take(5).Select(l => l + "\n")) + lines[5][..40]);
        var (code, _, stderr) = Run("sweep", "--grid", _grid, "--out", Out("killed"), "--resume");
        Assert.That(code, Is.Zero, stderr);
        var resumed = File.ReadAllLines(Path.Combine(Out("killed"), "trials.jsonl"));
        Assert.Multiple(() =>
        {
            Assert.That(stderr, Does.Contain("dropping an incomplete last line"));
            Assert.That(stderr, Does.Contain("7 to run, 5 already recorded"));
            Assert.That(resumed, Has.Length.EqualTo(12));
            Assert.That(resumed.Take(5), Is.EqualTo(lines.Take(5)), "recorded trials are kept, not rerun");
            Assert.That(File.ReadAllText(Path.Combine(Out("killed"), "summary.json")), Is.EqualTo(File.ReadAllText(Path.Combine(Out("whole"), "summary.json"))));
        });
        AssertSameTable(Path.Combine(Out("whole"), "sweep.csv"), Path.Combine(Out("killed"), "sweep.csv"));
    }

    [Test]
    public void A_cancelled_sweep_writes_only_what_ran_marked_partial_and_keeps_a_complete_result()
    {
        Assert.That(Run("sweep", "--grid", _grid, "--out", Out("a")).Code, Is.Zero);
        string completeSummary = File.ReadAllText(Path.Combine(Out("a"), "summary.json"));
        // Keep 4 records, then resume with a token that is already cancelled: nothing more runs.
        var log = Path.Combine(Out("a"), "trials.jsonl");
        File.WriteAllLines(log, File.ReadAllLines(log).Take(4));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var (code, _, stderr) = Run(cancelled.Token, "sweep", "--grid", _grid, "--out", Out("a"), "--resume");
        using var partial = JsonDocument.Parse(File.ReadAllText(Path.Combine(Out("a"), "summary.partial.json")));
        var table = File.ReadAllLines(Path.Combine(Out("a"), "sweep.partial.csv"));
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(130));
            Assert.That(stderr, Does.Contain("cancelled").And.Contain("PARTIAL: 4 of 12"));
            Assert.That(stderr, Does.Not.Contain("12 trials ran"), "totals say what ran");
            Assert.That(partial.RootElement.GetProperty("complete").GetBoolean(), Is.False);
            Assert.That(partial.RootElement.GetProperty("ran").GetInt32(), Is.EqualTo(4));
            Assert.That(partial.RootElement.GetProperty("not_run").GetInt32(), Is.EqualTo(8));
            Assert.That(table, Has.Length.EqualTo(1 + 4), "never-run trials are not rows");
            Assert.That(string.Join("\n", table), Does.Not.Contain("NaN"));
            Assert.That(partial.RootElement.GetProperty("cells").EnumerateArray().Any(c => c.GetProperty("rate").ValueKind == JsonValueKind.Null), Is.True, "cells that did not run have no rate");
            Assert.That(File.ReadAllText(Path.Combine(Out("a"), "summary.json")), Is.EqualTo(completeSummary), "the complete result is untouched");
            Assert.That(File.Exists(Path.Combine(Out("a"), "heatmap.partial.png")), Is.True);
        });
    }

    [Test]
    public void An_existing_sweep_is_not_overwritten_and_resume_refuses_another_sweep()
    {
        Assert.That(Run("sweep", "--grid", _grid, "--out", Out("a")).Code, Is.Zero);
        var again = Run("sweep", "--grid", _grid, "--out", Out("a"));
        var other = Run("sweep", "--n", "8", "--ranks", "1", "--ratios", "2", "--trials", "1", "--out", Out("a"), "--resume");
        Assert.Multiple(() =>
        {
            Assert.That(again.Code, Is.Not.Zero);
            Assert.That(again.Stderr, Does.Contain("pass --resume"));
            Assert.That(other.Code, Is.EqualTo(2));
            Assert.That(other.Stderr, Does.Contain("belongs to sweep"));
        });
    }

    [TestCase(new[] { "--max-iter", "0" }, "--max-iter must be at least 1")]
    [TestCase(new[] { "--n", "0" }, "--n must be at least 1")]
    [TestCase(new[] { "--success", "-1" }, "--success must be a positive")]
    [TestCase(new[] { "--ratios", "0.01" }, "m = 0")]
    [TestCase(new[] { "--extra-rank", "100" }, "factor rank h")]
    [TestCase(new[] { "--shard", "3/3" }, "is not i/N")]
    [TestCase(new[] { "--grid", "/nonexistent/grid.json" }, "cannot read")]
    [TestCase(new[] { "--grid", "g.json", "--n", "5" }, "--n is shorthand")]
    public void Bad_sweeps_are_one_line_errors_with_exit_code_2(string[] args, string expected)
    {
        var (code, _, stderr) = Run(["sweep", .. args, "--out", Out("bad")]);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(2), stderr);
            Assert.That(stderr, Does.Contain(expected));
            Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(1), "one line");
            Assert.That(stderr, Does.Not.Contain("   at "));
        });
    }

    [Test]
    public void The_shorthand_flags_build_the_same_grid_as_their_file()
    {
        var flags = SweepGrid.Shorthand(12, [1, 4], [1, 2], 2, "scaledgd", 0, 300, 1e-3, 1);
        var file = SweepGrid.Parse("""
            { "seed": 1, "trials": 2,
              "base": { "n": 12, "kappa": 2, "solver": "scaledgd", "extra-rank": 0, "max-iter": 300, "tol-error": 1e-4 },
              "axes": [ { "name": "rank", "values": [1, 2] }, { "name": "ratio", "values": [1, 4] } ],
              "success": { "metric": "relative-error", "threshold": 1e-3 },
              "outputs": { "x": "ratio", "y": "rank" } }
            """, "g");
        Assert.That(file.Id, Is.EqualTo(flags.Id));
        Assert.That(file.Plan().Select(t => t.Config.Key), Is.EqualTo(flags.Plan().Select(t => t.Config.Key)));
    }
}
