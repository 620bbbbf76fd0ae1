using System.Text;
using MatrixSensing.Cli.Sweeps;

namespace MatrixSensing.Tests.Sweeps;

/// <summary>trials.jsonl: whole-line appends, torn tails dropped on resume, damage in the middle refused.</summary>
public class TrialLogTests
{
    private string _dir = "";

    [SetUp]
    public void MakeDirectory() => _dir = Directory.CreateTempSubdirectory("msense-log-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    private static TrialRecord Record(int trial) => new("abc", trial, 0, [KeyValuePair.Create("m", ConfigValue.Number(40 + trial))],
        new TrialConfig([KeyValuePair.Create("m", ConfigValue.Number(40 + trial)), KeyValuePair.Create("solver", ConfigValue.String("gd")), KeyValuePair.Create("symmetric", ConfigValue.Bool(true))]),
        new TrialOutcome("Converged", 12, 0.5, 1.25e-7, null, null), true, "1.0");

    [Test]
    public void Records_round_trip_and_appends_are_whole_lines()
    {
        string path = Path.Combine(_dir, "trials.jsonl");
        using (var log = TrialLog.Open(path, "abc", resume: false, _ => { }))
            Parallel.For(0, 50, i => log.Append(Record(i)));
        var lines = File.ReadAllLines(path);
        var read = TrialLog.Read(path, _ => { });
        Assert.Multiple(() =>
        {
            Assert.That(lines, Has.Length.EqualTo(50));
            Assert.That(read.Select(r => r.Trial).Order(), Is.EqualTo(Enumerable.Range(0, 50)));
            var r7 = read.Single(r => r.Trial == 7);
            Assert.That(r7.Config.Key, Is.EqualTo(Record(7).Config.Key));
            Assert.That(r7.Outcome, Is.EqualTo(Record(7).Outcome));
            Assert.That(r7.Config.ToArguments(), Is.EqualTo(new[] { "--m", "47", "--solver", "gd", "--symmetric" }));
        });
    }

    [Test]
    public void Resume_drops_a_torn_last_line_and_appends_after_the_good_ones()
    {
        string path = Path.Combine(_dir, "trials.jsonl");
        File.WriteAllBytes(path, [.. Record(0).ToLine(), .. Record(1).ToLine(), .. Record(2).ToLine()[..30]]);
        var warnings = new List<string>();
        using (var log = TrialLog.Open(path, "abc", resume: true, warnings.Add))
        {
            Assert.That(log.Existing.Select(r => r.Trial), Is.EqualTo(new[] { 0, 1 }));
            log.Append(Record(2));
        }
        Assert.That(warnings.Single(), Does.Contain("incomplete last line"));
        Assert.That(File.ReadAllText(path), Is.EqualTo(Encoding.UTF8.GetString([.. Record(0).ToLine(), .. Record(1).ToLine(), .. Record(2).ToLine()])));
    }

    [Test]
    public void A_damaged_line_in_the_middle_is_an_error_not_silently_skipped()
    {
        string path = Path.Combine(_dir, "trials.jsonl");
        File.WriteAllBytes(path, [.. Record(0).ToLine(), .. "garbage\n"u8.ToArray(), .. Record(1).ToLine()]);
        Assert.That(() => TrialLog.Open(path, "abc", resume: true, _ => { }), Throws.TypeOf<IOException>().With.Message.Contains("line 2"));
    }

    [Test]
    public void An_existing_log_is_not_reopened_without_resume()
    {
        string path = Path.Combine(_dir, "trials.jsonl");
        File.WriteAllBytes(path, Record(0).ToLine());
        Assert.That(() => TrialLog.Open(path, "abc", resume: false, _ => { }), Throws.TypeOf<IOException>().With.Message.Contains("--resume"));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(Record(0).ToLine()));
    }
}
