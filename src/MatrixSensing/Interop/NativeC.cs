using System.Runtime.InteropServices;

namespace MatrixSensing.Interop;

/// <summary>
/// The few C library functions the OpenBLAS core selection needs: the process's native environment (which
/// OpenBLAS reads and which .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not write
/// on Unix), <c>dlmopen</c> for the probe, and glibc's table of usable CPU features.
/// </summary>
/// <remarks>
/// Function pointers looked up with <see cref="NativeLibrary.TryGetExport"/> rather than <c>[LibraryImport]</c>:
/// <c>dlmopen</c> and <c>__x86_get_cpuid_feature_leaf</c> exist only in glibc (the latter since 2.33), so each is
/// optional, a missing one is a <see langword="null"/> pointer instead of an exception, and NativeAOT needs no
/// <c>DirectPInvoke</c> entry for <c>libc</c>. Only Linux is served: elsewhere every pointer is null.
/// </remarks>
internal static unsafe class NativeC
{
    /// <summary><c>dlmopen</c>'s "new namespace" id.</summary>
    internal const nint NewNamespace = -1;
    internal const int RtldNow = 2;

    private static readonly nint LibC = OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out var h) ? h : 0;
    // glibc 2.34 moved the dl* functions into libc.so.6; libdl.so.2 still resolves them (its own on older glibc).
    private static readonly nint LibDl = OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libdl.so.2", out var h) ? h : LibC;

    private static readonly delegate* unmanaged<byte*, byte*> s_getenv = (delegate* unmanaged<byte*, byte*>)Export(LibC, "getenv");
    private static readonly delegate* unmanaged<byte*, byte*, int, int> s_setenv = (delegate* unmanaged<byte*, byte*, int, int>)Export(LibC, "setenv");
    private static readonly delegate* unmanaged<byte*, int> s_unsetenv = (delegate* unmanaged<byte*, int>)Export(LibC, "unsetenv");

    internal static readonly delegate* unmanaged<nint, byte*, int, nint> DlmOpen = (delegate* unmanaged<nint, byte*, int, nint>)Export(LibDl, "dlmopen");
    internal static readonly delegate* unmanaged<nint, byte*, nint> DlSym = (delegate* unmanaged<nint, byte*, nint>)Export(LibDl, "dlsym");
    internal static readonly delegate* unmanaged<nint, int> DlClose = (delegate* unmanaged<nint, int>)Export(LibDl, "dlclose");
    internal static readonly delegate* unmanaged<byte*> DlError = (delegate* unmanaged<byte*>)Export(LibDl, "dlerror");

    /// <summary>glibc's <c>const struct cpuid_feature *__x86_get_cpuid_feature_leaf(unsigned int index)</c>.</summary>
    internal static readonly delegate* unmanaged<uint, uint*> CpuidFeatureLeaf = (delegate* unmanaged<uint, uint*>)Export(LibC, "__x86_get_cpuid_feature_leaf");

    /// <summary>True when the native environment can be read and written.</summary>
    internal static bool HasEnvironment => s_getenv != null && s_setenv != null && s_unsetenv != null;

    private static nint Export(nint library, string name) =>
        library != 0 && NativeLibrary.TryGetExport(library, name, out var address) ? address : 0;

    /// <summary>The C library's <c>getenv</c>: what native code such as OpenBLAS sees.</summary>
    internal static string? GetEnvironment(string name)
    {
        if (s_getenv == null) return Environment.GetEnvironmentVariable(name);
        fixed (byte* n = Utf8(name))
            return Marshal.PtrToStringUTF8((nint)s_getenv(n));
    }

    /// <summary>
    /// <c>setenv</c>, or <c>unsetenv</c> for <see langword="null"/>. Not thread-safe against a concurrent
    /// <c>getenv</c> in native code, which is why it runs only under the resolver's lock, before OpenBLAS is loaded.
    /// </summary>
    internal static void SetEnvironment(string name, string? value)
    {
        if (!HasEnvironment) return;
        fixed (byte* n = Utf8(name))
        {
            if (value is null) { s_unsetenv(n); return; }
            fixed (byte* v = Utf8(value)) s_setenv(n, v, 1);
        }
    }

    /// <summary>The message of the last failed <c>dl*</c> call.</summary>
    internal static string LastDlError() => DlError == null ? "dlerror unavailable" : Marshal.PtrToStringUTF8((nint)DlError()) ?? "unknown error";

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="text"/>.</summary>
    internal static byte[] Utf8(string text)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(text) + 1];
        System.Text.Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
