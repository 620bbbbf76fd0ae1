using System.Diagnostics;
using System.Text.RegularExpressions;

namespace MatrixSensing.Tests.Interop;

/// <summary>
/// The selection as a user meets it: OpenBLAS reads <c>OPENBLAS_CORETYPE</c> once, when it is loaded, so each case is
/// a fresh `msense info` process with its own environment, for the bundled and for the system library. The
/// oracles are OpenBLAS itself (the core it runs with the selection off) and the kernel's CPU flags
/// (/proc/cpuinfo), not the selection code.
/// </summary>
[Category("ChildProcess")]
public partial class OpenBlasCoreSelectionProcessTests
{
    private static readonly (string, string)[] SystemLibraries =
        [("MSENSE_OPENBLAS_PATH", "libopenblas.so.0"), ("MSENSE_LAPACKE_PATH", "liblapacke.so.3")];

    private static readonly string[] BelowAvx2 =
        ["Unknown", "Katmai", "Coppermine", "Northwood", "Prescott", "Banias", "Atom", "Core2", "Penryn", "Dunnington",
         "Nehalem", "Athlon", "Opteron", "Opteron_SSE3", "Barcelona", "Nano", "Bobcat", "Sandybridge", "Bulldozer",
         "Piledriver", "Steamroller", "Excavator"];

    private sealed record Info(string Core, string Detected, string Chosen, string Reason, string Config);

    [GeneratedRegex(@"^core\s*: (\S+) \(detected: ([^,]+), chosen: ([^)]+)\)$", RegexOptions.Multiline)]
    private static partial Regex CoreLine();

    [GeneratedRegex(@"^selection: (.*)$", RegexOptions.Multiline)]
    private static partial Regex SelectionLine();

    [GeneratedRegex(@"^config\s*: (.*)$", RegexOptions.Multiline)]
    private static partial Regex ConfigLine();

    private static Info RunInfo(params (string Name, string Value)[] environment)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "msense.dll");
        var start = new ProcessStartInfo("dotnet", [cli, "info"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        // The child decides on its own: no value inherited from whoever started the tests.
        start.Environment.Remove("OPENBLAS_CORETYPE");
        start.Environment.Remove("MSENSE_OPENBLAS_CORE_SELECTION");
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, stderr.Result);
        var core = CoreLine().Match(stdout);
        Assert.That(core.Success, Is.True, stdout);
        return new Info(core.Groups[1].Value, core.Groups[2].Value, core.Groups[3].Value,
            SelectionLine().Match(stdout).Groups[1].Value, ConfigLine().Match(stdout).Groups[1].Value);
    }

    private static HashSet<string> CpuFlags()
    {
        if (!File.Exists("/proc/cpuinfo")) Assert.Ignore("no /proc/cpuinfo");
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
        return line is null ? [] : [.. line.Split(':', 2)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)];
    }

    private static bool IsDynamic(Info info) => info.Config.Contains("DYNAMIC_ARCH", StringComparison.Ordinal);

    [TestCase(false, TestName = "Bundled: the detected core is OpenBLAS's own and the chosen one runs")]
    [TestCase(true, TestName = "System: the detected core is OpenBLAS's own and the chosen one runs")]
    public void Detected_is_what_OpenBLAS_runs_alone_and_chosen_is_what_it_runs_then(bool system)
    {
        var env = system ? SystemLibraries : [];
        var alone = RunInfo([.. env, ("MSENSE_OPENBLAS_CORE_SELECTION", "off")]);
        var selected = RunInfo(env);
        Assert.Multiple(() =>
        {
            Assert.That(alone.Chosen, Is.EqualTo("none"));
            Assert.That(alone.Reason, Does.Contain("off"));
            Assert.That(selected.Detected, Is.EqualTo(alone.Core).IgnoreCase, "the probe predicts what OpenBLAS does alone");
            Assert.That(selected.Core, Is.EqualTo(selected.Chosen == "none" ? alone.Core : selected.Chosen).IgnoreCase,
                "openblas_get_corename reports the chosen core afterwards");
        });
    }

    [TestCase(false, TestName = "Bundled: never a pre-AVX2 core on an AVX2 CPU")]
    [TestCase(true, TestName = "System: never a pre-AVX2 core on an AVX2 CPU")]
    public void An_AVX2_CPU_never_runs_a_pre_AVX2_core(bool system)
    {
        var flags = CpuFlags();
        if (!flags.Contains("avx2") || !flags.Contains("fma")) Assert.Ignore("the CPU has no AVX2/FMA");
        var info = RunInfo(system ? SystemLibraries : []);
        if (!IsDynamic(info)) Assert.Ignore($"OpenBLAS built for one core: {info.Config}");
        Assert.That(BelowAvx2, Has.No.Member(info.Core), info.Reason);
        bool avx512 = new[] { "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl" }.All(flags.Contains);
        if (avx512 && (BelowAvx2.Contains(info.Detected) || info.Detected is "Haswell" or "Zen"))
        {
            string expected = flags.Contains("avx512_bf16") ? "Cooperlake" : "SkylakeX";
            Assert.That(info.Core, Is.EqualTo(expected), info.Reason);
        }
    }

    [Test]
    public void An_OPENBLAS_CORETYPE_in_the_environment_wins()
    {
        // Nehalem (SSE4.2) runs on every x86-64-v2 CPU, and is never what the selection would choose.
        if (!CpuFlags().Contains("sse4_2")) Assert.Ignore("no SSE4.2");
        var info = RunInfo(("OPENBLAS_CORETYPE", "Nehalem"));
        if (!IsDynamic(info)) Assert.Ignore($"OpenBLAS built for one core: {info.Config}");
        Assert.Multiple(() =>
        {
            Assert.That(info.Core, Is.EqualTo("Nehalem"));
            Assert.That(info.Chosen, Is.EqualTo("none"));
            Assert.That(info.Reason, Does.Contain("OPENBLAS_CORETYPE=Nehalem"));
        });
    }

    [Test]
    public void The_opt_out_variable_keeps_OpenBLASs_own_core()
    {
        var info = RunInfo(("MSENSE_OPENBLAS_CORE_SELECTION", "off"));
        Assert.Multiple(() =>
        {
            Assert.That(info.Chosen, Is.EqualTo("none"));
            Assert.That(info.Detected, Is.EqualTo(info.Core), "with nothing chosen, the detected core is the one running");
            Assert.That(info.Reason, Does.Contain("MSENSE_OPENBLAS_CORE_SELECTION=off"));
        });
    }

    [Test]
    public void The_selection_does_not_depend_on_the_runtimes_instruction_set_switches()
    {
        var reference = RunInfo();
        var switchedOff = RunInfo(("DOTNET_EnableAVX512F", "0"), ("DOTNET_EnableAVX2", "0"));
        Assert.That(switchedOff.Core, Is.EqualTo(reference.Core), "CPUID and XCR0 are read directly, not through .NET's IsSupported");
    }
}
