using System.Reflection;
using System.Runtime.InteropServices;
using MatrixSensing.Interop;

namespace MatrixSensing.Cli.Reports;

/// <summary>
/// What produced an output, beyond its run description (<see cref="RunConfig"/>): the library's version and commit,
/// the native configuration and the machine. Every output file carries one (docs/outputs.md).
/// </summary>
/// <param name="MsenseVersion">The informational version of the library (e.g. <c>0.1.0</c>), without the commit.</param>
/// <param name="Commit">The source commit the library was built from, when the build recorded it; null otherwise.</param>
/// <param name="Native">The native libraries as <see cref="NativeLibraries.Describe"/> reports them.</param>
/// <param name="Runtime">The .NET runtime version.</param>
/// <param name="Os">The operating system description.</param>
/// <param name="CreatedUtc">When the output was written (ISO 8601, UTC).</param>
internal sealed record Provenance(string MsenseVersion, string? Commit, NativeProvenance Native, string Runtime, string Os, string CreatedUtc)
{
    /// <summary>The provenance of the running process, now.</summary>
    public static Provenance Capture()
    {
        string informational = typeof(Problems.SensingProblem).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                               ?? typeof(Problems.SensingProblem).Assembly.GetName().Version?.ToString() ?? "unknown";
        // The SDK appends "+<commit>" when the build knows its source revision.
        int plus = informational.IndexOf('+', StringComparison.Ordinal);
        string version = plus < 0 ? informational : informational[..plus];
        string? commit = plus < 0 ? null : informational[(plus + 1)..];
        var native = NativeLibraries.Describe();
        return new Provenance(version, commit,
            new NativeProvenance(native.OpenBlasPath, native.LapackePath, native.BuildConfig, native.CoreName, native.Threads, native.ProcessorCount, native.RuntimeIdentifier),
            Environment.Version.ToString(), RuntimeInformation.OSDescription, DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>The native configuration (<see cref="NativeConfiguration"/>) as written to output files.</summary>
/// <param name="OpenblasPath">The OpenBLAS file loaded.</param>
/// <param name="LapackePath">The LAPACKE file loaded.</param>
/// <param name="BuildConfig">OpenBLAS's build string.</param>
/// <param name="CoreName">The CPU kernel set OpenBLAS chose.</param>
/// <param name="Threads">OpenBLAS threads in use when the output was written.</param>
/// <param name="ProcessorCount">Logical processors the process saw.</param>
/// <param name="RuntimeIdentifier">The .NET runtime identifier, e.g. linux-x64.</param>
internal sealed record NativeProvenance(string OpenblasPath, string LapackePath, string BuildConfig, string CoreName, int Threads, int ProcessorCount, string RuntimeIdentifier);
