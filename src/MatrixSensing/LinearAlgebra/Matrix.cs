using System.Numerics;
using System.Numerics.Tensors;
using System.Text;

namespace MatrixSensing.LinearAlgebra;

/// <summary>
/// A dense matrix that owns column-major storage: element (i, j) is at <c>i + j·Rows</c>, the layout BLAS and
/// LAPACK use, so <see cref="Span"/> passes straight to the wrappers with leading dimension <see cref="Rows"/>.
/// </summary>
public sealed class Matrix<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A zero matrix.</summary>
    /// <param name="rows">Number of rows.</param>
    /// <param name="columns">Number of columns.</param>
    public Matrix(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        Rows = rows;
        Columns = columns;
        Data = new T[checked(rows * columns)];
    }

    /// <summary>Wraps existing column-major data (not copied).</summary>
    /// <param name="rows">Number of rows.</param>
    /// <param name="columns">Number of columns.</param>
    /// <param name="columnMajor">rows·columns elements, column-major.</param>
    public Matrix(int rows, int columns, T[] columnMajor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        ArgumentNullException.ThrowIfNull(columnMajor);
        if (columnMajor.Length != (long)rows * columns)
            throw new ArgumentException($"A {rows}×{columns} matrix needs {(long)rows * columns} elements; got {columnMajor.Length}.", nameof(columnMajor));
        Rows = rows;
        Columns = columns;
        Data = columnMajor;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Columns { get; }

    /// <summary>The column-major storage.</summary>
    public T[] Data { get; }

    /// <summary>The storage as a span (leading dimension = <see cref="Rows"/>).</summary>
    public Span<T> Span => Data;

    /// <summary>Element (i, j).</summary>
    /// <param name="i">Row.</param>
    /// <param name="j">Column.</param>
    public T this[int i, int j]
    {
        get => Data[Index(i, j)];
        set => Data[Index(i, j)] = value;
    }

    /// <summary>Column j as a span.</summary>
    /// <param name="j">Column index.</param>
    public Span<T> Column(int j)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(j);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(j, Columns);
        return Data.AsSpan(j * Rows, Rows);
    }

    /// <summary>A deep copy.</summary>
    public Matrix<T> Clone() => new(Rows, Columns, (T[])Data.Clone());

    /// <summary>The Frobenius norm ‖A‖_F, with scaling (BLAS nrm2): entries beyond 1e±154 neither overflow nor underflow.</summary>
    public T FrobeniusNorm() => Blas.Nrm2<T>(Data);

    /// <summary>The product A·B, computed by BLAS.</summary>
    /// <param name="other">B; its row count must equal this matrix's column count.</param>
    public Matrix<T> Multiply(Matrix<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Rows != Columns)
            throw new ArgumentException($"Cannot multiply a {Rows}×{Columns} matrix by a {other.Rows}×{other.Columns} one.", nameof(other));
        var c = new Matrix<T>(Rows, other.Columns);
        Blas.Gemm(Transpose.None, Transpose.None, Rows, other.Columns, Columns, T.One, Data, Math.Max(1, Rows), other.Data, Math.Max(1, other.Rows), T.Zero, c.Data, Math.Max(1, Rows));
        return c;
    }

    /// <summary>The transpose, as a new matrix.</summary>
    public Matrix<T> Transposed()
    {
        var t = new Matrix<T>(Columns, Rows);
        for (int j = 0; j < Columns; j++)
            for (int i = 0; i < Rows; i++)
                t[j, i] = this[i, j];
        return t;
    }

    /// <summary>The matrix as text, one row per line (for small matrices in examples and messages).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder().Append(Rows).Append('×').Append(Columns).Append(" matrix");
        if (Rows * Columns > 400) return sb.ToString();
        for (int i = 0; i < Rows; i++)
        {
            sb.AppendLine();
            for (int j = 0; j < Columns; j++) sb.Append(j == 0 ? "" : " ").Append(this[i, j].ToString("G6", null));
        }
        return sb.ToString();
    }

    private int Index(int i, int j)
    {
        if ((uint)i >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(i), i, $"Row index must be in [0, {Rows}).");
        if ((uint)j >= (uint)Columns) throw new ArgumentOutOfRangeException(nameof(j), j, $"Column index must be in [0, {Columns}).");
        return i + j * Rows;
    }
}

/// <summary>Factory methods for <see cref="Matrix{T}"/>.</summary>
public static class Matrix
{
    /// <summary>Creates a matrix from a row-major 2-D array, the way C# literals are written.</summary>
    /// <param name="values">The values, indexed [row, column].</param>
    public static Matrix<T> FromArray<T>(T[,] values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(values);
        var m = new Matrix<T>(values.GetLength(0), values.GetLength(1));
        for (int j = 0; j < m.Columns; j++)
            for (int i = 0; i < m.Rows; i++)
                m[i, j] = values[i, j];
        return m;
    }

}
