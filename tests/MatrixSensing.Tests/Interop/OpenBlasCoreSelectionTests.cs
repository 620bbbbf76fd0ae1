using MatrixSensing.Interop;

namespace MatrixSensing.Tests.Interop;

/// <summary>The kernel-family decision on synthetic CPUs, and the native-environment mechanism it relies on.</summary>
public class OpenBlasCoreSelectionTests
{
    private const string Dynamic = "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Prescott MAX_THREADS=64";
    private const CpuFeature Avx512All = CpuFeatures.Avx512Level | CpuFeature.Avx512Bf16;

    private static CpuFeatures Cpu(CpuFeature reported, CpuFeature? enabled = null, string vendor = "GenuineIntel") =>
        new(vendor, reported, enabled ?? reported);

    [TestCase("Prescott")]
    [TestCase("Nehalem")]
    [TestCase("Sandybridge")]
    [TestCase("Haswell")]
    public void A_core_below_AVX512_on_an_AVX512_BF16_CPU_is_replaced_by_Cooperlake(string detected)
    {
        var s = OpenBlasCoreSelection.Decide(Cpu(Avx512All), detected, Dynamic);
        Assert.That(s.Chosen, Is.EqualTo("Cooperlake"));
        Assert.That(s.Detected, Is.EqualTo(detected));
    }

    [Test]
    public void Without_BF16_the_AVX512_family_is_SkylakeX() =>
        Assert.That(OpenBlasCoreSelection.Decide(Cpu(CpuFeatures.Avx512Level), "Prescott", Dynamic).Chosen, Is.EqualTo("SkylakeX"));

    [Test]
    public void An_OpenBLAS_older_than_0_3_10_gets_SkylakeX_which_it_knows() =>
        Assert.That(OpenBlasCoreSelection.Decide(Cpu(Avx512All), "Prescott", "OpenBLAS 0.3.9 DYNAMIC_ARCH Prescott").Chosen, Is.EqualTo("SkylakeX"));

    [Test]
    public void AVX512_state_the_OS_does_not_enable_is_not_used()
    {
        // CPUID reports AVX-512, XCR0 enables only the AVX state: the AVX2 family, never SkylakeX.
        var s = OpenBlasCoreSelection.Decide(Cpu(Avx512All, enabled: CpuFeatures.Avx2Level), "Prescott", Dynamic);
        Assert.That(s.Chosen, Is.EqualTo("Haswell"));
    }

    [Test]
    public void An_AMD_AVX2_CPU_gets_Zen_and_an_Intel_one_Haswell()
    {
        Assert.That(OpenBlasCoreSelection.Decide(Cpu(CpuFeatures.Avx2Level, vendor: "AuthenticAMD"), "Barcelona", Dynamic).Chosen, Is.EqualTo("Zen"));
        Assert.That(OpenBlasCoreSelection.Decide(Cpu(CpuFeatures.Avx2Level), "Prescott", Dynamic).Chosen, Is.EqualTo("Haswell"));
    }

    [TestCase("Cooperlake")]
    [TestCase("SkylakeX")]
    [TestCase("SapphireRapids")]
    public void A_core_already_at_the_CPUs_level_is_kept(string detected)
    {
        var s = OpenBlasCoreSelection.Decide(Cpu(Avx512All), detected, Dynamic);
        Assert.That(s.Chosen, Is.Null);
        Assert.That(s.Detected, Is.EqualTo(detected));
    }

    [Test]
    public void Zen_on_an_AVX2_AMD_CPU_is_kept() =>
        Assert.That(OpenBlasCoreSelection.Decide(Cpu(CpuFeatures.Avx2Level, vendor: "AuthenticAMD"), "Zen", Dynamic).Chosen, Is.Null);

    [Test]
    public void Nothing_is_chosen_without_AVX2_FMA_or_for_a_core_not_ranked_or_a_single_core_build()
    {
        Assert.Multiple(() =>
        {
            Assert.That(OpenBlasCoreSelection.Decide(Cpu(CpuFeature.Avx | CpuFeature.Avx2), "Prescott", Dynamic).Chosen, Is.Null, "AVX2 without FMA");
            Assert.That(OpenBlasCoreSelection.Decide(Cpu(Avx512All), "GraniteRapids", Dynamic).Chosen, Is.Null, "a future core name");
            Assert.That(OpenBlasCoreSelection.Decide(Cpu(Avx512All), "Prescott", "OpenBLAS 0.3.21 NO_AFFINITY Prescott MAX_THREADS=64").Chosen,
                Is.Null, "no DYNAMIC_ARCH: OPENBLAS_CORETYPE is ignored");
        });
    }

