using System.Collections.Immutable;
using System.Numerics;
using System.Runtime.InteropServices;

namespace MatrixSensing.IO;

/// <summary>
/// An n-dimensional array as stored in a <c>.npy</c> file: shape, element type, order flag and the elements in the
/// file's order. Read one with <see cref="Npy.Read(string, NpyReadOptions?)"/>, build one with
/// <see cref="Create{T}(ReadOnlySpan{T}, ReadOnlySpan{long}, bool)"/>.
/// </summary>
/// <remarks>
/// <para>
/// Element order. In C order (NumPy's default) the last index varies fastest; in Fortran order the first does.
/// <see cref="ToArray{T}"/> returns the stored order; <see cref="ToColumnMajor{T}"/> and <see cref="ToRowMajor{T}"/>
/// return a fixed order whatever the file holds. This library stores an n1×n2 matrix column-major, element (i, j) at
/// <c>i + j·n1</c>, which is exactly <see cref="ToColumnMajor{T}"/> of a 2-D array of shape (n1, n2).
/// </para>
/// <para>
/// Measurement tensors. A NumPy array <c>A</c> of shape (m, n1, n2) holds measurement i's matrix as
/// <c>A_i = A[i, :, :]</c>, an n1×n2 matrix. <see cref="ToMeasurementRows{T}"/> lays it out as m rows of length
/// n1·n2, row after row, where row i is vec(A_i) with column-major vec: element <c>A[i, r, c]</c> lands at index
/// <c>i·n1·n2 + r + c·n1</c>. A 2-D array of shape (m, n1·n2) is taken as already vectorized (row i is the NumPy
/// row <c>A[i, :]</c>, element <c>A[i, k]</c> at <c>i·n1·n2 + k</c>), so its columns must already follow the
/// column-major vec; in NumPy that is <c>A3.transpose(0, 2, 1).reshape(m, -1)</c> of a 3-D <c>A3</c>. (Problem
/// bundles read a flattened <c>A</c> the other way by default, as NumPy flattens, <c>A2[i] = A[i].ravel()</c>; see
/// <see cref="ProblemBundle"/>.) By
/// contrast, <see cref="ToColumnMajor{T}"/> of the 3-D array gives the m×(n1·n2) matrix with these same rows in
/// column-major storage, element <c>A[i, r, c]</c> at <c>i + (r + c·n1)·m</c>.
/// </para>
/// <para>
/// Conversions. The typed accessors convert every element with <c>T.CreateChecked</c>: any element type converts to
/// <see cref="double"/> or <see cref="float"/> (float64 to float32 rounds to nearest), and an integer target throws
/// <see cref="OverflowException"/> for a value it cannot hold (a NaN, an infinity, or out of range; fractions are
/// truncated). Booleans read as 0 and 1.
/// </para>
/// </remarks>
public sealed class NpyArray
{
    private readonly Array _data; // T[] of the element type; bool is held as byte[] of 0 and 1.

    internal NpyArray(NpyElementType elementType, bool fortranOrder, long[] shape, Array data)
    {
        ElementType = elementType;
        FortranOrder = fortranOrder;
        Shape = ImmutableArray.Create(shape);
        _data = data;
    }

    /// <summary>The element type.</summary>
    public NpyElementType ElementType { get; }

    /// <summary>True when the elements are stored in Fortran (column-major) order, false for C (row-major) order.</summary>
    public bool FortranOrder { get; }

    /// <summary>The extent of each axis, in NumPy's order; empty for a 0-dimensional (scalar) array.</summary>
    public ImmutableArray<long> Shape { get; }

    /// <summary>The number of axes.</summary>
    public int Rank => Shape.Length;

    /// <summary>The number of elements, the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public int Length => _data.Length;

    /// <summary>The size of one element in bytes.</summary>
    public int ItemSize => NpyDType.ItemSize(ElementType);

    /// <summary>The size of the data in bytes.</summary>
    public long ByteCount => (long)Length * ItemSize;

    internal Array Data => _data;

