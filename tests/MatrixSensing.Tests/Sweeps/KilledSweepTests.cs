using System.Diagnostics;
using System.Text.Json;
using MatrixSensing.Cli.Sweeps;
using static MatrixSensing.Tests.Sweeps.SweepTestSupport;

namespace MatrixSensing.Tests.Sweeps;

/// <summary>
/// A sweep process stopped from outside: SIGKILL leaves only whole records and resumes to the uninterrupted result;
/// SIGTERM exits 143 with partial files that say so.
/// </summary>
public class KilledSweepTests
{
    private const string LongerGrid = """
        { "seed": 5, "trials": 8,
          "base": { "n": 12, "kappa": 2, "solver": "scaledgd-lambda", "max-iter": 300, "tol-error": 1e-9 },
          "axes": [ { "name": "rank", "values": [1, 2, 3] }, { "name": "dof-ratio", "values": [1.5, 2.5, 3.5] } ] }
        """;

    private string _dir = "";
    private string _grid = "";

    [SetUp]
    public void MakeDirectory()
    {
        _dir = Directory.CreateTempSubdirectory("msense-killed-").FullName;
        _grid = Path.Combine(_dir, "grid.json");
        File.WriteAllText(_grid, LongerGrid);
    }

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    private string Out(string name) => Path.Combine(_dir, name);

    private static void WaitForRecords(string log, int count, Process process)
    {
        var clock = Stopwatch.StartNew();
        while ((!File.Exists(log) || File.ReadAllLines(log).Length < count) && !process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(120))
            Thread.Sleep(20);
    }

    [Test]
    public void A_sweep_killed_with_sigkill_leaves_whole_records_and_resumes_to_the_uninterrupted_result()
    {
        var whole = Finish(Start("sweep", "--grid", _grid, "--out", Out("whole")));
        Assert.That(whole.Code, Is.Zero, whole.Output);
        using var victim = Start("sweep", "--grid", _grid, "--out", Out("killed"), "--parallel", "2");
        string log = Path.Combine(Out("killed"), "trials.jsonl");
        WaitForRecords(log, 5, victim);
        Assume.That(victim.HasExited, Is.False, "the sweep finished before it could be killed");
        victim.Kill();
        victim.WaitForExit();
        var lines = File.ReadAllText(log);
        int recorded = lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        Assert.Multiple(() =>
        {
            Assert.That(lines, Does.EndWith("\n"), "no torn last line");
            Assert.That(lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).All(l => TrialRecord.TryParse(l) is not null), Is.True, "every line is a record");
            Assert.That(recorded, Is.InRange(5, 71));
        });
        var resumed = Finish(Start("sweep", "--grid", _grid, "--out", Out("killed"), "--resume"));
        Assert.That(resumed.Code, Is.Zero, resumed.Output);
        Assert.That(resumed.Output, Does.Contain($"{72 - recorded} to run, {recorded} already recorded"));
        Assert.That(File.ReadAllBytes(Path.Combine(Out("killed"), "summary.json")), Is.EqualTo(File.ReadAllBytes(Path.Combine(Out("whole"), "summary.json"))));
        Assert.That(File.ReadAllBytes(Path.Combine(Out("killed"), "heatmap.png")), Is.EqualTo(File.ReadAllBytes(Path.Combine(Out("whole"), "heatmap.png"))));
        AssertSameTable(Path.Combine(Out("whole"), "sweep.csv"), Path.Combine(Out("killed"), "sweep.csv"));
    }

    [Test]
    public void A_sweep_stopped_with_sigterm_exits_143_and_writes_partial_files()
    {
        using var victim = Start("sweep", "--grid", _grid, "--out", Out("term"), "--parallel", "2");
        string log = Path.Combine(Out("term"), "trials.jsonl");
        WaitForRecords(log, 3, victim);
        Assume.That(victim.HasExited, Is.False, "the sweep finished before it could be stopped");
        using (var kill = Process.Start("kill", ["-TERM", victim.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
        var (code, output) = Finish(victim);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(Out("term"), "summary.partial.json")));
        int ran = summary.RootElement.GetProperty("ran").GetInt32();
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(143), output);
            Assert.That(summary.RootElement.GetProperty("complete").GetBoolean(), Is.False);
            Assert.That(ran, Is.EqualTo(File.ReadAllLines(log).Length).And.LessThan(72));
            Assert.That(File.Exists(Path.Combine(Out("term"), "summary.json")), Is.False, "no complete-looking result");
            Assert.That(File.ReadAllLines(Path.Combine(Out("term"), "sweep.partial.csv")), Has.Length.EqualTo(1 + ran));
            Assert.That(output, Does.Contain("continue with --resume"));
        });
    }
}
