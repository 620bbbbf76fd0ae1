using System.Text.RegularExpressions;
using MatrixSensing.Cli;

namespace MatrixSensing.Tests.Cli;

/// <summary>
/// The probe suite: each row of <see cref="ProbeTable"/> runs the built `msense` in a child process and checks its
/// exit code, a fragment of its output, the absence of a stack trace and the row's own assertions. The README's
/// exit-code table and docs/reliability.md's counts are checked against the same sources.
/// </summary>
[Category("Probe")]
public partial class ProbeTests
{
    private static IEnumerable<TestCaseData> Rows() => ProbeTable.All().Select(p => new TestCaseData(p).SetName($"Probe [{p.Class}] {p.Name}"));

    [TestCaseSource(nameof(Rows))]
    public void Probe(Probe probe)
    {
        string dir = Directory.CreateTempSubdirectory("msense-probe-").FullName;
        try
        {
            using (var prepared = probe.Prepare?.Invoke(dir))
            {
                var args = probe.Args.Select(a => a.Replace("{dir}", dir, StringComparison.Ordinal)).ToArray();
                var result = ProbeHost.Run(args, probe);
                string both = result.Stdout + result.Stderr;
                string context = $"msense {string.Join(' ', args)}\nexit {result.ExitCode}\nstdout:\n{result.Stdout}\nstderr:\n{result.Stderr}";
                Assert.Multiple(() =>
                {
                    Assert.That(result.ExitCode, Is.EqualTo(probe.ExitCode), context);
                    Assert.That(both, Does.Contain(probe.Fragment), context);
                    Assert.That(both, Does.Not.Contain("   at ").And.Not.Contain("Unhandled exception"), "no stack trace\n" + context);
                    Assert.That(result.Stderr, Does.Not.Contain("(Parameter '").And.Not.Contain("Actual value was"), ".NET's suffixes are removed\n" + context);
                    int errorLines = result.Stderr.Split('\n').Count(l => l.StartsWith("msense: error:", StringComparison.Ordinal));
                    if (probe.ExitCode is ExitCodes.Usage or ExitCodes.InvalidInput or ExitCodes.Failed)
                        Assert.That(errorLines, Is.EqualTo(1), "exactly one error line\n" + context);
                    if (probe.MaxSecondsAfterSignal is { } limit)
                        Assert.That(result.SecondsAfterLastSignal, Is.LessThan(limit), "exits promptly after the signal\n" + context);
                });
                probe.Verify?.Invoke(dir, result);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Every_exit_code_of_the_table_is_probed()
    {
        var probed = ProbeTable.All().Select(p => p.ExitCode).ToHashSet();
        Assert.That(ExitCodes.Table.Select(t => t.Code), Is.SubsetOf(probed));
    }

    [Test]
    public void The_README_exit_code_table_is_the_one_the_suite_checks()
    {
        var readme = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md"));
        int start = Array.FindIndex(readme, l => l.StartsWith("### Exit codes", StringComparison.Ordinal));
        Assert.That(start, Is.GreaterThanOrEqualTo(0), "README has an '### Exit codes' section");
        var rows = readme.Skip(start + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|'))
            .Select(l => TableRow().Match(l)).Where(m => m.Success)
            .Select(m => (int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups[2].Value.Trim()))
            .ToList();
        Assert.That(rows, Is.EqualTo(ExitCodes.Table.Select(t => (t.Code, t.Meaning)).ToList()));
    }

    [Test]
    public void The_help_prints_the_exit_code_table()
    {
        var stdout = new StringWriter();
        int code = MatrixSensing.Cli.Cli.RunAsync(["--help"], stdout, new StringWriter(), CancellationToken.None).GetAwaiter().GetResult();
        Assert.That(code, Is.Zero);
        foreach (var (exit, meaning) in ExitCodes.Table)
            Assert.That(stdout.ToString(), Does.Contain($"{exit,3}  {meaning}"));
    }

    [Test]
    public void Reliability_doc_lists_each_probe_class_with_its_count()
    {
        var doc = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "reliability.md"));
        int start = Array.FindIndex(doc, l => l.StartsWith("## Command line under faults", StringComparison.Ordinal));
        Assert.That(start, Is.GreaterThanOrEqualTo(0), "docs/reliability.md has a 'Command line under faults' section");
        var listed = doc.Skip(start + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries)).Where(c => c.Length > 3 && int.TryParse(c[2], out _))
            .ToDictionary(c => c[1], c => int.Parse(c[2], System.Globalization.CultureInfo.InvariantCulture));
        var actual = ProbeTable.All().GroupBy(p => p.Class).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(listed, Is.EquivalentTo(actual));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MatrixSensing.Native.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("the repository root (MatrixSensing.Native.sln) above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^\|\s*(\d+)\s*\|(.*)\|\s*$")]
    private static partial Regex TableRow();
}
