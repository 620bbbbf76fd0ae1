using System.Runtime.Intrinsics.X86;

namespace MatrixSensing.Interop;

/// <summary>x86-64 instruction-set extensions that decide which OpenBLAS kernel family can run.</summary>
[Flags]
internal enum CpuFeature
{
    None = 0,
    Avx = 1 << 0,
    Avx2 = 1 << 1,
    Fma = 1 << 2,
    Avx512F = 1 << 3,
    Avx512CD = 1 << 4,
    Avx512BW = 1 << 5,
    Avx512DQ = 1 << 6,
    Avx512VL = 1 << 7,
    Avx512Bf16 = 1 << 8,
}

/// <summary>
/// What the CPU reports (CPUID) and what the operating system has enabled (the AVX and AVX-512 register state in
/// XCR0), read independently of .NET's own <c>IsSupported</c> flags, which <c>DOTNET_EnableAVX512F=0</c> and the
/// NativeAOT instruction-set baseline turn off although OpenBLAS can still use the instructions.
/// </summary>
/// <param name="Vendor">The CPUID vendor string, e.g. <c>GenuineIntel</c>, <c>AuthenticAMD</c>; empty if unknown.</param>
/// <param name="Reported">Extensions CPUID reports.</param>
/// <param name="Enabled">Extensions whose register state the OS enables, as the C library computed from XCR0
/// (glibc's <c>CPU_FEATURE_ACTIVE</c>); <see cref="CpuFeature.None"/> where that cannot be read.</param>
internal readonly record struct CpuFeatures(string Vendor, CpuFeature Reported, CpuFeature Enabled)
{
    internal const CpuFeature Avx2Level = CpuFeature.Avx | CpuFeature.Avx2 | CpuFeature.Fma;
    internal const CpuFeature Avx512Level = Avx2Level | CpuFeature.Avx512F | CpuFeature.Avx512CD | CpuFeature.Avx512BW
                                            | CpuFeature.Avx512DQ | CpuFeature.Avx512VL;

    /// <summary>Extensions both reported and enabled: the only ones a kernel may rely on.</summary>
    internal CpuFeature Usable => Reported & Enabled;

    internal bool Has(CpuFeature all) => (Usable & all) == all;

    // Bits as (leaf, subleaf, register, bit): leaf 1 ECX, leaf 7.0 EBX, leaf 7.1 EAX.
    private static readonly (CpuFeature Feature, int Leaf, int Register, int Bit)[] Bits =
    [
        (CpuFeature.Avx, 0, 2, 28), (CpuFeature.Fma, 0, 2, 12),
        (CpuFeature.Avx2, 1, 1, 5), (CpuFeature.Avx512F, 1, 1, 16), (CpuFeature.Avx512DQ, 1, 1, 17),
        (CpuFeature.Avx512CD, 1, 1, 28), (CpuFeature.Avx512BW, 1, 1, 30), (CpuFeature.Avx512VL, 1, 1, 31),
        (CpuFeature.Avx512Bf16, 6, 0, 5),
    ];

    /// <summary>Reads this machine's features; all <see cref="CpuFeature.None"/> on a non-x86 CPU.</summary>
    internal static unsafe CpuFeatures Read()
    {
        if (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
            return new("", CpuFeature.None, CpuFeature.None);
        var (reportedByCpuid, vendor) = X86Base.IsSupported ? ReadCpuid() : (CpuFeature.None, "");
        var (reportedByLibc, enabled) = ReadLibc();
        if (NativeC.CpuidFeatureLeaf == null)
        {
            // Without glibc's table, .NET's own flags are evidence for the OS state (the runtime checked XCR0 before
            // setting them), though not against it: a switched-off flag leaves the state unknown, so nothing is enabled.
            if (Avx2.IsSupported) enabled |= CpuFeature.Avx | CpuFeature.Avx2 | CpuFeature.Fma;
            if (Avx512F.IsSupported) enabled |= Avx512Level | CpuFeature.Avx512Bf16;
        }
        // X86Base is off under DOTNET_EnableHWIntrinsic=0; glibc's copy of the CPUID words then stands in.
        return new(vendor, X86Base.IsSupported ? reportedByCpuid : reportedByLibc, enabled);
    }

    private static (CpuFeature, string) ReadCpuid()
    {
        var (maxLeaf, b, c, d) = X86Base.CpuId(0, 0);
        Span<int> words = [b, d, c];
        string vendor = System.Text.Encoding.ASCII.GetString(System.Runtime.InteropServices.MemoryMarshal.AsBytes(words));
        var leaf1 = X86Base.CpuId(1, 0);
        var leaf7 = maxLeaf >= 7 ? X86Base.CpuId(7, 0) : default;
        var leaf71 = maxLeaf >= 7 && leaf7.Eax >= 1 ? X86Base.CpuId(7, 1) : default;
        var features = CpuFeature.None;
        foreach (var (feature, leaf, register, bit) in Bits)
        {
            var regs = leaf switch { 0 => leaf1, 1 => leaf7, _ => leaf71 };
            int word = register switch { 0 => regs.Eax, 1 => regs.Ebx, 2 => regs.Ecx, _ => regs.Edx };
            if ((word & (1 << bit)) != 0) features |= feature;
        }
        return (features, vendor);
    }

    // glibc (2.33+) <sys/platform/x86.h>: __x86_get_cpuid_feature_leaf(CPUID_INDEX_*) returns
    // struct cpuid_feature { unsigned cpuid_array[4]; unsigned active_array[4]; } (eax, ebx, ecx, edx), where
    // "active" means reported by CPUID and usable: glibc checks OSXSAVE and XCR0 (the AVX state for AVX/AVX2/FMA,
    // the opmask and ZMM states for AVX-512) before setting it. CPUID_INDEX_1 = 0, CPUID_INDEX_7 = 1,
    // CPUID_INDEX_7_ECX_1 = 6, the same numbering as the leaf column of Bits.
    private static unsafe (CpuFeature Reported, CpuFeature Enabled) ReadLibc()
    {
        if (NativeC.CpuidFeatureLeaf == null) return (CpuFeature.None, CpuFeature.None);
        CpuFeature reported = CpuFeature.None, enabled = CpuFeature.None;
        foreach (var (feature, leaf, register, bit) in Bits)
        {
            uint* entry = NativeC.CpuidFeatureLeaf((uint)leaf);
            if (entry == null) continue;
            if ((entry[register] & (1u << bit)) != 0) reported |= feature;
            if ((entry[4 + register] & (1u << bit)) != 0) enabled |= feature;
        }
        return (reported, enabled);
    }

    /// <summary>The usable extensions as a short list, e.g. <c>AVX2 FMA AVX-512(F CD BW DQ VL BF16)</c>.</summary>
    internal string Describe()
    {
        var parts = new List<string>();
        if (Has(CpuFeature.Avx2)) parts.Add("AVX2");
        if (Has(CpuFeature.Fma)) parts.Add("FMA");
        var avx512 = new List<string>();
        foreach (var (f, name) in new[] { (CpuFeature.Avx512F, "F"), (CpuFeature.Avx512CD, "CD"), (CpuFeature.Avx512BW, "BW"),
                                          (CpuFeature.Avx512DQ, "DQ"), (CpuFeature.Avx512VL, "VL"), (CpuFeature.Avx512Bf16, "BF16") })
            if (Has(f)) avx512.Add(name);
        if (avx512.Count > 0) parts.Add($"AVX-512({string.Join(' ', avx512)})");
        return parts.Count == 0 ? "no AVX2" : string.Join(' ', parts);
    }
}
