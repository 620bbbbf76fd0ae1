using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

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

    /// <summary>The version this build packed (MinVer, from git): the library's informational version without the commit.</summary>
    private static string Version => typeof(MatrixSensing.Solvers.SolverOptions).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    private static string PackagePath(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

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
            Dotnet(dir, "add", "package", "MatrixSensing.Native", "--version", Version);
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
            Dotnet(dir, "tool", "install", "msense", "--version", Version, "--tool-path", Path.Combine(dir, "tools"), "--add-source", Feed);
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

    [Test]
    public void The_version_comes_from_git_and_is_what_the_tool_reports()
    {
        Assert.That(Version, Does.Match(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$"));
        Assert.That(Version, Is.Not.EqualTo("1.0.0").And.Not.EqualTo("0.1.0"), "a fixed version would let a NuGet cache mask a rebuilt package");
        Assert.That(File.Exists(PackagePath("MatrixSensing.Native")), Is.True, PackagePath("MatrixSensing.Native"));
        Assert.That(File.Exists(PackagePath("msense")), Is.True, PackagePath("msense"));
    }

    [Test]
    public void The_library_carries_its_pdb_and_sources_and_the_package_its_metadata()
    {
        using var package = ZipFile.OpenRead(PackagePath("MatrixSensing.Native"));
        var dll = package.Entries.Single(e => e.FullName == "lib/net10.0/MatrixSensing.Native.dll");
        using var memory = new MemoryStream();
        using (var stream = dll.Open()) stream.CopyTo(memory);
        memory.Position = 0;
        using var pe = new PEReader(memory);
        var embedded = pe.ReadDebugDirectory().Single(d => d.Type == DebugDirectoryEntryType.EmbeddedPortablePdb);
        using var pdb = pe.ReadEmbeddedPortablePdbDebugDirectoryData(embedded);
        var reader = pdb.GetMetadataReader();
        var embeddedSource = new Guid("0E8A571B-6926-466E-B4AD-8AB04611F5FE");
        var documents = reader.Documents.Select(h => reader.GetString(reader.GetDocument(h).Name)).ToList();
        Assert.That(documents, Has.Some.EndsWith("SolverSession.cs"));
        int embeddedSources = reader.CustomDebugInformation.Select(reader.GetCustomDebugInformation)
            .Count(c => c.Parent.Kind == HandleKind.Document && reader.GetGuid(c.Kind) == embeddedSource);
        Assert.That(embeddedSources, Is.EqualTo(documents.Count), "every source file is embedded in the PDB");
        var nuspec = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var text = new StreamReader(nuspec.Open());
        string xml = text.ReadToEnd();
        Assert.That(xml, Does.Contain("<license type=\"expression\">MIT</license>").And.Contain("<readme>README.md</readme>").And.Contain("<releaseNotes>"));
        Assert.That(xml, Does.Not.Contain("example.invalid"));
    }

    [Test]
    public void The_tool_ships_native_assets_for_supported_platforms_only()
    {
        using var package = ZipFile.OpenRead(PackagePath("msense"));
        var runtimes = package.Entries.Where(e => e.FullName.Contains("/runtimes/", StringComparison.Ordinal))
            .Select(e => e.FullName.Split("/runtimes/")[1].Split('/')[0]).Distinct().ToList();
        Assert.That(runtimes, Is.SubsetOf(new[] { "linux-x64", "linux-arm64" }));
        // 84.5 MB when it carried SkiaSharp's assets for twenty runtimes.
        Assert.That(new FileInfo(PackagePath("msense")).Length, Is.LessThan(84_553_634 / 3));
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
