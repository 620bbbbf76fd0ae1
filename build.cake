// Build script. Run through ./build.sh, which installs the prerequisites first.
//   ./build.sh                   Build, then run the main job (`msense run`)
//   ./build.sh --target=Test     all tests, then the determinism and kernel tests with AVX-512 and with AVX2 off;
//                                prints "N passed, N failed, N skipped" over all of them
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
    // The whole suite, then the determinism and kernel tests again on narrower vector paths (the CPUs users have
    // are not ours): with AVX-512 off the kernels take their 256-bit path, with AVX2 off the 128-bit one (and no FMA).
    // .NET 10 reads DOTNET_EnableAVX512; the older DOTNET_EnableAVX512F alone no longer turns AVX-512 off, so the leg
    // sets both. Each leg writes its own TRX file; the summary counts all of them.
    var legs = new (string Name, string Filter, Dictionary<string, string> Environment)[]
    {
        ("tests", null, new Dictionary<string, string>()),
        ("no-avx512", "TestCategory=Determinism|TestCategory=Kernels", new Dictionary<string, string> { ["DOTNET_EnableAVX512F"] = "0", ["DOTNET_EnableAVX512"] = "0" }),
        ("no-avx2", "TestCategory=Determinism|TestCategory=Kernels", new Dictionary<string, string> { ["DOTNET_EnableAVX2"] = "0" }),
    };
    foreach (var leg in legs)
    {
        var settings = new DotNetTestSettings
        {
            Configuration = configuration,
            NoBuild = true,
            Filter = leg.Filter,
            Loggers = { $"trx;LogFileName={leg.Name}.trx", "console;verbosity=normal" },
            ResultsDirectory = testResults,
            EnvironmentVariables = { ["OPENBLAS_NUM_THREADS"] = "1" },
        };
        foreach (var pair in leg.Environment) settings.EnvironmentVariables[pair.Key] = pair.Value;
        try
        {
            DotNetTest("./tests/MatrixSensing.Tests/MatrixSensing.Tests.csproj", settings);
        }
        catch (Exception)
        {
            exit = 1;
        }
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
    .Description("Regenerates every paper-reproduction figure and its data under docs/figures (`msense reproduce all`; about ten minutes on two cores, agn being the longest).")
    .IsDependentOn("Build")
    .Does(() => Run("dotnet", $"artifacts/bin/MatrixSensing.Cli/{configuration.ToLowerInvariant()}/msense.dll reproduce all --out docs/figures"));

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

Task("Arm64Native")
    .Description("Cross-builds libmsense_native for linux-arm64 (native/setup-arm64.sh installs Debian's cross toolchain, the arm64 archives and qemu first) and runs native/tests/bundle_check on it under qemu-aarch64-static.")
    .Does(() =>
{
    Run("bash", "native/setup-arm64.sh");
    RunIn("native", "cmake", "--preset linux-arm64");
    RunIn("native", "cmake", "--build --preset linux-arm64");
    RunIn("native", "ctest", "--preset linux-arm64");
});

Task("Arm64")
    .Description("linux-arm64 made real on an x64 host: the cross-built bundle (Arm64Native) packed beside the x64 one, then msense and the operator contract tests published self-contained for linux-arm64 and run under qemu-aarch64-static; `msense run` must match the x64 run (--arm64-tolerance, relative). Run before every release; docs/platforms.md.")
    .IsDependentOn("Arm64Native")
    .IsDependentOn("Pack")
    .IsDependentOn("Build")
    .Does(() =>
{
    var clock = System.Diagnostics.Stopwatch.StartNew();
    void Step(string what) => Console.WriteLine($"==> arm64 [{clock.Elapsed.TotalSeconds:F0} s] {what}");

    // 1. The library package carries both bundles, each for its own machine (ELF e_machine: 62 x86-64, 183 AArch64).
    var package = System.IO.Directory.GetFiles(artifacts + Directory("packages"), "MatrixSensing.Native.*.nupkg").Single();
    using (var zip = System.IO.Compression.ZipFile.OpenRead(package))
    {
        foreach (var (rid, machine) in new[] { ("linux-x64", 62), ("linux-arm64", 183) })
        {
            var entry = zip.GetEntry($"runtimes/{rid}/native/libmsense_native.so")
                ?? throw new Exception($"{package} has no runtimes/{rid}/native/libmsense_native.so");
            var header = new byte[20];
            using (var stream = entry.Open()) stream.ReadExactly(header);
            int found = header[18] | header[19] << 8;
            if (found != machine) throw new Exception($"{package}: runtimes/{rid} holds an ELF for machine {found}, not {machine}");
        }
    }
    Step($"{System.IO.Path.GetFileName(package)} holds runtimes/linux-x64 and runtimes/linux-arm64 (ELF machines checked)");

    // 2. msense, self-contained for linux-arm64 (runtime packs from NuGet), under the emulator.
    var msense = artifacts + Directory("arm64/msense");
    DotNetPublish("src/MatrixSensing.Cli/MatrixSensing.Cli.csproj", new DotNetPublishSettings
    {
        Configuration = configuration, Runtime = "linux-arm64", SelfContained = true, OutputDirectory = msense,
    });
    Step("msense published for linux-arm64");

    var info = Arm64Run($"{msense}/msense", "info");
    Console.Write(info);
    if (!info.Contains("(bundled)") || !info.Contains("rid: linux-arm64"))
        throw new Exception("msense info under emulation did not load the bundled linux-arm64 library.");
    // OpenBLAS's arm64 core names (armv8, cortexa57, neoversen1, thunderx2t99, ...): any of them is an ARMv8 core.
    if (!System.Text.RegularExpressions.Regex.IsMatch(info, @"(?im)^core\s*:\s*(armv8|cortex|neoverse|thunderx|falkor|tsv110|emag|a64fx|vortex)"))
        throw new Exception("msense info under emulation does not report an ARMv8 OpenBLAS core.");
    Step("msense info: bundled library, ARMv8 core");

    var demo = Arm64Run($"{msense}/msense", "demo");
    Console.Write(demo);
    var residual = System.Text.RegularExpressions.Regex.Match(demo, @"UΣVᵀ‖/‖A‖ = ([0-9.Ee+-]+)");
    if (!residual.Success || double.Parse(residual.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 1e-12)
        throw new Exception("msense demo under emulation: the SVD does not reconstruct A to 1e-12.");
    Step("msense demo: GEMM and SVD through the arm64 bundle");

    // 3. The same small run on both machines: same solvers, statuses and iteration counts, final errors within
    //    the tolerance (relative). One BLAS thread on both, so each side's summation order is fixed. The kernels
    //    differ (AVX-512 vs NEON), so the errors agree to rounding, not bitwise, and the run is chosen so that
    //    rounding is far below 1e-10 of the final error: spectral initialization (a small random one is amplified
    //    through the saddle plateau, to ~3e-10 relative) and a stop at 1e-5 (the computed ‖X − M‖/‖M‖ itself
    //    carries ~1e-16 absolute rounding, which is 1e-8 relative of an error of 1e-8). docs/platforms.md.
    var tolerance = Argument("arm64-tolerance", 1e-10);
    // GD stops at --max-iter short of the tolerance, so msense exits with ToleranceNotReached (5) on both machines.
    var notConverged = new[] { 5 };
    var runArgs = "run --n1 30 --n2 20 --rank 2 --m 600 --h 2 --init spectral --tol-error 1e-5 --max-iter 400 --time-budget 0 --threads 1 --quiet --json";
    var x64 = System.Text.Json.JsonDocument.Parse(Capture("dotnet",
        $"artifacts/bin/MatrixSensing.Cli/{configuration.ToLowerInvariant()}/msense.dll {runArgs} --out artifacts/arm64/run-x64",
        new Dictionary<string, string> { ["OPENBLAS_NUM_THREADS"] = "1" }, accept: notConverged));
    var arm = System.Text.Json.JsonDocument.Parse(Arm64Run($"{msense}/msense", $"{runArgs} --out artifacts/arm64/run-arm64", accept: notConverged));
    var pairs = x64.RootElement.EnumerateArray().Zip(arm.RootElement.EnumerateArray()).ToList();
    if (pairs.Count == 0 || x64.RootElement.GetArrayLength() != arm.RootElement.GetArrayLength())
        throw new Exception("msense run: the x64 and arm64 runs report different solver lists.");
    bool same = true;
    foreach (var (a, b) in pairs)
    {
        string solver = a.GetProperty("solver").GetString(), status = a.GetProperty("status").GetString();
        int ia = a.GetProperty("iterations").GetInt32(), ib = b.GetProperty("iterations").GetInt32();
        double ea = a.GetProperty("relativeError").GetDouble(), eb = b.GetProperty("relativeError").GetDouble();
        double rel = Math.Abs(ea - eb) / Math.Abs(ea);
        bool ok = solver == b.GetProperty("solver").GetString() && status == b.GetProperty("status").GetString()
            && ia == ib && rel <= tolerance;
        same &= ok;
        Console.WriteLine($"    {solver,-14} {status,-14} iterations x64 {ia} arm64 {ib}; error x64 {ea:R} arm64 {eb:R} (relative difference {rel:E2}{(ea == eb ? ", bitwise equal" : "")}) {(ok ? "ok" : "DIFFERENT")}");
    }
    if (!same) throw new Exception($"msense run: arm64 and x64 differ (iterations, status, or final error beyond {tolerance:E0} relative).");
    Step("msense run: arm64 equals x64");

    // 4. The operator contract tests on arm64's vector paths: the test assembly as a self-contained
    //    Microsoft.Testing.Platform executable (NUnit runner), since `dotnet test` would start an arm64 testhost
    //    that only a registered binfmt handler could run.
    var tests = artifacts + Directory("arm64/tests");
    DotNetPublish("tests/MatrixSensing.Tests/MatrixSensing.Tests.csproj", new DotNetPublishSettings
    {
        Configuration = configuration, Runtime = "linux-arm64", SelfContained = true, OutputDirectory = tests,
        MSBuildSettings = new DotNetMSBuildSettings().WithProperty("EnableNUnitRunner", "true").WithProperty("UseAppHost", "true"),
    });
    Step("tests published for linux-arm64");
    var filter = Argument("arm64-filter", "FullyQualifiedName~OperatorContractTests");
    var started = clock.Elapsed;
    var output = Arm64Run($"{tests}/MatrixSensing.Tests",
        $"--filter \"{filter}\" --no-ansi --progress off --results-directory artifacts/arm64/test-results", allowFailure: true);
    Console.Write(output);
    int Count(string label) =>
        System.Text.RegularExpressions.Regex.Match(output, $@"(?m)^\s*{label}:\s*(\d+)") is { Success: true } m ? int.Parse(m.Groups[1].Value) : -1;
    int passed = Count("succeeded"), failed = Count("failed"), skipped = Count("skipped");
    Console.WriteLine($"arm64: {passed} passed, {failed} failed, {skipped} skipped ({(clock.Elapsed - started).TotalSeconds:F0} s under emulation)");
    if (passed <= 0 || failed != 0) throw new Exception("The tests failed under arm64 emulation.");
    Step("done");
});

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

// Runs an arm64 executable: directly on an arm64 host, else under qemu-aarch64-static (no binfmt registration
// needed). No -L prefix: the multiarch libc6:arm64 provides the loader and libc, and the cross toolchain's ld.so
// under /usr/aarch64-linux-gnu must not be mixed with that libc (see native/cmake/aarch64-linux-gnu.cmake).
string Arm64Run(string executable, string arguments, bool allowFailure = false, int[] accept = null)
{
    bool native = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64;
    var environment = new Dictionary<string, string>
    {
        ["OPENBLAS_NUM_THREADS"] = "1",
        // Emulated .NET has no arm64 ICU installed; our code and tests are culture-invariant.
        ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1",
    };
    return native
        ? Capture(executable, arguments, environment, allowFailure, accept)
        : Capture("qemu-aarch64-static", $"{executable} {arguments}", environment, allowFailure, accept);
}

// Runs a tool and returns its standard output; throws on an exit code other than 0 (or those in accept) unless
// allowFailure.
string Capture(string tool, string arguments, IDictionary<string, string> environment, bool allowFailure = false, int[] accept = null)
{
    var settings = new ProcessSettings { Arguments = arguments, RedirectStandardOutput = true, EnvironmentVariables = environment };
    int code = StartProcess(tool, settings, out var lines);
    var text = string.Join("\n", lines) + "\n";
    if (code != 0 && !(accept?.Contains(code) ?? false) && !allowFailure) throw new Exception($"`{tool} {arguments}` exited with {code}:\n{text}");
    return text;
}
