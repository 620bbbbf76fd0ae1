using System.Globalization;
using System.Text;

namespace MatrixSensing.IO;

/// <summary>
/// Decodes a string scalar stored as .npy, the form <c>np.savez(..., order='F')</c> gives a Python string: dtype
/// <c>&lt;Uk</c> (UTF-32, k code points) or <c>|Sk</c> (k bytes), shape () or (1,). Only small scalars are read, so
/// this stays apart from the numeric reader.
/// </summary>
internal static class NpyText
{
    internal static string Decode(string header, Stream data, int available, string location, string name)
    {
        object? root;
        try
        {
            root = new NpyHeader.LiteralParser(header).ParseDocument();
        }
        catch (NpyHeader.LiteralParser.SyntaxException e)
        {
            throw NpyFormatException.At(location, $"the header is not a Python dict literal ({e.Message})");
        }

        if (root is not Dictionary<string, object?> dict || dict.GetValueOrDefault("descr") is not string descr
            || dict.GetValueOrDefault("shape") is not NpyHeader.LiteralParser.Sequence shape)
            throw NpyFormatException.At(location, $"'{name}' must be a string such as 'C' or 'F'");
        // Bytes of the text as a uint8 array (what a writer without string dtypes produces) are read as ASCII too.
        if (descr == "|u1" && shape.Items.Count == 1 && shape.Items[0] is long n and >= 1 and <= 64)
        {
            var raw = new byte[n];
            if (NpyReader.ReadAtMost(data, raw) < n) throw NpyFormatException.At(location, $"truncated: '{name}' should hold {n} bytes");
            return Encoding.ASCII.GetString(raw);
        }

        bool scalar = shape.Items.Count == 0 || (shape.Items.Count == 1 && shape.Items[0] is 1L);
        bool unicode = descr.Length > 2 && descr[1] == 'U' && descr[0] is '<' or '>' or '=';
        bool bytes = descr.Length > 2 && descr[1] == 'S' && descr[0] == '|';
        if (!scalar || !(unicode || bytes) || !int.TryParse(descr.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out int k) || k > 64)
            throw NpyFormatException.At(location, $"'{name}' must be a single short string such as 'C' or 'F'; it is {descr} of shape {Describe(shape)}");
        int size = unicode ? 4 * k : k;
        if (size > available) throw NpyFormatException.At(location, $"truncated: '{name}' should hold {size} bytes");
        var buffer = new byte[size];
        if (NpyReader.ReadAtMost(data, buffer) < size) throw NpyFormatException.At(location, $"truncated: '{name}' should hold {size} bytes");
        string text = unicode
            ? (descr[0] == '>' ? new UTF32Encoding(bigEndian: true, byteOrderMark: false) : new UTF32Encoding(bigEndian: false, byteOrderMark: false)).GetString(buffer)
            : Encoding.ASCII.GetString(buffer);
        // NumPy pads short strings with NUL code points.
        return text.TrimEnd('\0');
    }

    private static string Describe(NpyHeader.LiteralParser.Sequence shape) =>
        "(" + string.Join(", ", shape.Items.Select(i => Convert.ToString(i, CultureInfo.InvariantCulture))) + (shape.Items.Count == 1 ? ",)" : ")");
}
