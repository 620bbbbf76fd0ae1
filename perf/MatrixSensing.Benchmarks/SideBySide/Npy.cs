using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace MatrixSensing.Benchmarks.SideBySide;

/// <summary>A minimal .npy (format 1.0) writer for the arrays the NumPy peer reads: little-endian float32/float64/int32.</summary>
internal static class Npy
{
    /// <summary>Writes a 1-D or 2-D array.</summary>
    /// <param name="path">The file.</param>
    /// <param name="values">The raw values.</param>
    /// <param name="shape">The shape.</param>
    /// <param name="fortranOrder">True when <paramref name="values"/> is column-major (the library's layout for factors).</param>
    public static void Write<T>(string path, ReadOnlySpan<T> values, int[] shape, bool fortranOrder = false) where T : unmanaged, INumber<T>
    {
        long count = 1;
        foreach (int d in shape) count *= d;
        if (count != values.Length) throw new ArgumentException($"Shape ({string.Join(", ", shape)}) needs {count} values; got {values.Length}.", nameof(values));
        string descr = typeof(T) == typeof(double) ? "<f8" : typeof(T) == typeof(float) ? "<f4" : typeof(T) == typeof(int) ? "<i4"
            : throw new NotSupportedException(typeof(T).Name);
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")";
        string dict = $"{{'descr': '{descr}', 'fortran_order': {(fortranOrder ? "True" : "False")}, 'shape': {shapeText}, }}";
        int total = 10 + dict.Length + 1;
        int padded = (total + 63) / 64 * 64;
        var header = dict + new string(' ', padded - total) + "\n";

        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        file.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        Span<byte> length = [(byte)(header.Length & 0xFF), (byte)(header.Length >> 8)];
        file.Write(length);
        file.Write(Encoding.ASCII.GetBytes(header));
        // In slices: the bytes of a large operator (3.2 GB at 200×200, m = 10⁴) exceed one span's int length.
        for (int start = 0; start < values.Length; start += 1 << 24)
            file.Write(MemoryMarshal.AsBytes(values.Slice(start, Math.Min(1 << 24, values.Length - start))));
    }
}
