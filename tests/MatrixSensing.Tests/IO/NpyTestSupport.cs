using System.Diagnostics;

namespace MatrixSensing.Tests.IO;

/// <summary>Values, independent layout oracles, streams and the NumPy bridge shared by the IO tests.</summary>
internal static class NpyTestSupport
{
    /// <summary>
    /// The k-th test value, computed identically in NumPy:
    /// <c>((k*7919) % 1009 - 504) / 37.0 + k / 1024.0</c>. Integer arithmetic, one correctly rounded division and
    /// one correctly rounded sum, so both sides agree bit for bit.
    /// </summary>
    internal static double Value(long k) => ((k * 7919) % 1009 - 504) / 37.0 + k / 1024.0;

    internal const string NumPyValueFunction =
        "def f(n):\n    k = np.arange(n, dtype=np.int64)\n    return ((k * 7919) % 1009 - 504) / 37.0 + k / 1024.0\n";

    internal static double[] RowMajorValues(long count)
    {
        var v = new double[count];
        for (long k = 0; k < count; k++) v[k] = Value(k);
        return v;
    }

    internal static float[] ToSingle(double[] values) => Array.ConvertAll(values, v => (float)v);

    internal static long Product(long[] shape)
    {
        long p = 1;
        foreach (long d in shape) p *= d;
        return p;
    }

    /// <summary>Column-major copy of row-major data by explicit multi-index arithmetic (an oracle, not the library's engine).</summary>
    internal static T[] ColumnMajorOf<T>(T[] rowMajor, long[] shape)
    {
        var result = new T[rowMajor.Length];
        var idx = new long[shape.Length];
        for (long c = 0; c < rowMajor.Length; c++)
        {
            long rem = c;
            for (int k = shape.Length - 1; k >= 0; k--) { idx[k] = rem % shape[k]; rem /= shape[k]; }
            long f = 0, stride = 1;
            for (int k = 0; k < shape.Length; k++) { f += idx[k] * stride; stride *= shape[k]; }
            result[f] = rowMajor[c];
        }

        return result;
    }

    /// <summary>Measurement rows of row-major (m, n1, n2) data: element [i, r, c] at i·n1·n2 + r + c·n1 (2-D data is unchanged).</summary>
    internal static T[] MeasurementRowsOf<T>(T[] rowMajor, long[] shape)
    {
        if (shape.Length == 2) return (T[])rowMajor.Clone();
        long m = shape[0], n1 = shape[1], n2 = shape[2];
        var result = new T[rowMajor.Length];
        for (long i = 0; i < m; i++)
            for (long r = 0; r < n1; r++)
                for (long c = 0; c < n2; c++)
                    result[i * n1 * n2 + r + c * n1] = rowMajor[(i * n1 + r) * n2 + c];
        return result;
    }

    internal static long[] Bits(double[] v) => Array.ConvertAll(v, BitConverter.DoubleToInt64Bits);

    internal static int[] Bits(float[] v) => Array.ConvertAll(v, BitConverter.SingleToInt32Bits);

    internal static string ShapeName(long[] shape) => shape.Length == 0 ? "scalar" : string.Join("x", shape);

    /// <summary>A fresh directory under the test work directory, removed on dispose.</summary>
    internal sealed class TempDirectory : IDisposable
    {
        internal TempDirectory()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ms-io-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        internal string Path { get; }

        internal string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}

/// <summary>A read-only stream that hides its length and cannot seek, as a pipe or network stream.</summary>
internal sealed class NonSeekableStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override int Read(Span<byte> buffer) => inner.Read(buffer);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>Runs scripts in the system Python with NumPy (<c>/usr/bin/python3</c>); tests that need it are ignored if it is absent.</summary>
internal static class PythonNumPy
{
    private const string Python = "/usr/bin/python3";
    private static readonly Lazy<string?> Missing = new(Probe);

    /// <summary>Ignores the calling test (with the reason) unless Python with NumPy can run.</summary>
    internal static void RequireOrIgnore()
    {
        if (Missing.Value is { } reason)
            Assert.Ignore($"NumPy interop skipped: {reason}");
    }

    /// <summary>Runs <paramref name="script"/> with <c>sys.argv[1:]</c> = <paramref name="args"/>; fails the test on a non-zero exit.</summary>
    internal static string Run(string script, params string[] args)
    {
        (int code, string stdout, string stderr) = Execute(script, args);
        if (code != 0)
            Assert.Fail($"python exited with {code}.\nstdout:\n{stdout}\nstderr:\n{stderr}");
        return stdout;
    }

    private static string? Probe()
    {
        if (!File.Exists(Python)) return $"{Python} does not exist";
        try
        {
            (int code, _, string stderr) = Execute("import numpy", []);
            return code == 0 ? null : $"{Python} cannot import numpy: {stderr.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{Python} cannot start: {e.Message}";
        }
    }

    private static (int Code, string Stdout, string Stderr) Execute(string script, string[] args)
    {
        var psi = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("python did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("python did not finish within 120 s");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
