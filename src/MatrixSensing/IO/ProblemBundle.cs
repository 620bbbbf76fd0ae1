using System.Numerics;
using MatrixSensing.LinearAlgebra;
using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Solvers;

namespace MatrixSensing.IO;

/// <summary>
/// A problem exchanged with NumPy as an <c>.npz</c> bundle (SPEC §8): <c>A</c> (m×n1×n2, or m×(n1·n2) with the
/// shape given by <c>M_star</c> or <c>shape</c>), <c>y</c> (m), optional <c>M_star</c> (n1×n2), optional initial
/// factors <c>U0</c>/<c>V0</c> (asymmetric) or <c>X0</c> (symmetric). Results go back as <c>estimate</c>,
/// <c>U</c>, <c>V</c> (or <c>X</c>).
/// </summary>
public static class ProblemBundle
{
    /// <summary>What a bundle held.</summary>
    /// <param name="Problem">The problem (with ground truth when M_star was given).</param>
    /// <param name="Initialization">The given initial factors, or null.</param>
    public sealed record Loaded<T>(SensingProblem<T> Problem, Initialization? Initialization) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Reads a bundle; a symmetric model is used when <paramref name="symmetric"/> or when X0 is present.</summary>
    /// <param name="path">The .npz file.</param>
    /// <param name="symmetric">Fit X·Xᵀ instead of U·Vᵀ.</param>
    /// <exception cref="NpyFormatException">The file is not a valid bundle; the message names the entry.</exception>
    public static Loaded<T> Load<T>(string path, bool symmetric = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var entries = Npz.Read(path);
        NpyArray Require(string name) => entries.TryGetValue(name, out var a) ? a
            : throw new NpyFormatException($"{path}: the bundle has no '{name}' array (it has: {string.Join(", ", entries.Keys)}).");
        var a = Require("A");
        var y = Require("y");
        entries.TryGetValue("M_star", out var mStar);
        symmetric |= entries.ContainsKey("X0");

        int m, n1, n2;
        if (a.Rank == 3) (m, n1, n2) = (Dim(a, 0, path), Dim(a, 1, path), Dim(a, 2, path));
        else if (a.Rank == 2 && mStar is { Rank: 2 }) (m, n1, n2) = (Dim(a, 0, path), Dim(mStar, 0, path), Dim(mStar, 1, path));
        else if (a.Rank == 2 && entries.TryGetValue("shape", out var shape) && shape.Length == 2)
        {
            var (s0, s1) = ShapeEntry(shape, path);
            (m, n1, n2) = (Dim(a, 0, path), s0, s1);
        }
        else throw new NpyFormatException($"{path}: 'A' must be m×n1×n2, or m×(n1·n2) with 'M_star' or a 'shape' array giving n1, n2; got {a}.");
        if (a.Rank == 2 && Dim(a, 1, path) != (long)n1 * n2)
            throw new NpyFormatException($"{path}: 'A' has {Dim(a, 1, path)} columns but n1·n2 = {n1}·{n2} = {(long)n1 * n2}.");
        if (y.Length != m)
            throw new NpyFormatException($"{path}: 'y' has {y.Length} values but 'A' has {m} measurements.");

        var op = new DenseOperator<T>(n1, n2, m, a.ToMeasurementRows<T>());
        var measurements = y.ToArray<T>();
        SensingProblem<T> problem;
        if (mStar is not null)
        {
            if (mStar.Rank != 2 || Dim(mStar, 0, path) != n1 || Dim(mStar, 1, path) != n2)
                throw new NpyFormatException($"{path}: 'M_star' must be {n1}×{n2}; got {mStar}.");
            // The rank cut-off follows the precision M_star was stored in, not the one it is computed in.
            double? cutoff = mStar.ElementType == NpyElementType.Float32 ? LowRankTarget.RankCutoff<float>(n1, n2) : null;
            var target = TargetFromMatrix(mStar.ToColumnMajor<T>(), n1, n2, symmetric, cutoff);
            problem = SensingProblem.WithTarget(op, measurements, target);
        }
        else problem = SensingProblem.FromMeasurements<T>(op, measurements, symmetric);

        Initialization? init = null;
        if (symmetric && entries.TryGetValue("X0", out var x0))
            init = Initialization.Given(Factor<T>(x0, n1, "X0", path));
        else if (!symmetric && entries.TryGetValue("U0", out var u0) && entries.TryGetValue("V0", out var v0))
            init = Initialization.Given(Factor<T>(u0, n1, "U0", path), Factor<T>(v0, n2, "V0", path));
        else if (!symmetric && entries.ContainsKey("U0") != entries.ContainsKey("V0"))
            throw new NpyFormatException($"{path}: the bundle has '{(entries.ContainsKey("U0") ? "U0" : "V0")}' but not '{(entries.ContainsKey("U0") ? "V0" : "U0")}'; give both initial factors or neither.");
        return new Loaded<T>(problem, init);
    }