    [Test]
    public void The_version_is_read_from_the_config_string()
    {
        Assert.Multiple(() =>
        {
            Assert.That(OpenBlasCoreSelection.ParseVersion(Dynamic), Is.EqualTo(new Version(0, 3, 21)));
            Assert.That(OpenBlasCoreSelection.ParseVersion("OpenBLAS 0.3.26.dev DYNAMIC_ARCH"), Is.EqualTo(new Version(0, 3, 26)));
            Assert.That(OpenBlasCoreSelection.ParseVersion("something else"), Is.Null);
        });
    }

    [TestCase("off", true)]
    [TestCase(" OFF ", true)]
    [TestCase("0", true)]
    [TestCase("false", true)]
    [TestCase("on", false)]
    [TestCase("", false)]
    [TestCase(null, false)]
    public void Opt_out_values(string? value, bool off) => Assert.That(OpenBlasCoreSelection.IsOptOut(value), Is.EqualTo(off));

    [Test]
    public void With_selection_off_nothing_is_probed_or_chosen()
    {
        if (!string.IsNullOrEmpty(NativeC.GetEnvironment(OpenBlasCoreSelection.CoreTypeVariable)))
            Assert.Ignore("OPENBLAS_CORETYPE is set for this process, and it takes precedence over the switch");
        var s = OpenBlasCoreSelection.Prepare("/nonexistent/libopenblas.so.0", enabled: false);
        Assert.That(s.Chosen, Is.Null);
        Assert.That(s.Reason, Does.Contain("off"));
    }

    [Test]
    public void The_API_switch_is_the_one_the_resolver_reads()
    {
        bool before = NativeLibraries.SelectOpenBlasCore;
        try
        {
            NativeLibraries.SelectOpenBlasCore = !before;
            Assert.That(NativeLibraryResolver.SelectCore, Is.EqualTo(!before));
        }
        finally
        {
            NativeLibraries.SelectOpenBlasCore = before;
        }
    }

    [Test]
    public void The_native_environment_is_what_setenv_writes_and_not_what_dotnet_writes()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("Linux only");
        const string name = "MSENSE_TEST_NATIVE_ENVIRONMENT";
        try
        {
            Environment.SetEnvironmentVariable(name, "managed");
            Assert.That(NativeC.GetEnvironment(name), Is.Null, ".NET keeps its own copy on Unix: OpenBLAS would not see this");
            NativeC.SetEnvironment(name, "native");
            Assert.That(NativeC.GetEnvironment(name), Is.EqualTo("native"));
        }
        finally
        {
            NativeC.SetEnvironment(name, null);
            Environment.SetEnvironmentVariable(name, null);
        }
        Assert.That(NativeC.GetEnvironment(name), Is.Null);
    }

    [Test]
    public void After_loading_the_native_environment_is_as_the_process_started()
    {
        // /proc/self/environ is the environment the process was started with, untouched by setenv.
        if (!File.Exists("/proc/self/environ")) Assert.Ignore("no /proc");
        NativeLibraries.EnsureLoaded();
        var initial = File.ReadAllText("/proc/self/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split('=', 2)).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1]);
        Assert.Multiple(() =>
        {
            foreach (var name in new[] { OpenBlasCoreSelection.CoreTypeVariable, "OPENBLAS_NUM_THREADS" })
                Assert.That(NativeC.GetEnvironment(name), Is.EqualTo(initial.GetValueOrDefault(name)), name);
        });
    }

    [Test]
    public void This_process_runs_the_core_the_selection_reports()
    {
        var d = NativeLibraries.Describe();
        Assert.That(d.CoreSelection, Is.Not.Null);
        if (d.CoreSelection!.Chosen is { } chosen) Assert.That(d.CoreName, Is.EqualTo(chosen).IgnoreCase);
        else if (d.CoreSelection.Detected is { } detected) Assert.That(d.CoreName, Is.EqualTo(detected).IgnoreCase);
    }
}