    /// <summary>
    /// Creates an array from a copy of <paramref name="data"/>, given in Fortran order when
    /// <paramref name="fortranOrder"/> is true and in C order otherwise.
    /// </summary>
    /// <typeparam name="T">One of <see cref="double"/>, <see cref="float"/>, <see cref="Half"/>, <see cref="bool"/>, or an 8-, 16-, 32- or 64-bit integer type.</typeparam>
    /// <param name="data">The elements; their number must equal the product of <paramref name="shape"/>.</param>
    /// <param name="shape">The extent of each axis (at most 64 axes, none negative).</param>
    /// <param name="fortranOrder">True if <paramref name="data"/> is column-major (first index fastest).</param>
    /// <exception cref="ArgumentException">The shape is invalid or does not match the number of elements.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no .npy element type.</exception>
    public static NpyArray Create<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> shape, bool fortranOrder = false) where T : unmanaged
    {
        NpyElementType type = NpyDType.Require<T>();
        CheckShape(data.Length, shape);
        Array copy;
        if (typeof(T) == typeof(bool))
        {
            var bytes = MemoryMarshal.AsBytes(data);
            var normalized = new byte[bytes.Length];
            for (int k = 0; k < bytes.Length; k++) normalized[k] = bytes[k] == 0 ? (byte)0 : (byte)1;
            copy = normalized;
        }
        else
        {
            copy = data.ToArray();
        }

        return new NpyArray(type, fortranOrder, shape.ToArray(), copy);
    }

    /// <summary>The elements in the stored order, without conversion.</summary>
    /// <typeparam name="T">The .NET type of <see cref="ElementType"/> exactly (for example <see cref="double"/> for float64).</typeparam>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not the element type.</exception>
    public ReadOnlySpan<T> AsSpan<T>() where T : unmanaged
    {
        if (NpyDType.Of<T>() != ElementType)
            throw new InvalidOperationException($"The array holds {NpyDType.Name(ElementType)}, not {typeof(T).Name}; use ToArray<{typeof(T).Name}>() to convert.");
        return _data switch
        {
            byte[] b when typeof(T) == typeof(bool) => MemoryMarshal.Cast<byte, T>(b),
            T[] t => t,
            _ => throw new InvalidOperationException("Element storage does not match the element type (internal error)."),
        };
    }

    /// <summary>The elements in the stored order (see <see cref="FortranOrder"/>), converted to <typeparamref name="T"/>.</summary>
    /// <exception cref="OverflowException">An element does not fit an integer <typeparamref name="T"/>.</exception>
    public T[] ToArray<T>() where T : unmanaged, INumberBase<T> => Copy<T>(Order.Stored);

    /// <summary>Copies the elements in the stored order, converted, to the start of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="Length"/>.</exception>
    /// <exception cref="OverflowException">An element does not fit an integer <typeparamref name="T"/>.</exception>
    public void CopyTo<T>(Span<T> destination) where T : unmanaged, INumberBase<T> => CopyTo(destination, Order.Stored);

    /// <summary>The elements in column-major (Fortran) order, first index fastest, whatever the stored order.</summary>
    /// <exception cref="OverflowException">An element does not fit an integer <typeparamref name="T"/>.</exception>
    public T[] ToColumnMajor<T>() where T : unmanaged, INumberBase<T> => Copy<T>(Order.ColumnMajor);

    /// <summary>Copies the elements in column-major (Fortran) order to the start of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="Length"/>.</exception>
    /// <exception cref="OverflowException">An element does not fit an integer <typeparamref name="T"/>.</exception>
    public void CopyToColumnMajor<T>(Span<T> destination) where T : unmanaged, INumberBase<T> => CopyTo(destination, Order.ColumnMajor);

    /// <summary>The elements in row-major (C) order, last index fastest, whatever the stored order.</summary>
    /// <exception cref="OverflowException">An element does not fit an integer <typeparamref name="T"/>.</exception>
    public T[] ToRowMajor<T>() where T : unmanaged, INumberBase<T> => Copy<T>(Order.RowMajor);

    /// <summary>Copies the elements in row-major (C) order to the start of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="Length"/>.</exception>
    /// <exception cref="OverflowException">An element does not fit an integer <typeparamref name="T"/>.</exception>
    public void CopyToRowMajor<T>(Span<T> destination) where T : unmanaged, INumberBase<T> => CopyTo(destination, Order.RowMajor);

    /// <summary>
    /// A measurement tensor of shape (m, n1, n2), or an already vectorized (m, n1·n2) matrix, as m consecutive rows
    /// of length n1·n2, row i = vec(A[i, :, :]) with column-major vec (see the remarks on <see cref="NpyArray"/>).
    /// This is the layout of the dense measurement operator.
    /// </summary>
    /// <exception cref="InvalidOperationException">The array is not 2-D or 3-D.</exception>
    /// <exception cref="OverflowException">An element does not fit an integer <typeparamref name="T"/>.</exception>
    public T[] ToMeasurementRows<T>() where T : unmanaged, INumberBase<T> => Copy<T>(Order.MeasurementRows);

    /// <summary>Copies the measurement rows (see <see cref="ToMeasurementRows{T}"/>) to the start of <paramref name="destination"/>.</summary>
    /// <exception cref="InvalidOperationException">The array is not 2-D or 3-D.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="Length"/>.</exception>
    /// <exception cref="OverflowException">An element does not fit an integer <typeparamref name="T"/>.</exception>
    public void CopyToMeasurementRows<T>(Span<T> destination) where T : unmanaged, INumberBase<T> => CopyTo(destination, Order.MeasurementRows);

    /// <summary>A summary such as <c>float64 (3, 4), Fortran order</c>.</summary>
    public override string ToString() =>
        $"{NpyDType.Name(ElementType)} {NpyHeader.ShapeText(Shape.AsSpan())}, {(FortranOrder ? "Fortran" : "C")} order";

    private enum Order { Stored, RowMajor, ColumnMajor, MeasurementRows }

    private T[] Copy<T>(Order order) where T : unmanaged, INumberBase<T>
    {
        CheckOrder(order);
        var result = GC.AllocateUninitializedArray<T>(Length);
        CopyTo<T>(result, order);
        return result;
    }

    private void CopyTo<T>(Span<T> destination, Order order) where T : unmanaged, INumberBase<T>
    {
        CheckOrder(order);
        if (destination.Length < Length)
            throw new ArgumentException($"The destination holds {destination.Length} elements; the array has {Length}.", nameof(destination));
        if (Length == 0) return;

        // With at least one element, every extent is at most Length and fits an int.
        var shape = new int[Rank];
        for (int k = 0; k < shape.Length; k++) shape[k] = (int)Shape[k];
        int[] src = FortranOrder ? NpyLayout.ColumnMajorStrides(shape) : NpyLayout.RowMajorStrides(shape);
        int[] dst = order switch
        {
            Order.Stored => src,
            Order.RowMajor => NpyLayout.RowMajorStrides(shape),
            Order.ColumnMajor => NpyLayout.ColumnMajorStrides(shape),
            _ => NpyLayout.MeasurementRowStrides(shape),
        };

        Permute(destination[..Length], shape, src, dst);
    }

    /// <summary>
    /// A flattened (m, n1·n2) measurement matrix as measurement rows (row i = column-major vec(A_i), the dense
    /// operator's layout). <paramref name="cOrderColumns"/> says how the file's columns flatten A_i: true for NumPy's
    /// <c>A[i].ravel()</c>, column j = r·n2 + c (what <c>A3.reshape(m, -1)</c> gives); false for Fortran order,
    /// column j = r + c·n1. The array's own storage order (C or Fortran) is accounted for separately.
    /// </summary>
    internal T[] FlattenedToMeasurementRows<T>(int rows, int columns, bool cOrderColumns) where T : unmanaged, INumberBase<T>
    {
        if (Rank != 2 || Shape[1] != (long)rows * columns)
            throw new InvalidOperationException($"Expected an (m, {(long)rows * columns}) array; this one has shape {NpyHeader.ShapeText(Shape.AsSpan())}.");
        var result = GC.AllocateUninitializedArray<T>(Length);
        if (Length == 0) return result;
        int m = (int)Shape[0];
        int[] shape = [m, rows, columns];
        // Where element (i, j) of the 2-D array is stored, then j split into (r, c) by the flattening convention.
        int si = FortranOrder ? 1 : rows * columns, sj = FortranOrder ? m : 1;
        int[] src = cOrderColumns ? [si, columns * sj, sj] : [si, sj, rows * sj];
        Permute<T>(result, shape, src, NpyLayout.MeasurementRowStrides(shape));
        return result;
    }

    private void Permute<T>(Span<T> d, int[] shape, int[] src, int[] dst) where T : unmanaged, INumberBase<T>
    {
        switch (_data)
        {
            case double[] a: NpyLayout.PermuteCopy<double, T>(a, d, shape, src, dst); break;
            case float[] a: NpyLayout.PermuteCopy<float, T>(a, d, shape, src, dst); break;
            case Half[] a: NpyLayout.PermuteCopy<Half, T>(a, d, shape, src, dst); break;
            case byte[] a: NpyLayout.PermuteCopy<byte, T>(a, d, shape, src, dst); break;
            case sbyte[] a: NpyLayout.PermuteCopy<sbyte, T>(a, d, shape, src, dst); break;
            case short[] a: NpyLayout.PermuteCopy<short, T>(a, d, shape, src, dst); break;
            case ushort[] a: NpyLayout.PermuteCopy<ushort, T>(a, d, shape, src, dst); break;
            case int[] a: NpyLayout.PermuteCopy<int, T>(a, d, shape, src, dst); break;
            case uint[] a: NpyLayout.PermuteCopy<uint, T>(a, d, shape, src, dst); break;
            case long[] a: NpyLayout.PermuteCopy<long, T>(a, d, shape, src, dst); break;
            case ulong[] a: NpyLayout.PermuteCopy<ulong, T>(a, d, shape, src, dst); break;
            default: throw new InvalidOperationException("Unknown element storage (internal error).");
        }
    }

    private void CheckOrder(Order order)
    {
        if (order == Order.MeasurementRows && Rank is not (2 or 3))
            throw new InvalidOperationException($"Measurement rows need a 2-D (m, n1·n2) or 3-D (m, n1, n2) array; this one has shape {NpyHeader.ShapeText(Shape.AsSpan())}.");
    }

    /// <summary>Checks a shape given by a caller (not a file) against an element count.</summary>
    internal static void CheckShape(long length, ReadOnlySpan<long> shape)
    {
        if (shape.Length > NpyHeader.MaxRank)
            throw new ArgumentException($"The shape has {shape.Length} axes; .npy allows at most {NpyHeader.MaxRank}.", nameof(shape));
        foreach (long d in shape)
        {
            if (d < 0)
                throw new ArgumentException($"The shape {NpyHeader.ShapeText(shape)} has a negative extent.", nameof(shape));
        }

        if (!NpyHeader.TryElementCount(shape, out long count) || count != length)
            throw new ArgumentException($"The shape {NpyHeader.ShapeText(shape)} does not hold {length} elements.", nameof(shape));
    }
}