    /// <summary>Writes a bundle NumPy can load with <c>np.load</c>: A as m×n1×n2, y, and M_star when known.</summary>
    /// <param name="path">The .npz file to write.</param>
    /// <param name="measurementRows">The m × n1n2 measurement matrix, row i = vec(A_i) (column-major vec).</param>
    /// <param name="problem">The problem whose y (and M_star) to write.</param>
    public static void Save<T>(string path, ReadOnlySpan<T> measurementRows, SensingProblem<T> problem) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(problem);
        int m = problem.Count, n1 = problem.Rows, n2 = problem.Columns;
        if (measurementRows.Length != (long)m * n1 * n2)
            throw new ArgumentException($"The measurement matrix has {measurementRows.Length} values; m·n1·n2 = {(long)m * n1 * n2}.", nameof(measurementRows));
        // NumPy users index A[i, r, c]; write C order (m, n1, n2), the layout np.save gives an ordinary array.
        var cOrder = new T[measurementRows.Length];
        for (int i = 0; i < m; i++)
            for (int r = 0; r < n1; r++)
                for (int c = 0; c < n2; c++)
                    cOrder[((long)i * n1 + r) * n2 + c] = measurementRows[(int)((long)i * n1 * n2 + r + (long)c * n1)];
        var entries = new List<KeyValuePair<string, NpyArray>>
        {
            new("A", NpyArray.Create<T>(cOrder, [m, n1, n2])),
            new("y", NpyArray.Create<T>(problem.Measurements, [m])),
        };
        if (problem.Target is { } target)
            entries.Add(new("M_star", NpyArray.Create<T>(target.ToMatrix().Data, [n1, n2], fortranOrder: true)));
        Npz.Write(path, entries, compress: false);
    }

    /// <summary>Writes a result: the estimate (n1×n2) and the factors (U and V, or X).</summary>
    /// <param name="path">The .npz file to write.</param>
    /// <param name="result">The solver's result.</param>
    public static void SaveResult<T>(string path, SolverResult<T> result) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(result);
        var estimate = result.Estimate();
        var entries = new List<KeyValuePair<string, NpyArray>>
        {
            new("estimate", NpyArray.Create<T>(estimate.Data, [estimate.Rows, estimate.Columns], fortranOrder: true)),
        };
        if (result.Right is { } right)
        {
            entries.Add(new("U", NpyArray.Create<T>(result.Left.Data, [result.Left.Rows, result.Left.Columns], fortranOrder: true)));
            entries.Add(new("V", NpyArray.Create<T>(right.Data, [right.Rows, right.Columns], fortranOrder: true)));
        }
        else entries.Add(new("X", NpyArray.Create<T>(result.Left.Data, [result.Left.Rows, result.Left.Columns], fortranOrder: true)));
        Npz.Write(path, entries, compress: false);
    }

    /// <summary>
    /// A <see cref="LowRankTarget{T}"/> from a dense matrix: its SVD truncated where σ_k ≤ cut-off·σ₁ (by default
    /// max(n1, n2)·ε of <typeparamref name="T"/>; see <see cref="LowRankTarget.FromMatrix{T}"/>), so error metrics
    /// exist for problems whose ground truth came as a plain array.
    /// </summary>
    /// <param name="columnMajor">The n1×n2 matrix.</param>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="symmetric">Treat it as symmetric PSD (factors from the eigen-decomposition).</param>
    /// <param name="relativeCutoff">The rank cut-off relative to σ₁; null for the default of <typeparamref name="T"/>.</param>
    public static LowRankTarget<T> TargetFromMatrix<T>(T[] columnMajor, int rows, int columns, bool symmetric, double? relativeCutoff = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(columnMajor);
        return LowRankTarget.FromMatrix<T>(columnMajor, rows, columns, symmetric, relativeCutoff);
    }

    private static Matrix<T> Factor<T>(NpyArray array, int rows, string name, string path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (array.Rank != 2 || Dim(array, 0, path) != rows)
            throw new NpyFormatException($"{path}: '{name}' must be {rows}×h; got {array}.");
        return new Matrix<T>(rows, Dim(array, 1, path), array.ToColumnMajor<T>());
    }

    /// <summary>n1, n2 from a 'shape' entry: integers in [1, 2³¹ − 1] (a float or out-of-range entry is refused, not cast).</summary>
    private static (int, int) ShapeEntry(NpyArray shape, string path)
    {
        if (shape.ElementType is not (NpyElementType.Int8 or NpyElementType.Int16 or NpyElementType.Int32 or NpyElementType.Int64
            or NpyElementType.UInt8 or NpyElementType.UInt16 or NpyElementType.UInt32 or NpyElementType.UInt64))
            throw new NpyFormatException($"{path}: 'shape' must hold two integers n1, n2; got {shape}.");
        var s = shape.ToArray<long>();
        for (int i = 0; i < 2; i++)
            if (s[i] < 1 || s[i] > int.MaxValue)
                throw new NpyFormatException($"{path}: 'shape' entry {i} is {s[i]}; each of n1, n2 must be in [1, {int.MaxValue}].");
        return ((int)s[0], (int)s[1]);
    }

    private static int Dim(NpyArray array, int axis, string path) =>
        array.Shape[axis] <= int.MaxValue ? (int)array.Shape[axis] : throw new NpyFormatException($"{path}: dimension {axis} of {array} is too large.");
}
