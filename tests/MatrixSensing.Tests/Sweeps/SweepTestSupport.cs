using System.Diagnostics;
using CommandLine = MatrixSensing.Cli.Cli;

namespace MatrixSensing.Tests.Sweeps;

/// <summary>Runs msense in-process or as a child process, and compares sweep tables.</summary>
internal static class SweepTestSupport
{
    /// <summary>A 2 × 3 grid of 12 small trials (about a second in all).</summary>
    public const string SmallGrid = """
        {
          "seed": 11,
          "trials": 2,
          "base": { "n": 10, "kappa": 2, "solver": "scaledgd", "max-iter": 150, "tol-error": 1e-5 },
          "axes": [
            { "name": "rank", "values": [1, 2] },
            { "name": "dof-ratio", "from": 0.8, "to": 3.2, "count": 3 }
          ]
        }
        """;

    public static (int Code, string Stdout, string Stderr) Run(CancellationToken cancellation, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CommandLine.RunAsync(args, stdout, stderr, cancellation).GetAwaiter().GetResult();
        return (code, stdout.ToString(), stderr.ToString());
    }

    public static (int Code, string Stdout, string Stderr) Run(params string[] args) => Run(CancellationToken.None, args);

    /// <summary>Starts `dotnet msense.dll ARGS` (the CLI copied beside the tests).</summary>
    public static Process Start(params string[] args)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "msense.dll");
        var start = new ProcessStartInfo("dotnet", [cli, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["OPENBLAS_NUM_THREADS"] = "1";
        return Process.Start(start)!;
    }

    public static (int Code, string Output) Finish(Process process)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr);
    }

    /// <summary>
    /// Two sweep.csv tables are identical byte for byte (trials are deterministic: same seeds, one BLAS thread,
    /// dense ensembles stored at full precision); on a difference, names the first differing row and column.
    /// </summary>
    public static void AssertSameTable(string expectedPath, string actualPath)
    {
        var expected = File.ReadAllLines(expectedPath);
        var actual = File.ReadAllLines(actualPath);
        Assert.That(actual, Has.Length.EqualTo(expected.Length), "rows");
        var header = expected[0].Split(',');
        for (int row = 0; row < expected.Length; row++)
        {
            if (actual[row] == expected[row]) continue;
            var e = expected[row].Split(',');
            var a = actual[row].Split(',');
            int column = Enumerable.Range(0, Math.Min(e.Length, a.Length)).FirstOrDefault(c => e[c] != a[c]);
            Assert.Fail($"row {row}, column {header[column]}: expected {e[column]}, got {a[column]}");
        }
        Assert.That(File.ReadAllBytes(actualPath), Is.EqualTo(File.ReadAllBytes(expectedPath)));
    }
}
