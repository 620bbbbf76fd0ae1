using System.Globalization;
using System.Text;

namespace MatrixSensing.IO;

/// <summary>
/// The <c>.npy</c> preamble: magic <c>\x93NUMPY</c>, version bytes, header length (uint16 LE in 1.0, uint32 LE in
/// 2.0 and 3.0), then a Python dict literal (latin-1; UTF-8 in 3.0) padded with spaces and a final newline so that
/// the data starts at a multiple of 64 bytes.
/// </summary>
internal static class NpyHeader
{
    /// <summary>Largest header accepted when reading (NumPy itself refuses more than 10,000 bytes by default).</summary>
    internal const int MaxHeaderLength = 1 << 20;

    /// <summary>NumPy 2's NPY_MAXDIMS.</summary>
    internal const int MaxRank = 64;

    /// <summary>The data offset is a multiple of this (NumPy's ARRAY_ALIGN).</summary>
    internal const int Alignment = 64;

    /// <summary>NumPy's GROWTH_AXIS_MAX_DIGITS: spare spaces so the growth axis may later be rewritten in place.</summary>
    private const int GrowthAxisMaxDigits = 21;

    /// <summary>Magic plus the two version bytes.</summary>
    internal const int PrefixLength = 8;

    internal static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    internal readonly record struct Parsed(NpyElementType Type, bool SwapBytes, bool FortranOrder, long[] Shape);

