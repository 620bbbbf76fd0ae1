using System.Diagnostics;

namespace MatrixSensing.Tests.Packaging;

/// <summary>
/// The packages as a user gets them: installed from a local folder feed into a fresh project and a fresh tool path,
/// running on the bundled native library. The Test build target packs first (`./build.sh --target=Pack`).
/// </summary>
[Category("Packaging")]
public class PackageTests
{
    private static string Root => FindUpwards("MatrixSensing.Native.sln");
    private static string Feed => Path.Combine(Root, "artifacts", "packages");

    [OneTimeSetUp]
    public void RequirePackages()
    {
        bool present = Directory.Exists(Feed) && Directory.GetFiles(Feed, "MatrixSensing.Native.*.nupkg").Length > 0 && Directory.GetFiles(Feed, "msense.*.nupkg").Length > 0;
        Assert.That(present, Is.True, $"no packages in {Feed}: run ./build.sh --target=Pack (the Test target does)");
    }

    [Test]
    public void The_library_package_recovers_a_matrix_on_its_bundled_native_library()
    {
        string dir = Directory.CreateTempSubdirectory("msense-package-").FullName;
        try
        {
            Dotnet(dir, "new", "console", "--framework", "net10.0", "--name", "App", "--output", dir);
            File.WriteAllText(Path.Combine(dir, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration><packageSources><add key="local" value="{Feed}" /></packageSources></configuration>
                """);
            Dotnet(dir, "add", "package", "MatrixSensing.Native", "--version", "0.1.0");
            File.WriteAllText(Path.Combine(dir, "Program.cs"), """
                using MatrixSensing.Interop;
                using MatrixSensing.Operators;
                using MatrixSensing.Problems;
                using MatrixSensing.Solvers;
                var problem = SensingProblem.Create(LowRankTarget.Asymmetric<double>(20, 20, 2, 3, seed: 1), MeasurementOperators.Gaussian<double>(20, 20, 600, seed: 2));
                var result = new ScaledGd<double>().Solve(problem, new SolverOptions { ErrorTolerance = 1e-10, MaxIterations = 300 });
                Console.WriteLine(NativeLibraries.Describe().IsBundled ? "bundled" : "system");
                Console.WriteLine($"{result.Status} {result.Final.RelativeError:E2}");
                """);
            string output = Dotnet(dir, "run", "--configuration", "Release");
            Assert.That(output, Does.Contain("bundled"));
            Assert.That(output, Does.Contain("Converged"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void The_tool_package_installs_and_reports_the_bundled_library()
    {
        string dir = Directory.CreateTempSubdirectory("msense-tool-").FullName;
        try
        {
            Dotnet(dir, "tool", "install", "msense", "--version", "0.1.0", "--tool-path", Path.Combine(dir, "tools"), "--add-source", Feed);
            var info = new ProcessStartInfo(Path.Combine(dir, "tools", "msense"), ["info"]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(info)!;
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.That(process.ExitCode, Is.Zero);
            Assert.That(stdout, Does.Contain("(bundled)"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Dotnet(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", args) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"dotnet {string.Join(' ', args)}:\n{stdout}\n{stderr.Result}");
        return stdout;
    }

    private static string FindUpwards(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, name))) return dir.FullName;
        throw new FileNotFoundException(name);
    }
}
