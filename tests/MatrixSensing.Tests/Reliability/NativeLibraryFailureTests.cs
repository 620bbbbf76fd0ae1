using System.Diagnostics;

namespace MatrixSensing.Tests.Reliability;

/// <summary>
/// A missing or wrong native library, simulated with the override pointing elsewhere. The resolver caches per
/// process, so each case runs `msense info` in a child process.
/// </summary>
public class NativeLibraryFailureTests
{
    private static (int ExitCode, string Stdout, string Stderr) RunInfo(params (string Name, string Value)[] environment)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "msense.dll");
        Assert.That(File.Exists(cli), Is.True, $"the CLI is copied beside the tests: {cli}");
        var start = new ProcessStartInfo("dotnet", [cli, "info"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd(), stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr);
    }

    [Test]
    public void Missing_OpenBLAS_gives_one_line_with_the_paths_tried_and_the_install_command()
    {
        var (code, _, stderr) = RunInfo(("MSENSE_OPENBLAS_PATH", "/nonexistent/libopenblas.so.0"));
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(stderr, Does.Contain("/nonexistent/libopenblas.so.0"));
            Assert.That(stderr, Does.Contain("apt-get install libopenblas0-pthread liblapacke"));
            Assert.That(stderr, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
        });
    }

    [Test]
    public void A_library_without_the_LAPACKE_entry_points_is_refused_with_the_missing_names()
    {
        // libopenblas on Debian has no LAPACKE symbols (NO_LAPACKE), so pointing the lapacke name at it is a wrong library.
        var (code, _, stderr) = RunInfo(("MSENSE_LAPACKE_PATH", "libopenblas.so.0"));
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(stderr, Does.Contain("lacks").And.Contain("LAPACKE_"));
            Assert.That(stderr, Does.Not.Contain("   at "));
        });
    }

    [Test]
    public void The_system_libraries_load_through_the_override()
    {
        var (code, stdout, _) = RunInfo(("MSENSE_OPENBLAS_PATH", "libopenblas.so.0"), ("MSENSE_LAPACKE_PATH", "liblapacke.so.3"));
        Assert.That(code, Is.Zero);
        Assert.That(stdout, Does.Contain("libopenblas.so.0 (system)"));
    }

    [Test]
    public void The_default_search_finds_the_libraries()
    {
        var (code, stdout, _) = RunInfo();
        Assert.That(code, Is.Zero);
        Assert.That(stdout, Does.Contain("openblas").And.Contain("lapacke"));
    }
}