    /// <summary>Formats the header NumPy's <c>np.save</c> writes for this array, byte for byte.</summary>
    /// <param name="type">The element type.</param>
    /// <param name="fortranOrder">The order flag.</param>
    /// <param name="shape">The shape.</param>
    /// <param name="version">1 or 2; 0 picks 1.0 unless the header does not fit its 16-bit length, as NumPy does.</param>
    internal static byte[] Format(NpyElementType type, bool fortranOrder, ReadOnlySpan<long> shape, int version = 0)
    {
        var sb = new StringBuilder(128);
        sb.Append("{'descr': '").Append(NpyDType.Descr(type)).Append("', 'fortran_order': ")
          .Append(fortranOrder ? "True" : "False").Append(", 'shape': ").Append(ShapeText(shape)).Append(", }");
        if (shape.Length > 0)
        {
            long growth = shape[fortranOrder ? shape.Length - 1 : 0];
            int digits = growth.ToString(CultureInfo.InvariantCulture).Length;
            sb.Append(' ', Math.Max(0, GrowthAxisMaxDigits - digits));
        }

        byte[] dict = Encoding.Latin1.GetBytes(sb.ToString());
        if (version == 0)
            version = PaddedLength(dict.Length, 2) <= ushort.MaxValue ? 1 : 2;
        if (version is not (1 or 2))
            throw new ArgumentOutOfRangeException(nameof(version), version, "Only .npy format versions 1.0 and 2.0 are written.");
        int lengthBytes = version == 1 ? 2 : 4;
        int padded = PaddedLength(dict.Length, lengthBytes);
        if (version == 1 && padded > ushort.MaxValue)
            throw new ArgumentException($"A {padded}-byte header does not fit .npy format 1.0.", nameof(version));

        var result = new byte[PrefixLength + lengthBytes + padded];
        Magic.CopyTo(result);
        result[6] = (byte)version;
        result[7] = 0;
        if (version == 1)
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(8), (ushort)padded);
        else
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(8), (uint)padded);
        int start = PrefixLength + lengthBytes;
        dict.CopyTo(result, start);
        result.AsSpan(start + dict.Length, padded - dict.Length - 1).Fill((byte)' ');
        result[^1] = (byte)'\n';
        return result;
    }

    /// <summary>Dict length plus spaces and newline, as in NumPy's <c>_wrap_header</c> (a whole 64 bytes when already aligned).</summary>
    private static int PaddedLength(int dictLength, int lengthBytes)
    {
        int hlen = dictLength + 1;
        int padding = Alignment - ((PrefixLength + lengthBytes + hlen) % Alignment);
        return hlen + padding;
    }

    /// <summary>The product of non-negative extents; false if it exceeds <see cref="long.MaxValue"/> (a zero extent makes it 0).</summary>
    internal static bool TryElementCount(ReadOnlySpan<long> shape, out long count)
    {
        count = 0;
        if (shape.Contains(0)) return true;
        long product = 1;
        foreach (long d in shape)
        {
            if (d > long.MaxValue / product) return false;
            product *= d;
        }

        count = product;
        return true;
    }

    /// <summary>Python's <c>repr</c> of a shape tuple: <c>()</c>, <c>(3,)</c>, <c>(3, 4)</c>.</summary>
    internal static string ShapeText(ReadOnlySpan<long> shape)
    {
        var sb = new StringBuilder("(");
        for (int k = 0; k < shape.Length; k++)
        {
            if (k > 0) sb.Append(", ");
            sb.Append(shape[k].ToString(CultureInfo.InvariantCulture));
        }

        if (shape.Length == 1) sb.Append(',');
        return sb.Append(')').ToString();
    }

    /// <summary>Parses and checks the header dict; every problem becomes an <see cref="NpyFormatException"/> at <paramref name="location"/>.</summary>
    internal static Parsed Parse(string text, string location)
    {
        object? root;
        try
        {
            var parser = new LiteralParser(text);
            root = parser.ParseDocument();
        }
        catch (LiteralParser.SyntaxException e)
        {
            throw NpyFormatException.At(location, $"the header is not a Python dict literal ({e.Message}): \"{Quote(text)}\"");
        }

        if (root is not Dictionary<string, object?> dict)
            throw NpyFormatException.At(location, $"the header is not a Python dict literal: \"{Quote(text)}\"");

        if (dict.Count != 3 || !dict.TryGetValue("descr", out object? descrValue) || !dict.TryGetValue("fortran_order", out object? orderValue)
            || !dict.TryGetValue("shape", out object? shapeValue))
            throw NpyFormatException.At(location,
                $"the header must have exactly the keys 'descr', 'fortran_order' and 'shape'; it has {string.Join(", ", dict.Keys.Select(k => $"'{NpyDType.Clip(k)}'"))}");

        NpyElementType type;
        bool swap;
        switch (descrValue)
        {
            case string descr:
                if (!NpyDType.TryParse(descr, out type, out swap, out string? problem))
                    throw NpyFormatException.At(location, problem);
                break;
            case LiteralParser.Sequence:
                throw NpyFormatException.At(location, "structured dtypes (a 'descr' list of fields) are not supported");
            default:
                throw NpyFormatException.At(location, "'descr' is not a dtype string");
        }

        if (orderValue is not bool fortran)
            throw NpyFormatException.At(location, "'fortran_order' is not True or False");

        if (shapeValue is not LiteralParser.Sequence { IsTuple: true } shapeTuple)
            throw NpyFormatException.At(location, "'shape' is not a tuple");
        if (shapeTuple.Items.Count > MaxRank)
            throw NpyFormatException.At(location, $"the shape has {shapeTuple.Items.Count} dimensions; at most {MaxRank} are allowed");
        var shape = new long[shapeTuple.Items.Count];
        for (int k = 0; k < shape.Length; k++)
        {
            shape[k] = shapeTuple.Items[k] switch
            {
                long d when d >= 0 => d,
                long d => throw NpyFormatException.At(location, $"dimension {k} of the shape is negative ({d})"),
                LiteralParser.HugeInteger h => throw NpyFormatException.At(location, $"dimension {k} of the shape ({NpyDType.Clip(h.Digits)}) does not fit in 64 bits"),
                _ => throw NpyFormatException.At(location, $"dimension {k} of the shape is not an integer"),
            };
        }

        return new Parsed(type, swap, fortran, shape);
    }

    private static string Quote(string text) => NpyDType.Clip(text.TrimEnd(), 200);

    /// <summary>
    /// A strict reader for the subset of Python literals NumPy headers use: dicts, tuples, lists, strings, integers
    /// (with Python 2's <c>L</c> suffix), True, False and None. Nesting is bounded so hostile input cannot exhaust the stack.
    /// </summary>
    internal sealed class LiteralParser(string text)
    {
        private const int MaxDepth = 16;
        private int _pos;

        internal sealed record Sequence(bool IsTuple, List<object?> Items);

        internal sealed record HugeInteger(string Digits);

        internal sealed class SyntaxException(string message) : Exception(message);

        internal object? ParseDocument()
        {
            object? value = ParseValue(0);
            SkipWhitespace();
            if (_pos != text.Length)
                throw Error("unexpected text after the literal");
            return value;
        }

        private object? ParseValue(int depth)
        {
            if (depth > MaxDepth)
                throw Error("nesting too deep");
            SkipWhitespace();
            if (_pos >= text.Length)
                throw Error("unexpected end");
            char c = text[_pos];
            switch (c)
            {
                case '{':
                    return ParseDict(depth);
                case '(':
                case '[':
                    return ParseSequence(depth, c == '(' ? ')' : ']');
                case '\'':
                case '"':
                    return ParseString();
                case '-' or '+':
                case >= '0' and <= '9':
                    return ParseInteger();
                default:
                    if (TryWord("True")) return true;
                    if (TryWord("False")) return false;
                    if (TryWord("None")) return null;
                    throw Error($"unexpected character '{c}'");
            }
        }

        private Dictionary<string, object?> ParseDict(int depth)
        {
            _pos++; // '{'
            var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
            while (true)
            {
                SkipWhitespace();
                if (Peek() == '}') { _pos++; return dict; }
                if (ParseValue(depth + 1) is not string key)
                    throw Error("a dict key is not a string");
                SkipWhitespace();
                if (Peek() != ':') throw Error("expected ':'");
                _pos++;
                object? value = ParseValue(depth + 1);
                if (!dict.TryAdd(key, value))
                    throw Error($"duplicate key '{NpyDType.Clip(key)}'");
                SkipWhitespace();
                char next = Peek();
                if (next == ',') { _pos++; continue; }
                if (next == '}') { _pos++; return dict; }
                throw Error("expected ',' or '}'");
            }
        }

        private object? ParseSequence(int depth, char close)
        {
            _pos++; // '(' or '['
            var items = new List<object?>();
            bool sawComma = false;
            while (true)
            {
                SkipWhitespace();
                if (Peek() == close) { _pos++; break; }
                items.Add(ParseValue(depth + 1));
                SkipWhitespace();
                char next = Peek();
                if (next == ',') { _pos++; sawComma = true; continue; }
                if (next == close) { _pos++; break; }
                throw Error($"expected ',' or '{close}'");
            }

            // Python reads "(3)" as the integer 3, not a tuple (NumPy then rejects such a shape).
            if (close == ')' && items.Count == 1 && !sawComma)
                return items[0];
            return new Sequence(close == ')', items);
        }

        private string ParseString()
        {
            char quote = text[_pos++];
            var sb = new StringBuilder();
            while (true)
            {
                if (_pos >= text.Length) throw Error("unterminated string");
                char c = text[_pos++];
                if (c == quote) return sb.ToString();
                if (c == '\n') throw Error("newline inside a string");
                if (c == '\\')
                {
                    if (_pos >= text.Length) throw Error("unterminated string");
                    c = text[_pos++];
                }

                sb.Append(c);
            }
        }

        private object ParseInteger()
        {
            int start = _pos;
            bool negative = false;
            if (text[_pos] is '-' or '+')
            {
                negative = text[_pos] == '-';
                _pos++;
                SkipWhitespace();
            }

            int digitsStart = _pos;
            while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) _pos++;
            if (_pos == digitsStart) throw Error("expected digits");
            string digits = text[digitsStart.._pos];
            if (_pos < text.Length && text[_pos] is 'L' or 'l') _pos++;
            if (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] is '.' or '_'))
                throw Error("not an integer");
            if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
                return negative ? -value : value;
            return new HugeInteger(text[start.._pos]);
        }

        private bool TryWord(string word)
        {
            if (string.CompareOrdinal(text, _pos, word, 0, word.Length) != 0) return false;
            int end = _pos + word.Length;
            if (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_')) return false;
            _pos = end;
            return true;
        }

        private char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private void SkipWhitespace()
        {
            while (_pos < text.Length && text[_pos] is ' ' or '\t' or '\n' or '\r' or '\f' or '\v') _pos++;
        }

        private SyntaxException Error(string what) => new(string.Create(CultureInfo.InvariantCulture, $"{what} at offset {_pos}"));
    }
}
