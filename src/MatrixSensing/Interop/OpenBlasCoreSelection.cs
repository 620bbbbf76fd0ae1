using System.Globalization;

namespace MatrixSensing.Interop;

/// <summary>
/// How OpenBLAS's kernel family (its "core": <c>Prescott</c>, <c>Haswell</c>, <c>SkylakeX</c>, ...) was settled
/// for this process. OpenBLAS picks it from a table of CPU models it knows and falls back to generic SSE3 kernels
/// (<c>Prescott</c>) on a model newer than the table, however capable the CPU; MatrixSensing then names the best
/// family the CPU and the operating system support through <c>OPENBLAS_CORETYPE</c> before OpenBLAS is loaded.
/// </summary>
/// <param name="Detected">The core OpenBLAS picks on its own on this machine; <see langword="null"/> when unknown
/// (a user's <c>OPENBLAS_CORETYPE</c> is in force, or OpenBLAS could not be probed).</param>
/// <param name="Chosen">The core MatrixSensing set through <c>OPENBLAS_CORETYPE</c>; <see langword="null"/> when
/// OpenBLAS's own (or the user's) choice stands.</param>
/// <param name="Reason">Why, in one sentence.</param>
public sealed record OpenBlasCoreSelection(string? Detected, string? Chosen, string Reason)
{
    /// <summary>True when an <c>OPENBLAS_CORETYPE</c> from the environment decided the core.</summary>
    public bool PinnedByUser { get; init; }

    /// <summary>The environment variable OpenBLAS reads, once, when it is loaded.</summary>
    public const string CoreTypeVariable = "OPENBLAS_CORETYPE";

    /// <summary>Set to <c>off</c> (or <c>0</c>, <c>false</c>, <c>no</c>) to keep the core OpenBLAS picks itself.</summary>
    public const string OptOutVariable = "MSENSE_OPENBLAS_CORE_SELECTION";

