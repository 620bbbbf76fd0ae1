using System.Numerics;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;
using RefMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;
using RefVector = MathNet.Numerics.LinearAlgebra.Vector<double>;

namespace MatrixSensing.Tests.LinearAlgebra;

/// <summary>
/// Moves test data between MathNet's managed matrices (the oracle, always in double) and the column-major,
/// leading-dimension buffers our wrappers take. Input padding is NaN, so a wrapper that reads it poisons its
/// result; output padding is a sentinel, so a wrapper that writes it is caught.
/// </summary>
internal static class Dense
{
    public const double Sentinel = -777.25;

    public static bool IsSingle<T>() => typeof(T) == typeof(float);

    /// <summary>Element-wise tolerance for BLAS results, relative to the largest reference magnitude.</summary>
    public static double BlasTolerance<T>() => IsSingle<T>() ? 2e-5 : 1e-12;

    /// <summary>Tolerance for factorizations and solves (backward-stable, but with more steps than a product).</summary>
    public static double LapackTolerance<T>() => IsSingle<T>() ? 2e-4 : 1e-10;

    /// <summary>A standard-normal matrix from a fixed seed, rounded to T's precision so the oracle sees exactly our inputs.</summary>
    public static RefMatrix Random<T>(int rows, int columns, int seed) where T : IFloatingPointIeee754<T> =>
        RoundTo<T>(RefMatrix.Build.Random(rows, columns, new Normal(0, 1, new SystemRandomSource(seed))));

    public static RefVector RandomVector<T>(int length, int seed) where T : IFloatingPointIeee754<T> =>
        RefVector.Build.Random(length, new Normal(0, 1, new SystemRandomSource(seed)))
            .Map(v => double.CreateTruncating(T.CreateTruncating(v)));

    /// <summary>A well-conditioned symmetric positive-definite matrix B·Bᵀ + n·I.</summary>
    public static RefMatrix SymmetricPositiveDefinite<T>(int n, int seed) where T : IFloatingPointIeee754<T>
    {
        var b = RefMatrix.Build.Random(n, n, new Normal(0, 1, new SystemRandomSource(seed)));
        var spd = b * b.Transpose() + RefMatrix.Build.DenseIdentity(n) * n;
        return RoundTo<T>((spd + spd.Transpose()) / 2);
    }

    public static RefMatrix RoundTo<T>(RefMatrix m) where T : IFloatingPointIeee754<T> =>
        m.Map(v => double.CreateTruncating(T.CreateTruncating(v)));

    /// <summary>Column-major storage of m with leading dimension ld (≥ rows); rows ld−rows.. of each column hold pad.</summary>
    public static T[] Pack<T>(RefMatrix m, int ld, double pad = double.NaN) where T : IFloatingPointIeee754<T>
    {
        var buffer = new T[Math.Max(1, ld * m.ColumnCount)];
        Array.Fill(buffer, T.CreateTruncating(pad));
        for (int j = 0; j < m.ColumnCount; j++)
            for (int i = 0; i < m.RowCount; i++)
                buffer[i + j * ld] = T.CreateTruncating(m[i, j]);
        return buffer;
    }

    public static T[] Pack<T>(RefVector v) where T : IFloatingPointIeee754<T> =>
        [.. v.Select(T.CreateTruncating)];

    /// <summary>A sentinel-filled output buffer for a rows×columns matrix with leading dimension ld.</summary>
    public static T[] Output<T>(int rows, int columns, int ld) where T : IFloatingPointIeee754<T> =>
        Pack<T>(RefMatrix.Build.Dense(rows, columns, Sentinel), ld, Sentinel);

    public static RefMatrix Unpack<T>(ReadOnlySpan<T> buffer, int rows, int columns, int ld) where T : IFloatingPointIeee754<T>
    {
        var m = RefMatrix.Build.Dense(rows, columns);
        for (int j = 0; j < columns; j++)
            for (int i = 0; i < rows; i++)
                m[i, j] = double.CreateTruncating(buffer[i + j * ld]);
        return m;
    }

    public static RefVector Unpack<T>(ReadOnlySpan<T> buffer) where T : IFloatingPointIeee754<T>
    {
        var v = RefVector.Build.Dense(buffer.Length);
        for (int i = 0; i < buffer.Length; i++) v[i] = double.CreateTruncating(buffer[i]);
        return v;
    }

    /// <summary>max |actual − expected| ≤ tolerance · max(1, max |expected|).</summary>
    public static void AssertClose(RefMatrix actual, RefMatrix expected, double tolerance, string? what = null)
    {
        Assert.That(actual.RowCount, Is.EqualTo(expected.RowCount), what);
        Assert.That(actual.ColumnCount, Is.EqualTo(expected.ColumnCount), what);
        double scale = Math.Max(1, expected.Enumerate().Select(Math.Abs).DefaultIfEmpty(0).Max());
        double error = (actual - expected).Enumerate().Select(Math.Abs).DefaultIfEmpty(0).Max();
        Assert.That(error, Is.LessThanOrEqualTo(tolerance * scale), $"{what}: max error {error:G3} vs allowed {tolerance * scale:G3}");
    }

    public static void AssertClose(RefVector actual, RefVector expected, double tolerance, string? what = null) =>
        AssertClose(actual.ToColumnMatrix(), expected.ToColumnMatrix(), tolerance, what);

    /// <summary>Checks that nothing outside the rows×columns block (the ld padding) was written.</summary>
    public static void AssertPaddingIs<T>(ReadOnlySpan<T> buffer, int rows, int columns, int ld, double pad = Sentinel)
        where T : IFloatingPointIeee754<T>
    {
        T expected = T.CreateTruncating(pad);
        for (int k = 0; k < buffer.Length; k++)
        {
            if (k % ld < rows && k / ld < columns) continue;
            if (!(buffer[k] == expected || (T.IsNaN(buffer[k]) && T.IsNaN(expected))))
                Assert.Fail($"padding element {k} (row {k % ld}, column {k / ld}) was overwritten with {buffer[k]}");
        }
    }

    /// <summary>‖QᵀQ − I‖ small: the columns of Q are orthonormal.</summary>
    public static void AssertOrthonormalColumns(RefMatrix q, double tolerance, string what) =>
        AssertClose(q.TransposeThisAndMultiply(q), RefMatrix.Build.DenseIdentity(q.ColumnCount), tolerance, what);

    /// <summary>Asserts the call throws exactly <paramref name="exception"/> (an argument exception) naming <paramref name="parameter"/>.</summary>
    public static void AssertRejects(Action call, Type exception, string parameter)
    {
        var ex = Assert.Throws(exception, call);
        Assert.That(ex, Is.InstanceOf<ArgumentException>());
        Assert.That(((ArgumentException)ex!).ParamName, Is.EqualTo(parameter), ex.Message);
    }
}
