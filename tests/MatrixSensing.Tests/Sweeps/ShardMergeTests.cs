using System.Diagnostics;
using static MatrixSensing.Tests.Sweeps.SweepTestSupport;

namespace MatrixSensing.Tests.Sweeps;

/// <summary>
/// The shard/merge contract with separate processes: N `msense sweep --shard i/N` processes at once, then
/// `msense merge`, give the unsharded run's table, summary and figure byte for byte.
/// </summary>
public class ShardMergeTests
{
    private string _dir = "";
    private string _grid = "";

    [SetUp]
    public void MakeDirectory()
    {
        _dir = Directory.CreateTempSubdirectory("msense-shards-").FullName;
        _grid = Path.Combine(_dir, "grid.json");
        File.WriteAllText(_grid, SmallGrid);
    }

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    private string Out(string name) => Path.Combine(_dir, name);

    [TestCase(3)]
    public void Shards_in_separate_processes_merge_to_the_unsharded_result(int shards)
    {
        var whole = Finish(Start("sweep", "--grid", _grid, "--out", Out("whole"), "--parallel", "1"));
        Assert.That(whole.Code, Is.Zero, whole.Output);
        var processes = Enumerable.Range(0, shards)
            .Select(i => Start("sweep", "--grid", _grid, "--shard", $"{i}/{shards}", "--out", Out($"shard-{i}"), "--parallel", "1")).ToList();
        foreach (var process in processes)
        {
            var (code, output) = Finish(process);
            Assert.That(code, Is.Zero, output);
            process.Dispose();
        }
        var counts = Enumerable.Range(0, shards).Select(i => File.ReadAllLines(Path.Combine(Out($"shard-{i}"), "trials.jsonl")).Length).ToList();
        Assert.That(counts.Sum(), Is.EqualTo(12));
        Assert.That(counts, Has.All.GreaterThan(0));
        Assert.That(File.Exists(Path.Combine(Out("shard-0"), "sweep.csv")), Is.False, "a shard alone writes no final table");
        var merged = Finish(Start(["merge", .. Enumerable.Range(0, shards).Select(i => Out($"shard-{i}")), "--out", Out("merged")]));
        Assert.That(merged.Code, Is.Zero, merged.Output);
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(Path.Combine(Out("merged"), "summary.json")), Is.EqualTo(File.ReadAllBytes(Path.Combine(Out("whole"), "summary.json"))));
            Assert.That(File.ReadAllBytes(Path.Combine(Out("merged"), "heatmap.png")), Is.EqualTo(File.ReadAllBytes(Path.Combine(Out("whole"), "heatmap.png"))));
            Assert.That(File.ReadAllLines(Path.Combine(Out("merged"), "trials.jsonl")), Has.Length.EqualTo(12));
        });
        AssertSameTable(Path.Combine(Out("whole"), "sweep.csv"), Path.Combine(Out("merged"), "sweep.csv"));
    }

    [Test]
    public void Merging_a_shard_of_another_sweep_is_refused_and_a_missing_shard_gives_a_partial_result()
    {
        Assert.That(Run("sweep", "--grid", _grid, "--shard", "0/2", "--out", Out("s0"), "--threads", "1").Code, Is.Zero);
        Assert.That(Run("sweep", "--n", "8", "--ranks", "1", "--ratios", "2", "--trials", "1", "--shard", "0/1", "--out", Out("other")).Code, Is.Zero);
        var mixed = Run("merge", Out("s0"), Out("other"), "--out", Out("m1"));
        var missing = Run("merge", Out("s0"), "--out", Out("m2"));
        Assert.Multiple(() =>
        {
            Assert.That(mixed.Code, Is.EqualTo(2));
            Assert.That(mixed.Stderr, Does.Contain("not shards of one sweep"));
            Assert.That(missing.Code, Is.EqualTo(1));
            Assert.That(File.Exists(Path.Combine(Out("m2"), "summary.json")), Is.False);
            Assert.That(File.ReadAllText(Path.Combine(Out("m2"), "summary.partial.json")), Does.Contain("\"complete\": false"));
        });
    }
}