    // Kernel families by the instruction set their kernels need, from OpenBLAS's corename table
    // (driver/others/dynamic.c; OPENBLAS_CORETYPE matches these names case-insensitively). 0.3.21 accepts
    // every name below except SapphireRapids, which no release accepts as OPENBLAS_CORETYPE so far.
    private static readonly Dictionary<string, int> Levels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Unknown"] = 0, ["Katmai"] = 0, ["Coppermine"] = 0, ["Northwood"] = 0, ["Prescott"] = 0, ["Banias"] = 0,
        ["Atom"] = 0, ["Core2"] = 0, ["Penryn"] = 0, ["Dunnington"] = 0, ["Nehalem"] = 0, ["Athlon"] = 0,
        ["Opteron"] = 0, ["Opteron_SSE3"] = 0, ["Barcelona"] = 0, ["Nano"] = 0, ["Bobcat"] = 0,
        ["Sandybridge"] = 1, ["Bulldozer"] = 1, ["Piledriver"] = 1, ["Steamroller"] = 1, ["Excavator"] = 1,
        ["Haswell"] = 2, ["Zen"] = 2,
        ["SkylakeX"] = 3, ["Cooperlake"] = 3, ["SapphireRapids"] = 3,
    };

    private static readonly string[] LevelNames = ["SSE2/SSE3", "AVX", "AVX2", "AVX-512"];

    /// <summary>Cooperlake (AVX-512 BF16) became a core of its own in OpenBLAS 0.3.10; SkylakeX before.</summary>
    private static readonly Version CooperlakeSince = new(0, 3, 10);

    /// <summary>
    /// Before loading the OpenBLAS file <paramref name="candidate"/>: the core to name, and why. Probes the file
    /// only when the CPU could use better kernels than a fallback would give.
    /// </summary>
    internal static OpenBlasCoreSelection Prepare(string candidate, bool enabled)
    {
        string? user = NativeC.GetEnvironment(CoreTypeVariable);
        if (!string.IsNullOrWhiteSpace(user))
            return new(null, null, $"{CoreTypeVariable}={user} is set in the environment; OpenBLAS uses it") { PinnedByUser = true };
        if (!enabled)
        {
            string how = IsOptOut(Environment.GetEnvironmentVariable(OptOutVariable))
                ? $"{OptOutVariable}={Environment.GetEnvironmentVariable(OptOutVariable)}" : "NativeLibraries.SelectOpenBlasCore = false";
            return new(null, null, $"selection is off ({how}); OpenBLAS's own choice stands");
        }
        var cpu = CpuFeatures.Read();
        if (!cpu.Has(CpuFeatures.Avx2Level))
            return new(null, null, "the CPU and OS provide no AVX2, so OpenBLAS's own choice stands");
        var probe = OpenBlasProbe.Run(candidate, out string error);
        if (probe is null) return new(null, null, $"OpenBLAS's own choice stands: could not probe it ({error})");
        return Decide(cpu, probe.CoreName, probe.Config);
    }

    /// <summary>
    /// The decision, given the CPU's usable features and what OpenBLAS alone picks (<paramref name="detected"/>)
    /// from a build described by <paramref name="config"/> (<c>openblas_get_config()</c>).
    /// </summary>
    internal static OpenBlasCoreSelection Decide(CpuFeatures cpu, string detected, string config)
    {
        if (!config.Contains("DYNAMIC_ARCH", StringComparison.Ordinal))
            return new(detected, null, $"this OpenBLAS is built for one core ({config}), so {CoreTypeVariable} has no effect");
        var (best, bestLevel) = BestFor(cpu, ParseVersion(config));
        if (best is null)
            return new(detected, null, "the CPU and OS provide no AVX2, so OpenBLAS's own choice stands");
        if (!Levels.TryGetValue(detected, out int detectedLevel))
            return new(detected, null, $"OpenBLAS picks {detected}, a core not ranked here; kept");
        if (detectedLevel >= bestLevel)
            return new(detected, null, $"OpenBLAS picks {detected} itself, which uses the CPU's widest usable vectors ({LevelNames[bestLevel]})");
        return new(detected, best,
            $"OpenBLAS alone would run {detected} ({LevelNames[detectedLevel]} kernels) " +
            $"although the CPU reports and the OS enables {cpu.Describe()}; set {OptOutVariable}=off to keep {detected}");
    }

    /// <summary>The best family for <paramref name="cpu"/> that an OpenBLAS of <paramref name="version"/> accepts.</summary>
    internal static (string? Core, int Level) BestFor(CpuFeatures cpu, Version? version)
    {
        if (cpu.Has(CpuFeatures.Avx512Level))
        {
            // Cooperlake = SkylakeX kernels plus the BF16 ones (sbgemm): same speed for float and double.
            bool cooperlake = cpu.Has(CpuFeature.Avx512Bf16) && (version is null || version >= CooperlakeSince);
            return (cooperlake ? "Cooperlake" : "SkylakeX", 3);
        }
        if (cpu.Has(CpuFeatures.Avx2Level))
        {
            // Zen is OpenBLAS's AVX2 family tuned for AMD's caches (Haswell kernels, Zen blocking).
            bool amd = cpu.Vendor is "AuthenticAMD" or "HygonGenuine";
            return (amd ? "Zen" : "Haswell", 2);
        }
        return (null, -1);
    }

    /// <summary>The version in a config string such as <c>OpenBLAS 0.3.21 DYNAMIC_ARCH ...</c>.</summary>
    internal static Version? ParseVersion(string config)
    {
        var words = config.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2 || !words[0].Equals("OpenBLAS", StringComparison.OrdinalIgnoreCase)) return null;
        string digits = new string([.. words[1].TakeWhile(c => char.IsAsciiDigit(c) || c == '.')]).TrimEnd('.');
        return Version.TryParse(digits, out var v) ? v : null;
    }

    /// <summary>True when <paramref name="value"/> of <see cref="OptOutVariable"/> turns the selection off.</summary>
    internal static bool IsOptOut(string? value) =>
        value?.Trim().ToLowerInvariant() is "off" or "0" or "false" or "no";

    /// <summary>
    /// Puts <see cref="Chosen"/> into the native environment until disposed, where the restored state is the one
    /// before: OpenBLAS reads the variable only while it is loaded, and child processes must not inherit it as if
    /// a user had pinned it.
    /// </summary>
    internal EnvironmentScope Apply() => new(Chosen);

    /// <summary>Adds what OpenBLAS reports once loaded (<paramref name="active"/>) to the record.</summary>
    internal OpenBlasCoreSelection Confirm(string active)
    {
        if (Chosen is not null)
        {
            return string.Equals(active, Chosen, StringComparison.OrdinalIgnoreCase)
                ? this with { Reason = $"chose {Chosen}: {Reason}" }
                : this with { Reason = $"asked for {Chosen} but OpenBLAS runs {active} (it was initialized earlier, or maps {Chosen} to its best compiled-in kernels): {Reason}" };
        }
        // Nobody interfered: what runs is what OpenBLAS picked (unless the user pinned it).
        return Detected is null && !PinnedByUser ? this with { Detected = active } : this;
    }

    /// <summary>One line for <c>msense info</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"detected {Detected ?? "(not probed)"}, chosen {Chosen ?? "(none)"}: {Reason}");

    /// <summary>Sets <c>OPENBLAS_CORETYPE</c> in the native environment and restores it when disposed.</summary>
    internal readonly struct EnvironmentScope : IDisposable
    {
        private readonly bool _set;
        private readonly string? _previous;

        internal EnvironmentScope(string? core)
        {
            _set = core is not null;
            if (!_set) { _previous = null; return; }
            _previous = NativeC.GetEnvironment(CoreTypeVariable);
            NativeC.SetEnvironment(CoreTypeVariable, core);
        }

        /// <summary>Restores the variable as it was.</summary>
        public void Dispose()
        {
            if (_set) NativeC.SetEnvironment(CoreTypeVariable, _previous);
        }
    }
}
