using System.Runtime.InteropServices;

namespace MatrixSensing.Interop;

/// <summary>
/// Asks an OpenBLAS file which core it would pick on this machine, without initializing the copy the process
/// will use: the file is loaded a second time into a fresh link-map namespace (<c>dlmopen(LM_ID_NEWLM)</c>), which
/// runs its own OpenBLAS constructor, asked for <c>openblas_get_corename</c> and <c>openblas_get_config</c>, and
/// closed again.
/// </summary>
/// <remarks>
/// Why a probe rather than a prediction from CPUID: the answer depends on the OpenBLAS version and build (its table
/// of known CPU models, its <c>DYNAMIC_LIST</c>, whether it is a <c>DYNAMIC_ARCH</c> build at all), and any copy
/// of that table here would go stale with the next OpenBLAS. The probe asks the very file that will be loaded and
/// costs one extra load (about 2 ms for Debian's libopenblas, 20 ms for the 26 MB bundle). glibc only; elsewhere
/// <see cref="Run"/> reports that it could not probe.
/// </remarks>
internal static unsafe class OpenBlasProbe
{
    /// <summary>What the probed copy reported.</summary>
    internal sealed record Result(string CoreName, string Config);

    /// <summary>Probes <paramref name="path"/>; <see langword="null"/> with the reason when it cannot.</summary>
    internal static Result? Run(string path, out string error)
    {
        error = "";
        if (NativeC.DlmOpen == null || NativeC.DlSym == null || NativeC.DlClose == null || !NativeC.HasEnvironment)
        {
            error = "the C library has no dlmopen (glibc only)";
            return null;
        }
        // The probed copy runs single-threaded: its constructor then starts no worker threads, so closing it
        // leaves nothing running in unmapped code. The variable is restored before the real load.
        string? threads = NativeC.GetEnvironment("OPENBLAS_NUM_THREADS");
        nint handle;
        NativeC.SetEnvironment("OPENBLAS_NUM_THREADS", "1");
        try
        {
            fixed (byte* file = NativeC.Utf8(path))
                handle = NativeC.DlmOpen(NativeC.NewNamespace, file, NativeC.RtldNow);
        }
        finally
        {
            NativeC.SetEnvironment("OPENBLAS_NUM_THREADS", threads);
        }
        if (handle == 0)
        {
            error = NativeC.LastDlError();
            return null;
        }
        try
        {
            var core = (delegate* unmanaged<byte*>)Symbol(handle, "openblas_get_corename");
            var config = (delegate* unmanaged<byte*>)Symbol(handle, "openblas_get_config");
            if (core == null || config == null)
            {
                error = $"{path} exports no openblas_get_corename/openblas_get_config";
                return null;
            }
            // Copied before dlclose unmaps the strings.
            return new Result(
                Marshal.PtrToStringUTF8((nint)core())?.Trim() ?? "",
                Marshal.PtrToStringUTF8((nint)config())?.Trim() ?? "");
        }
        finally
        {
            NativeC.DlClose(handle);
        }
    }

    private static nint Symbol(nint handle, string name)
    {
        fixed (byte* n = NativeC.Utf8(name)) return NativeC.DlSym(handle, n);
    }
}
