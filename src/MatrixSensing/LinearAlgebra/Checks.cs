using System.Numerics;
using System.Runtime.CompilerServices;

namespace MatrixSensing.LinearAlgebra;

/// <summary>Shape, length and overlap checks shared by every wrapper: validate first, then call native code.</summary>
internal static class Checks
{
    /// <summary>Elements a column-major rows×columns matrix with leading dimension ld occupies.</summary>
    internal static long Extent(int rows, int columns, int ld) =>
        rows == 0 || columns == 0 ? 0 : (long)(columns - 1) * ld + rows;

    internal static void Dimension(int value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be non-negative.");
    }

    internal static void LeadingDimension(int ld, int rows, [CallerArgumentExpression(nameof(ld))] string? name = null)
    {
        if (ld < Math.Max(1, rows))
            throw new ArgumentOutOfRangeException(name, ld, $"The leading dimension {name} = {ld} must be at least max(1, {rows}), the number of stored rows.");
    }

    /// <summary>
    /// Checks a matrix operand and returns exactly the part of the span it occupies. Errors name the caller's own
    /// parameters (<c>a</c>, <c>lda</c>), so callers must pass their parameters directly, not expressions.
    /// </summary>
    internal static ReadOnlySpan<T> Matrix<T>(ReadOnlySpan<T> span, int rows, int columns, int ld,
        [CallerArgumentExpression(nameof(span))] string? name = null,
        [CallerArgumentExpression(nameof(ld))] string? ldName = null)
    {
        LeadingDimension(ld, rows, ldName);
        long needed = Extent(rows, columns, ld);
        if (span.Length < needed)
            throw new ArgumentException($"{name} holds {span.Length} elements; a {rows}×{columns} matrix with leading dimension {ld} needs {needed}.", name);
        return span[..(int)needed];
    }

    internal static Span<T> Matrix<T>(Span<T> span, int rows, int columns, int ld,
        [CallerArgumentExpression(nameof(span))] string? name = null,
        [CallerArgumentExpression(nameof(ld))] string? ldName = null) =>
        span[..Matrix((ReadOnlySpan<T>)span, rows, columns, ld, name, ldName).Length];

    internal static void Length<T>(ReadOnlySpan<T> span, long needed, [CallerArgumentExpression(nameof(span))] string? name = null)
    {
        if (span.Length < needed)
            throw new ArgumentException($"{name} holds {span.Length} elements; {needed} are needed.", name);
    }

    /// <summary>An output must not share memory with an input (BLAS reads inputs while it writes).</summary>
    internal static void NoOverlap<T>(ReadOnlySpan<T> output, ReadOnlySpan<T> input, string outputName, string inputName)
    {
        if (output.Overlaps(input))
            throw new ArgumentException($"{outputName} overlaps {inputName}; the output must be a separate buffer.", outputName);
    }

    /// <summary>Element-wise routines may run in place, but not on shifted views of one buffer.</summary>
    internal static void SameOrDisjoint<T>(ReadOnlySpan<T> output, ReadOnlySpan<T> input, string outputName, string inputName)
    {
        if (output.Overlaps(input, out int offset) && offset != 0)
            throw new ArgumentException($"{outputName} overlaps {inputName} at an offset of {offset}; use the same buffer or separate ones.", outputName);
    }

    internal static void SameLength<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, string xName, string yName)
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"{xName} has {x.Length} elements but {yName} has {y.Length}.", yName);
    }

    internal static NotSupportedException Unsupported<T>() =>
        new($"Element type {typeof(T).Name} is not supported; use float or double.");

    internal static bool IsDouble<T>() where T : unmanaged, IFloatingPointIeee754<T> => typeof(T) == typeof(double);

    internal static bool IsSingle<T>() where T : unmanaged, IFloatingPointIeee754<T> => typeof(T) == typeof(float);
}
