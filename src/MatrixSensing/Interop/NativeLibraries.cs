using System.Runtime.InteropServices;

namespace MatrixSensing.Interop;

/// <summary>Loading, checking and describing the native BLAS/LAPACK libraries.</summary>
public static class NativeLibraries
{
    /// <summary>The Debian command that installs the system libraries.</summary>
    public const string InstallCommand = "sudo apt-get install libopenblas0-pthread liblapacke";

    private static volatile bool s_loaded;

    /// <summary>
    /// Whether MatrixSensing names OpenBLAS's kernel family (<c>OPENBLAS_CORETYPE</c>) when OpenBLAS, left alone,
    /// would run kernels for an older instruction set than the CPU and OS support (see
    /// <see cref="OpenBlasCoreSelection"/>). Default <see langword="true"/>; the environment variable
    /// <c>MSENSE_OPENBLAS_CORE_SELECTION=off</c> makes it <see langword="false"/>. An <c>OPENBLAS_CORETYPE</c> already
    /// in the environment always wins. Takes effect only before the first native call of the process.
    /// </summary>
    public static bool SelectOpenBlasCore
    {
        get => NativeLibraryResolver.SelectCore;
        set => NativeLibraryResolver.SelectCore = value;
    }

    /// <summary>
    /// Points a logical library (<c>"openblas"</c> or <c>"lapacke"</c>) at a file, or back to the default search
    /// with <see langword="null"/>. Takes effect only before the first native call of the process.
    /// </summary>
    public static void SetOverride(string logicalName, string? path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(logicalName);
        if (logicalName is not (Cblas.LibraryName or Lapacke.LibraryName))
            throw new ArgumentException($"Unknown native library '{logicalName}'; expected 'openblas' or 'lapacke'.", nameof(logicalName));
        NativeLibraryResolver.SetOverride(logicalName, path);
        s_loaded = false;
    }

    /// <summary>
    /// Loads both libraries and checks that every bound entry point is exported; throws
    /// <see cref="NativeLibraryException"/> listing every path tried and the install command otherwise.
    /// Cheap after the first success.
    /// </summary>
    public static void EnsureLoaded()
    {
        if (s_loaded) return;
        Check(Cblas.LibraryName, [.. Cblas.EntryPoints, .. OpenBlas.EntryPoints]);
        Check(Lapacke.LibraryName, Lapacke.EntryPoints);
        s_loaded = true;
    }

    /// <summary>The bound entry points a loaded library does not export (empty when all resolve).</summary>
    internal static IReadOnlyList<string> MissingEntryPoints(string logicalName, IEnumerable<string> entryPoints)
    {
        var outcome = NativeLibraryResolver.Load(logicalName);
        if (outcome.Handle == 0) return [.. entryPoints];
        return [.. entryPoints.Where(e => !NativeLibrary.TryGetExport(outcome.Handle, e, out _))];
    }

    private static void Check(string logicalName, string[] entryPoints)
    {
        var outcome = NativeLibraryResolver.Load(logicalName);
        if (outcome.Handle == 0)
        {
            throw new NativeLibraryException(
                $"Could not load the native library '{logicalName}'. Tried, in order: {string.Join(", ", outcome.Tried)}. " +
                $"Install it with `{InstallCommand}`, or set {NativeLibraryResolver.EnvironmentVariable(logicalName)} to the library's path.",
                outcome.Tried);
        }
        var missing = MissingEntryPoints(logicalName, entryPoints);
        if (missing.Count > 0)
        {
            throw new NativeLibraryException(
                $"The native library '{logicalName}' loaded from {outcome.Path} lacks {missing.Count} entry point(s): " +
                $"{string.Join(", ", missing.Take(8))}{(missing.Count > 8 ? ", ..." : "")}. It is not a compatible OpenBLAS/LAPACKE build; " +
                $"install `{InstallCommand}` or point {NativeLibraryResolver.EnvironmentVariable(logicalName)} at a full build.",
                outcome.Tried);
        }
    }

    /// <summary>Reports which files were loaded, OpenBLAS's build string and core (and how it was selected), and the thread counts.</summary>
    public static NativeConfiguration Describe()
    {
        EnsureLoaded();
        var openblas = NativeLibraryResolver.Load(Cblas.LibraryName);
        unsafe
        {
            return new NativeConfiguration(
                openblas.Path!,
                NativeLibraryResolver.Load(Lapacke.LibraryName).Path!,
                Marshal.PtrToStringUTF8((nint)OpenBlas.openblas_get_config())?.Trim() ?? "",
                Marshal.PtrToStringUTF8((nint)OpenBlas.openblas_get_corename())?.Trim() ?? "",
                OpenBlas.openblas_get_num_threads(),
                Environment.ProcessorCount,
                RuntimeInformation.RuntimeIdentifier,
                openblas.CoreSelection);
        }
    }
}

/// <summary>What <see cref="NativeLibraries.Describe"/> found.</summary>
/// <param name="OpenBlasPath">The file the <c>openblas</c> name resolved to.</param>
/// <param name="LapackePath">The file the <c>lapacke</c> name resolved to.</param>
/// <param name="BuildConfig">OpenBLAS's <c>openblas_get_config()</c> string.</param>
/// <param name="CoreName">The CPU kernel set OpenBLAS chose.</param>
/// <param name="Threads">OpenBLAS threads now in use.</param>
/// <param name="ProcessorCount">Logical processors the process sees.</param>
/// <param name="RuntimeIdentifier">The .NET runtime identifier, e.g. linux-x64.</param>
/// <param name="CoreSelection">Which core OpenBLAS detected on its own, which MatrixSensing chose and why;
/// <see langword="null"/> when this configuration was not read from a loaded library.</param>
public sealed record NativeConfiguration(
    string OpenBlasPath, string LapackePath, string BuildConfig, string CoreName, int Threads, int ProcessorCount, string RuntimeIdentifier,
    OpenBlasCoreSelection? CoreSelection = null)
{
    /// <summary>True when the bundled library under runtimes/&lt;rid&gt;/native was loaded rather than the system's.</summary>
    public bool IsBundled => Path.GetFileNameWithoutExtension(OpenBlasPath).Contains(NativeLibraryResolver.BundledName, StringComparison.Ordinal);

    /// <summary>A multi-line, human-readable summary.</summary>
    public override string ToString() =>
        $"""
         openblas : {OpenBlasPath}{(IsBundled ? " (bundled)" : " (system)")}
         lapacke  : {LapackePath}
         config   : {BuildConfig}
         core     : {CoreName}{(CoreSelection is null ? "" : $" (detected: {CoreSelection.Detected ?? "not probed"}, chosen: {CoreSelection.Chosen ?? "none"})")}
         selection: {CoreSelection?.Reason ?? "unknown"}
         threads  : {Threads} (processors: {ProcessorCount}, rid: {RuntimeIdentifier})
         """;
}
