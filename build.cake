// Build script. Run through ./build.sh, which installs the prerequisites first.
//   ./build.sh                   Build, then run the main job (`msense run`)
//   ./build.sh --target=Test     all tests; prints "N passed, N failed, N skipped"
using System.Xml.Linq;

var target = Argument("target", "Run");
var configuration = Argument("configuration", "Release");
var solution = File("./MatrixSensing.Native.sln");
var artifacts = Directory("./artifacts");
var testResults = artifacts + Directory("test-results");

Task("Generate")
    .Description("Regenerates the [LibraryImport] bindings from the installed cblas.h and lapacke.h.")
    .Does(() => Run("/usr/bin/python3", "native/generate_bindings.py"));

Task("CheckBindings")
    .Description("Fails when the committed bindings differ from what the installed headers give.")
    .Does(() => Run("/usr/bin/python3", "native/generate_bindings.py --check"));

Task("Native")
    .Description("CMake preset build of libmsense_native (OpenBLAS + LAPACKE + the Fortran runtime in one .so), installed as native/build/runtimes/<rid>/native/, which the library build copies and packs.")
    .Does(() =>
{
    // The build preset installs into native/build (CMakePresets.json: installDir, targets ["install"]).
    var preset = Argument("native-preset", "linux-x64");
    RunIn("native", "cmake", $"--preset {preset}");
    RunIn("native", "cmake", $"--build --preset {preset}");
});

Task("Build")
    .Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings
    {
        Configuration = configuration,
        MSBuildSettings = new DotNetMSBuildSettings().SetMaxCpuCount(2),
    });
});

Task("Test")
    .IsDependentOn("CheckBindings")
    .IsDependentOn("Pack")
    .IsDependentOn("Build")
    .Does(() =>
{
    CleanDirectory(testResults);
    int exit = 0;
    try
    {
        DotNetTest("./tests/MatrixSensing.Tests/MatrixSensing.Tests.csproj", new DotNetTestSettings
        {
            Configuration = configuration,
            NoBuild = true,
            Loggers = { "trx;LogFileName=tests.trx", "console;verbosity=normal" },
            ResultsDirectory = testResults,
            EnvironmentVariables = { ["OPENBLAS_NUM_THREADS"] = "1" },
        });
    }
    catch (Exception)
    {
        exit = 1;
    }
    var (passed, failed, skipped) = CountResults(testResults);
    // Plain text (no colour): CI reads this line.
    Console.WriteLine($"{passed} passed, {failed} failed, {skipped} skipped");
    if (exit != 0 || failed > 0 || passed == 0) throw new Exception("Tests failed.");
});

Task("Run")
    .Description("The README's main job: `msense run` on its default problem.")
    .IsDependentOn("Build")
    .Does(() => Run("dotnet", $"artifacts/bin/MatrixSensing.Cli/{configuration.ToLowerInvariant()}/msense.dll run --out artifacts/run"));

Task("Figures")
    .Description("Regenerates the paper-reproduction figures and data under docs/figures.")
    .IsDependentOn("Build")
    .Does(() =>
{
    foreach (var name in new[] { "scaledgd-vs-gd", "scaledgd-lambda", "init-scale", "sgd", "robustness" })
        Run("dotnet", $"artifacts/bin/MatrixSensing.Cli/{configuration.ToLowerInvariant()}/msense.dll reproduce {name} --out docs/figures");
});

Task("Perf")
    .Description("Side by side on the same problems: our iteration, NumPy (perf/peers), MathNet managed and the memory-bandwidth limit; writes artifacts/perf/side-by-side.json (--threads=N, default 2).")
    .IsDependentOn("Build")
    .Does(() =>
{
    var threads = Argument("threads", 2);
    var settings = new ProcessSettings
    {
        Arguments = $"artifacts/bin/MatrixSensing.Benchmarks/{configuration.ToLowerInvariant()}/MatrixSensing.Benchmarks.dll side-by-side --out artifacts/perf --threads {threads}",
        // Fully optimized code from the first call, so JIT tier-up never lands inside a timed or allocation-counted loop.
        EnvironmentVariables = new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "0" },
    };
    int code = StartProcess("dotnet", settings);
    if (code != 0) throw new Exception($"The side-by-side comparison exited with {code}.");
});


Task("Bench")
    .Description("BenchmarkDotNet suites in perf/ (pass --filter=PATTERN to choose).")
    .IsDependentOn("Build")
    .Does(() =>
{
    var filter = Argument("filter", "*");
    Run("dotnet", $"artifacts/bin/MatrixSensing.Benchmarks/{configuration.ToLowerInvariant()}/MatrixSensing.Benchmarks.dll --filter \"{filter}\"");
});

Task("Pack")
    .Description("Packs MatrixSensing.Native (with the linux-x64 native asset) and the msense tool into artifacts/packages.")
    .IsDependentOn("Native")
    .Does(() =>
{
    foreach (var project in new[] { "src/MatrixSensing/MatrixSensing.csproj", "src/MatrixSensing.Cli/MatrixSensing.Cli.csproj" })
        DotNetPack(project, new DotNetPackSettings { Configuration = configuration, OutputDirectory = artifacts + Directory("packages") });
});

Task("PublishAot")
    .Description("Publishes msense as one NativeAOT executable (with the bundled native library) into artifacts/aot; x86-64-v3 unless --aot-instruction-set=x86-64-v2 (portable, slower).")
    .IsDependentOn("Native")
    .Does(() =>
{
    // Default from MatrixSensing.Cli.csproj (x86-64-v3); warnings are errors, so a published binary has none.
    var isa = Argument("aot-instruction-set", "");
    Run("dotnet", "publish src/MatrixSensing.Cli -c Release -r linux-x64 -p:PublishAot=true -o artifacts/aot" + (isa == "" ? "" : $" -p:IlcInstructionSet={isa}"));
});

Task("Demo")
    .Description("`msense demo`: GEMM and SVD through the native layer.")
    .IsDependentOn("Build")
    .Does(() => Run("dotnet", $"artifacts/bin/MatrixSensing.Cli/{configuration.ToLowerInvariant()}/msense.dll demo"));

Task("Default").IsDependentOn("Run");

RunTarget(target);

void Run(string tool, string arguments)
{
    int code = StartProcess(tool, new ProcessSettings { Arguments = arguments });
    if (code != 0) throw new Exception($"`{tool} {arguments}` exited with {code}.");
}

void RunIn(string workingDirectory, string tool, string arguments)
{
    int code = StartProcess(tool, new ProcessSettings { Arguments = arguments, WorkingDirectory = workingDirectory });
    if (code != 0) throw new Exception($"`{tool} {arguments}` (in {workingDirectory}) exited with {code}.");
}

// Counts outcomes over every TRX file of the run, so the summary is the runner's own result.
(int passed, int failed, int skipped) CountResults(string directory)
{
    int passed = 0, failed = 0, skipped = 0;
    foreach (var trx in System.IO.Directory.GetFiles(directory, "*.trx", SearchOption.AllDirectories))
    {
        var counters = XDocument.Load(trx).Descendants().FirstOrDefault(e => e.Name.LocalName == "Counters");
        if (counters is null) continue;
        int Get(string name) => int.TryParse((string)counters.Attribute(name), out var v) ? v : 0;
        passed += Get("passed");
        failed += Get("failed") + Get("error") + Get("timeout") + Get("aborted");
        skipped += Get("notExecuted");
    }
    return (passed, failed, skipped);
}
