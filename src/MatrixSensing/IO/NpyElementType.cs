using System.Diagnostics.CodeAnalysis;

namespace MatrixSensing.IO;

/// <summary>
/// The element types a <c>.npy</c> array may hold here: NumPy's fixed-size numeric kinds. Floating types carry
/// data; the integer and boolean kinds are read so that index arrays (for example, observed entries) travel in the
/// same bundle. Complex, string, datetime, structured and object (<c>|O</c>, pickled) arrays are refused.
/// </summary>
/// <remarks>The comment on each member gives NumPy's little-endian type string and the .NET type of one element.</remarks>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The members are NumPy's dtype names (int32, float64, ...).")]
public enum NpyElementType
{
    /// <summary><c>|b1</c>, <see cref="bool"/> (one byte, 0 or 1).</summary>
    Bool,

    /// <summary><c>|i1</c>, <see cref="sbyte"/>.</summary>
    Int8,

    /// <summary><c>|u1</c>, <see cref="byte"/>.</summary>
    UInt8,

    /// <summary><c>&lt;i2</c>, <see cref="short"/>.</summary>
    Int16,

    /// <summary><c>&lt;u2</c>, <see cref="ushort"/>.</summary>
    UInt16,

    /// <summary><c>&lt;i4</c>, <see cref="int"/>.</summary>
    Int32,

    /// <summary><c>&lt;u4</c>, <see cref="uint"/>.</summary>
    UInt32,

    /// <summary><c>&lt;i8</c>, <see cref="long"/>.</summary>
    Int64,

    /// <summary><c>&lt;u8</c>, <see cref="ulong"/>.</summary>
    UInt64,

    /// <summary><c>&lt;f2</c>, <see cref="Half"/>.</summary>
    Float16,

    /// <summary><c>&lt;f4</c>, <see cref="float"/>.</summary>
    Float32,

    /// <summary><c>&lt;f8</c>, <see cref="double"/>.</summary>
    Float64,
}
