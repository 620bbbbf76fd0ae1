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
    internal static string Decode(string header, Stream data, int available, string location, string name, int maxLength)
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
        bool scalar = shape.Items.Count == 0 || (shape.Items.Count == 1 && shape.Items[0] is 1L);
        bool unicode = descr.Length > 2 && descr[1] == 'U' && descr[0] is '<' or '>' or '=';
        bool bytes = descr.Length > 2 && descr[1] == 'S' && descr[0] == '|';
        if (!scalar || !(unicode || bytes) || !int.TryParse(descr.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out int k) || k > maxLength)
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

    /// <summary>
    /// A complete .npy image of <paramref name="text"/> as a NumPy <c>str</c> scalar (dtype <c>&lt;Uk</c>, shape ()),
    /// which <c>np.load</c> returns as a 0-d array: <c>str(f['meta'])</c> is the text.
    /// </summary>
    internal static byte[] Encode(string text)
    {
        var utf32 = new UTF32Encoding(bigEndian: false, byteOrderMark: false);
        byte[] data = utf32.GetBytes(text);
        int k = Math.Max(1, data.Length / 4);
        string dict = FormattableString.Invariant($"{{'descr': '<U{k}', 'fortran_order': False, 'shape': (), }}");
        // Version 1.0 header padded with spaces so the data starts at a multiple of 64 bytes, ending in a newline.
        int total = (NpyHeader.PrefixLength + 2 + dict.Length + 1 + NpyHeader.Alignment - 1) / NpyHeader.Alignment * NpyHeader.Alignment;
        string header = dict.PadRight(total - NpyHeader.PrefixLength - 2 - 1) + "\n";
        var image = new byte[total + (data.Length == 0 ? 4 : data.Length)];
        NpyHeader.Magic.CopyTo(image);
        image[6] = 1;
        image[7] = 0;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(8), (ushort)header.Length);
        Encoding.Latin1.GetBytes(header, image.AsSpan(10));
        data.CopyTo(image, total);
        return image;
    }

    private static string Describe(NpyHeader.LiteralParser.Sequence shape) =>
        "(" + string.Join(", ", shape.Items.Select(i => Convert.ToString(i, CultureInfo.InvariantCulture))) + (shape.Items.Count == 1 ? ",)" : ")");
}
