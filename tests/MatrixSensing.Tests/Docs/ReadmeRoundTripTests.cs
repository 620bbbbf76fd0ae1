using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using MatrixSensing.Tests.IO;

namespace MatrixSensing.Tests.Docs;

/// <summary>The README's NumPy round trip, run as written (bash, /usr/bin/python3 and the built msense.dll).</summary>
public partial class ReadmeRoundTripTests
{
    private const string Msense = "dotnet artifacts/bin/MatrixSensing.Cli/release/msense.dll";

    [Test]
    public void The_NumPy_round_trip_of_the_README_recovers_M_star()
    {
        PythonNumPy.RequireOrIgnore();
        string readme = ReadmeExampleTests.FindUpwards("README.md");
        string root = Path.GetDirectoryName(readme)!;
        string dll = Path.Combine(root, "artifacts", "bin", "MatrixSensing.Cli", "release", "msense.dll");
        if (!File.Exists(dll)) Assert.Ignore($"{dll} is not built");
        var block = BashBlocks().Matches(File.ReadAllText(readme)).Select(m => m.Groups[1].Value).Single(b => b.Contains("solve --problem problem.npz", StringComparison.Ordinal));
        Assert.That(block, Does.Contain(Msense));
        using var dir = new NpyTestSupport.TempDirectory();
        var start = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", block.Replace(Msense, $"dotnet {dll}", StringComparison.Ordinal)])
        {
            WorkingDirectory = dir.Path, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["OPENBLAS_NUM_THREADS"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, stderr.Result);
        // The last line is NumPy's relative error of the estimate msense wrote.
        double error = double.Parse(stdout.Trim().Split('\n')[^1], CultureInfo.InvariantCulture);
        Assert.That(error, Is.LessThan(1e-6), stdout);
    }

    [GeneratedRegex("```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlocks();
}
