using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

[assembly: DisableRuntimeMarshalling]

namespace MatrixSensing.Interop;

/// <summary>
/// Maps the logical names <c>openblas</c> and <c>lapacke</c> of the generated bindings to files. Order: a user
/// override (<see cref="NativeLibraries.SetOverride"/> or the environment variables
/// <c>MSENSE_OPENBLAS_PATH</c> / <c>MSENSE_LAPACKE_PATH</c>), then the bundled library under
/// <c>runtimes/&lt;rid&gt;/native</c> beside the application, then the system's versioned sonames.
/// The resolver never throws; <see cref="NativeLibraries.EnsureLoaded"/> turns a failure into one clear exception.
/// Before the OpenBLAS file is loaded, <see cref="OpenBlasCoreSelection.Prepare"/> decides its kernel family and
/// the choice is put into the native environment for the load (OpenBLAS reads it in its library constructor).
/// </summary>
internal static class NativeLibraryResolver
{
    internal const string BundledName = "msense_native";
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, LoadOutcome> Cache = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, string> Overrides = new(StringComparer.Ordinal);

    internal sealed record LoadOutcome(nint Handle, string? Path, IReadOnlyList<string> Tried, OpenBlasCoreSelection? CoreSelection = null);

    /// <summary>Backs <see cref="NativeLibraries.SelectOpenBlasCore"/>; read when OpenBLAS is loaded.</summary>
    internal static volatile bool SelectCore = !OpenBlasCoreSelection.IsOptOut(Environment.GetEnvironmentVariable(OpenBlasCoreSelection.OptOutVariable));

#pragma warning disable CA2255 // The resolver must be in place before the first P/Invoke of this assembly.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name is Cblas.LibraryName or Lapacke.LibraryName ? Load(name).Handle : 0;

    internal static void SetOverride(string logicalName, string? path)
    {
        lock (Gate)
        {
            if (path is null) Overrides.Remove(logicalName);
            else Overrides[logicalName] = path;
            Cache.Remove(logicalName);
        }
    }

    internal static LoadOutcome Load(string logicalName)
    {
        lock (Gate)
        {
            if (Cache.TryGetValue(logicalName, out var cached)) return cached;
            // LAPACKE may pull in OpenBLAS as a dependency (Debian's liblapacke.so.3 does): OpenBLAS goes first, so its
            // constructor runs with the selected core, and it loads LAPACKE while the selection is still in force.
            if (logicalName != Cblas.LibraryName)
            {
                Load(Cblas.LibraryName);
                if (Cache.TryGetValue(logicalName, out cached)) return cached;
            }
            var tried = new List<string>();
            foreach (var candidate in Candidates(logicalName))
            {
                tried.Add(candidate);
                if (logicalName != Cblas.LibraryName)
                {
                    if (NativeLibrary.TryLoad(candidate, out var handle)) return Cache[logicalName] = new(handle, candidate, tried);
                    continue;
                }
                var selection = OpenBlasCoreSelection.Prepare(candidate, SelectCore);
                using (selection.Apply())
                {
                    if (!NativeLibrary.TryLoad(candidate, out var handle)) continue;
                    var outcome = Cache[logicalName] = new(handle, candidate, tried, selection.Confirm(CoreName(handle)));
                    Load(Lapacke.LibraryName);
                    return outcome;
                }
            }
            return Cache[logicalName] = new(0, null, tried);
        }
    }

    /// <summary>openblas_get_corename() of a loaded library, looked up without the generated binding (which would recurse).</summary>
    private static unsafe string CoreName(nint handle) =>
        NativeLibrary.TryGetExport(handle, "openblas_get_corename", out var export)
            ? Marshal.PtrToStringUTF8((nint)((delegate* unmanaged<byte*>)export)())?.Trim() ?? ""
            : "";

    private static IEnumerable<string> Candidates(string logicalName)
    {
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable(logicalName));
        if (Overrides.TryGetValue(logicalName, out var over)) { yield return over; yield break; }
        if (!string.IsNullOrWhiteSpace(env)) { yield return env; yield break; }

        var bundledDir = Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native");
        yield return Path.Combine(bundledDir, PlatformFileName(BundledName));
        yield return Path.Combine(AppContext.BaseDirectory, PlatformFileName(BundledName));

        foreach (var soname in SystemNames(logicalName)) yield return soname;
    }

    internal static string EnvironmentVariable(string logicalName) =>
        logicalName == Lapacke.LibraryName ? "MSENSE_LAPACKE_PATH" : "MSENSE_OPENBLAS_PATH";

    private static string PlatformFileName(string stem) =>
        OperatingSystem.IsWindows() ? stem + ".dll" : OperatingSystem.IsMacOS() ? "lib" + stem + ".dylib" : "lib" + stem + ".so";

    private static string[] SystemNames(string logicalName)
    {
        bool lapacke = logicalName == Lapacke.LibraryName;
        if (OperatingSystem.IsWindows())
            return lapacke ? ["liblapacke.dll", "libopenblas.dll", "openblas.dll"] : ["libopenblas.dll", "openblas.dll"];
        if (OperatingSystem.IsMacOS())
            return lapacke
                ? ["liblapacke.3.dylib", "liblapacke.dylib", "/opt/homebrew/opt/openblas/lib/libopenblas.dylib", "/usr/local/opt/openblas/lib/libopenblas.dylib"]
                : ["libopenblas.0.dylib", "/opt/homebrew/opt/openblas/lib/libopenblas.dylib", "/usr/local/opt/openblas/lib/libopenblas.dylib"];
        // Debian ships LAPACKE separately (liblapacke.so.3 on OpenBLAS's LAPACK); other distributions build it into OpenBLAS.
        return lapacke
            ? ["liblapacke.so.3", "liblapacke.so", "libopenblas.so.0", "libopenblas.so"]
            : ["libopenblas.so.0", "libopenblas.so", "libopenblasp.so.0"];
    }
}
