using System.Diagnostics.CodeAnalysis;

namespace MatrixSensing.IO;

/// <summary>NumPy type strings (<c>descr</c>) to and from <see cref="NpyElementType"/>, sizes and .NET types.</summary>
internal static class NpyDType
{
    internal static int ItemSize(NpyElementType type) => type switch
    {
        NpyElementType.Bool or NpyElementType.Int8 or NpyElementType.UInt8 => 1,
        NpyElementType.Int16 or NpyElementType.UInt16 or NpyElementType.Float16 => 2,
        NpyElementType.Int32 or NpyElementType.UInt32 or NpyElementType.Float32 => 4,
        NpyElementType.Int64 or NpyElementType.UInt64 or NpyElementType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown element type."),
    };

    /// <summary>NumPy's name of the type (<c>float64</c>), used in messages.</summary>
    internal static string Name(NpyElementType type) => type switch
    {
        NpyElementType.Bool => "bool",
        NpyElementType.Int8 => "int8",
        NpyElementType.UInt8 => "uint8",
        NpyElementType.Int16 => "int16",
        NpyElementType.UInt16 => "uint16",
        NpyElementType.Int32 => "int32",
        NpyElementType.UInt32 => "uint32",
        NpyElementType.Int64 => "int64",
        NpyElementType.UInt64 => "uint64",
        NpyElementType.Float16 => "float16",
        NpyElementType.Float32 => "float32",
        NpyElementType.Float64 => "float64",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown element type."),
    };

    /// <summary>The type string NumPy writes for this type in this machine's byte order (<c>&lt;f8</c>, <c>|b1</c>).</summary>
    internal static string Descr(NpyElementType type)
    {
        int size = ItemSize(type);
        char order = size == 1 ? '|' : BitConverter.IsLittleEndian ? '<' : '>';
        char kind = type switch
        {
            NpyElementType.Bool => 'b',
            NpyElementType.Int8 or NpyElementType.Int16 or NpyElementType.Int32 or NpyElementType.Int64 => 'i',
            NpyElementType.UInt8 or NpyElementType.UInt16 or NpyElementType.UInt32 or NpyElementType.UInt64 => 'u',
            _ => 'f',
        };
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{order}{kind}{size}");
    }

    /// <summary>
    /// Parses a type string such as <c>&lt;f8</c>. <paramref name="swap"/> tells whether the file's byte order differs
    /// from this machine's. On failure <paramref name="problem"/> explains why, naming the kind NumPy would see.
    /// </summary>
    internal static bool TryParse(string descr, out NpyElementType type, out bool swap, [NotNullWhen(false)] out string? problem)
    {
        type = default;
        swap = false;
        problem = null;
        if (descr.Length == 0)
        {
            problem = "the dtype string is empty";
            return false;
        }

        char order = descr[0];
        string rest = descr;
        bool bigEndian = !BitConverter.IsLittleEndian;
        if (order is '<' or '>' or '|' or '=')
        {
            rest = descr[1..];
            bigEndian = order == '>' || (order is '|' or '=' && !BitConverter.IsLittleEndian);
        }

        if (rest.Length < 2 || !int.TryParse(rest.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int size))
        {
            problem = $"unsupported dtype '{Clip(descr)}' ({KindName(rest.Length > 0 ? rest[0] : '\0')})";
            return false;
        }

        NpyElementType? parsed = (rest[0], size) switch
        {
            ('b', 1) => NpyElementType.Bool,
            ('i', 1) => NpyElementType.Int8,
            ('u', 1) => NpyElementType.UInt8,
            ('i', 2) => NpyElementType.Int16,
            ('u', 2) => NpyElementType.UInt16,
            ('i', 4) => NpyElementType.Int32,
            ('u', 4) => NpyElementType.UInt32,
            ('i', 8) => NpyElementType.Int64,
            ('u', 8) => NpyElementType.UInt64,
            ('f', 2) => NpyElementType.Float16,
            ('f', 4) => NpyElementType.Float32,
            ('f', 8) => NpyElementType.Float64,
            _ => null,
        };
        if (parsed is null)
        {
            problem = $"unsupported dtype '{Clip(descr)}' ({KindName(rest[0])}); supported are float16/32/64, signed and unsigned 8/16/32/64-bit integers and bool";
            return false;
        }

        type = parsed.Value;
        swap = ItemSize(type) > 1 && bigEndian == BitConverter.IsLittleEndian;
        return true;
    }

    /// <summary>The element type stored for the .NET type <typeparamref name="T"/>, or null if none is.</summary>
    internal static NpyElementType? Of<T>()
    {
        if (typeof(T) == typeof(double)) return NpyElementType.Float64;
        if (typeof(T) == typeof(float)) return NpyElementType.Float32;
        if (typeof(T) == typeof(Half)) return NpyElementType.Float16;
        if (typeof(T) == typeof(int)) return NpyElementType.Int32;
        if (typeof(T) == typeof(long)) return NpyElementType.Int64;
        if (typeof(T) == typeof(bool)) return NpyElementType.Bool;
        if (typeof(T) == typeof(byte)) return NpyElementType.UInt8;
        if (typeof(T) == typeof(sbyte)) return NpyElementType.Int8;
        if (typeof(T) == typeof(short)) return NpyElementType.Int16;
        if (typeof(T) == typeof(ushort)) return NpyElementType.UInt16;
        if (typeof(T) == typeof(uint)) return NpyElementType.UInt32;
        if (typeof(T) == typeof(ulong)) return NpyElementType.UInt64;
        return null;
    }

    internal static NpyElementType Require<T>() =>
        Of<T>() ?? throw new NotSupportedException(
            $"{typeof(T).Name} has no .npy element type; use double, float, Half, bool, or an 8/16/32/64-bit integer type.");

    private static string KindName(char kind) => kind switch
    {
        'c' => "complex numbers",
        'O' => "Python objects, which NumPy stores pickled and which are never loaded",
        'U' => "Unicode strings",
        'S' or 'a' => "byte strings",
        'V' => "structured or void records",
        'M' => "datetimes",
        'm' => "timedeltas",
        'b' or 'i' or 'u' or 'f' => "an unsupported size",
        _ => "unknown kind",
    };

    /// <summary>Text from a file, shortened and with control characters escaped, for a message.</summary>
    internal static string Clip(string s, int max = 40)
    {
        var sb = new System.Text.StringBuilder(Math.Min(s.Length, max) + 8);
        foreach (char c in s.Length <= max ? s : s[..max])
        {
            if (char.IsControl(c)) sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            else sb.Append(c);
        }

        return s.Length <= max ? sb.ToString() : sb.Append('…').ToString();
    }
}
