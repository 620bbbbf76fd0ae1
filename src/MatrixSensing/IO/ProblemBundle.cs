using System.Numerics;
using System.Runtime.CompilerServices;
using MatrixSensing.LinearAlgebra;
using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Solvers;

namespace MatrixSensing.IO;

/// <summary>
/// A problem exchanged with NumPy as an <c>.npz</c> bundle (SPEC §8). Every bundle has its measurements (<c>y</c>, or
/// <c>values</c> for completion) and may have
/// <c>M_star</c> (n1×n2, the ground truth) and initial factors <c>U0</c>/<c>V0</c> (asymmetric) or <c>X0</c>
/// (symmetric). The measurement operator is given in one of three forms:
/// <list type="bullet">
/// <item><b>dense</b>: <c>A</c> as m×n1×n2 (<c>A[i]</c> is A_i), or m×(n1·n2) flattened the way NumPy flattens,
/// <c>A2[i] = A[i].ravel()</c> (row-major vec of A_i, what <c>A.reshape(m, -1)</c> gives), unless a string entry
/// <c>order</c> says <c>'F'</c> (column-major vec, <c>A2[i] = A[i].ravel(order='F')</c>); n1, n2 of a flattened
/// <c>A</c> come from <c>M_star</c> or a <c>shape</c> entry. A float32 <c>A</c> stays float32-stored (half the
/// memory, computed in float64) unless the caller asks for full storage.</item>
/// <item><b>completion</b>: <c>rows</c>, <c>cols</c> (integers, int32 or int64) and <c>values</c>, one element per
/// observed entry: <c>values[k]</c> is M[rows[k], cols[k]] itself (the library applies its own 1/√p, p = |Ω|/(n1·n2));
/// duplicates are an error; n1, n2 from <c>shape</c>, else <c>M_star</c>, else the largest indices + 1.</item>
/// <item><b>rank-one</b>: <c>a</c> (m×n1) and <c>b</c> (m×n2), row i being a_i and b_i, or <c>a</c> alone for the
/// symmetric form (b_i = a_i, fitted with X·Xᵀ); <c>y[i]</c> = a_iᵀ M b_i raw (the library applies its own
/// scaling).</item>
/// </list>
/// Results go back as <c>estimate</c>, <c>U</c>, <c>V</c> (or <c>X</c>) and a <c>meta</c> entry.
/// </summary>
/// <remarks>
/// Before anything is inflated, the headers of the archive are read and the memory the problem will take (the
/// arrays as stored plus the operator's own storage) is checked against what the process may use
/// (<see cref="MemoryGuard"/>); a bundle that would not fit is refused with the estimate.
/// </remarks>
public static class ProblemBundle
{
    /// <summary>What a bundle held.</summary>
    /// <param name="Problem">The problem (with ground truth when M_star was given).</param>
    /// <param name="Initialization">The given initial factors, or null.</param>
    /// <param name="Kind">The form of the measurement operator.</param>
    /// <param name="Storage">The element type the operator is stored in: "float64" or "float32".</param>
    public sealed record Loaded<T>(SensingProblem<T> Problem, Initialization? Initialization, BundleKind Kind, string Storage)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// Reads a bundle; a symmetric model is used when <paramref name="symmetric"/> or when X0 is present.
    /// </summary>
    /// <param name="path">The .npz file, or a .csv of row,col,value triples (see <see cref="TripletCsv"/>).</param>
    /// <param name="symmetric">Fit X·Xᵀ instead of U·Vᵀ.</param>
    /// <param name="storage">
    /// How a dense <c>A</c> is stored: null (the default) keeps the file's precision (float32 stays float32 when
    /// T = double, everything else is stored in T); <see cref="StoragePrecision.Compute"/> stores it in T;
    /// <see cref="StoragePrecision.Reduced"/> rounds it to float32 (T = double only).
    /// </param>
    /// <exception cref="NpyFormatException">The file is not a valid bundle; the message names the entry.</exception>
    /// <exception cref="InsufficientMemoryException">The problem would not fit in the memory available; the message gives the estimate.</exception>
    public static Loaded<T> Load<T>(string path, bool symmetric = false, StoragePrecision? storage = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) return TripletCsv.Load<T>(path, symmetric);
        var headers = Npz.ReadHeaders(path, name => name != "order");
        // Small entries that fix the sizes are read first; the big ones only after the memory estimate passed.
        var sizes = Npz.Read(path, null, name => name == "shape" && headers[name].Shape.Length == 1 && headers[name].Shape[0] <= 16);
        var shape = sizes.TryGetValue("shape", out var shapeEntry) ? ShapeEntry(shapeEntry, path) : ((int, int)?)null;
        symmetric |= headers.ContainsKey("X0");
        if (storage == StoragePrecision.Reduced && typeof(T) != typeof(double))
            throw new ArgumentException("Reduced (float32) storage needs float64 computation.", nameof(storage));
        if (headers.ContainsKey("A")) return LoadDense<T>(path, headers, shape, symmetric, storage);
        if (headers.ContainsKey("rows") || headers.ContainsKey("cols") || headers.ContainsKey("values")) return LoadCompletion<T>(path, headers, shape, symmetric);
        if (headers.ContainsKey("a")) return LoadRankOne<T>(path, headers, symmetric);
        throw new NpyFormatException($"{path}: not a problem bundle: it needs 'A' and 'y' (dense), 'rows', 'cols' and 'values' (completion), " +
                                     $"or 'a' (and 'b') and 'y' (rank-one); it has: {string.Join(", ", headers.Keys)}.");
    }

    private static Loaded<T> LoadDense<T>(string path, IReadOnlyDictionary<string, NpyHeader.Parsed> headers, (int Rows, int Columns)? shape, bool symmetric, StoragePrecision? storage)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = headers["A"];
        long m, n1, n2;
        if (a.Shape.Length == 3) (m, n1, n2) = (a.Shape[0], a.Shape[1], a.Shape[2]);
        else if (a.Shape.Length == 2 && headers.TryGetValue("M_star", out var ms) && ms.Shape.Length == 2) (m, n1, n2) = (a.Shape[0], ms.Shape[0], ms.Shape[1]);
        else if (a.Shape.Length == 2 && shape is { } given) (m, n1, n2) = (a.Shape[0], given.Rows, given.Columns);
        else throw new NpyFormatException($"{path}: 'A' must be m×n1×n2, or m×(n1·n2) with 'M_star' or a 'shape' entry giving n1, n2; got {Describe(a)}.");
        if (a.Shape.Length == 2 && (n1 == 0 || n2 == 0 || a.Shape[1] / n1 != n2 || a.Shape[1] % n1 != 0))
            throw new NpyFormatException($"{path}: 'A' has {a.Shape[1]} columns but n1·n2 = {n1}·{n2}.");
        CheckSize(path, "measurements m (rows of 'A')", m);
        CheckSize(path, "n1", n1);
        CheckSize(path, "n2", n2);

        bool keepSingle = typeof(T) == typeof(double) && (storage ?? (a.Type == NpyElementType.Float32 ? StoragePrecision.Reduced : StoragePrecision.Compute)) == StoragePrecision.Reduced;
        long stored = SaturatingProduct(m, n1, n2, keepSingle ? sizeof(float) : Unsafe.SizeOf<T>());
        string storedAs = keepSingle ? "float32" : NpyDType.Name(NpyDType.Require<T>());
        var entries = ReadChecked(path, headers, stored, n1, n2, Unsafe.SizeOf<T>(), $"a dense {m}×({n1}·{n2}) {NpyDType.Name(a.Type)} ensemble, stored as {storedAs}");
        var y = Require(entries, "y", path);
        if (y.Rank != 1 || y.Length != m)
            throw new NpyFormatException($"{path}: 'y' has {y.Length} values but 'A' has {m} measurements; got {y}.");
        bool cOrder = ReadOrder(path);
        var aArray = entries["A"];
        int mi = (int)m, r1 = (int)n1, r2 = (int)n2;
        MeasurementOperator<T> op;
        if (keepSingle)
        {
            float[] rows = aArray.Rank == 3 ? aArray.ToMeasurementRows<float>() : aArray.FlattenedToMeasurementRows<float>(r1, r2, cOrder);
            op = (MeasurementOperator<T>)(object)new MixedPrecisionDenseOperator(r1, r2, mi, rows, "dense-f32");
        }
        else
        {
            T[] rows = aArray.Rank == 3 ? aArray.ToMeasurementRows<T>() : aArray.FlattenedToMeasurementRows<T>(r1, r2, cOrder);
            op = new DenseOperator<T>(r1, r2, mi, rows);
        }

        // Dense measurements are y itself (the operator's own scaling is in A).
        var target = Target<T>(entries, r1, r2, symmetric, path);
        var problem = target is null ? SensingProblem.FromMeasurements<T>(op, y.ToArray<T>(), symmetric) : SensingProblem.WithTarget(op, y.ToArray<T>(), target);
        return new Loaded<T>(problem, Factors<T>(entries, problem.IsSymmetric, r1, r2, path), BundleKind.Dense, storedAs);
    }

    private static Loaded<T> LoadCompletion<T>(string path, IReadOnlyDictionary<string, NpyHeader.Parsed> headers, (int Rows, int Columns)? shape, bool symmetric)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (string name in new[] { "rows", "cols", "values" })
            if (!headers.ContainsKey(name))
                throw new NpyFormatException($"{path}: a completion bundle needs 'rows', 'cols' and 'values'; '{name}' is missing (it has: {string.Join(", ", headers.Keys)}).");
        long count = headers["rows"].Shape.Length == 1 ? headers["rows"].Shape[0] : -1;
        foreach (string name in new[] { "rows", "cols", "values" })
            if (headers[name].Shape.Length != 1 || headers[name].Shape[0] != count)
                throw new NpyFormatException($"{path}: 'rows', 'cols' and 'values' must be 1-D of one length, one element per observed entry; '{name}' is {Describe(headers[name])}, 'rows' has {count}.");
        foreach (string name in new[] { "rows", "cols" })
            if (!IsInteger(headers[name].Type))
                throw new NpyFormatException($"{path}: '{name}' must hold integer indices (int32 or int64); it is {Describe(headers[name])}.");
        CheckSize(path, "the number of observed entries", count);
        var (n1, n2) = shape ?? (headers.TryGetValue("M_star", out var ms) && ms.Shape.Length == 2 ? ((int)Math.Min(ms.Shape[0], int.MaxValue), (int)Math.Min(ms.Shape[1], int.MaxValue)) : (0, 0));
        // Index and value copies plus the operator's row- and column-sorted entry lists.
        long stored = SaturatingProduct(count, 2 * (sizeof(int) + sizeof(int) + Unsafe.SizeOf<T>()));
        var entries = ReadChecked(path, headers, stored, n1, n2, Unsafe.SizeOf<T>(), $"a completion problem with {count} observed entries");
        int[] rows = Indices(entries["rows"], "rows", path), cols = Indices(entries["cols"], "cols", path);
        if (n1 == 0)
        {
            // Neither 'shape' nor 'M_star': the smallest matrix holding every entry.
            (n1, n2) = (rows.Max() + 1, cols.Max() + 1);
        }

        var op = MeasurementOperators.EntrySampling<T>(n1, n2, rows, cols);
        var target = Target<T>(entries, n1, n2, symmetric, path);
        var problem = SensingProblem.FromObservations<T>(op, entries["values"].ToArray<T>(), symmetric, target);
        return new Loaded<T>(problem, Factors<T>(entries, problem.IsSymmetric, n1, n2, path), BundleKind.Completion, NpyDType.Name(NpyDType.Require<T>()));
    }

    private static Loaded<T> LoadRankOne<T>(string path, IReadOnlyDictionary<string, NpyHeader.Parsed> headers, bool symmetric)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = headers["a"];
        bool hasB = headers.TryGetValue("b", out var b);
        if (a.Shape.Length != 2 || (hasB && (b.Shape.Length != 2 || b.Shape[0] != a.Shape[0])))
            throw new NpyFormatException($"{path}: a rank-one bundle has 'a' as m×n1 and 'b' as m×n2 (row i of each is a_i, b_i), or 'a' alone for the symmetric form; got 'a' {Describe(a)}{(hasB ? $", 'b' {Describe(b)}" : "")}.");
        long m = a.Shape[0], n1 = a.Shape[1], n2 = hasB ? b.Shape[1] : n1;
        CheckSize(path, "measurements m (rows of 'a')", m);
        CheckSize(path, "n1", n1);
        CheckSize(path, "n2", n2);
        long stored = SaturatingProduct(m, SaturatingAdd(n1, hasB ? n2 : 0), 2 * Unsafe.SizeOf<T>());
        var entries = ReadChecked(path, headers, stored, n1, n2, Unsafe.SizeOf<T>(), $"a rank-one problem with {m} measurements");
        var y = Require(entries, "y", path);
        if (y.Rank != 1 || y.Length != m)
            throw new NpyFormatException($"{path}: 'y' has {y.Length} values but 'a' has {m} measurements; got {y}.");
        int mi = (int)m, r1 = (int)n1, r2 = (int)n2;
        var left = new Matrix<T>(mi, r1, entries["a"].ToColumnMajor<T>());
        var right = hasB ? new Matrix<T>(mi, r2, entries["b"].ToColumnMajor<T>()) : null;
        var op = MeasurementOperators.RankOne(left, right);
        // 'a' alone is the symmetric form b_i = a_i, fitted with X·Xᵀ.
        symmetric |= !hasB;
        var target = Target<T>(entries, r1, r2, symmetric, path);
        var problem = SensingProblem.FromObservations<T>(op, y.ToArray<T>(), symmetric, target);
        return new Loaded<T>(problem, Factors<T>(entries, problem.IsSymmetric, r1, r2, path), BundleKind.RankOne, NpyDType.Name(NpyDType.Require<T>()));
    }

    /// <summary>
    /// Checks the memory the problem will take (the arrays as stored, <paramref name="stored"/> bytes of operator
    /// storage, and M_star's decomposition) before reading the archive, then reads it.
    /// </summary>
    private static IReadOnlyDictionary<string, NpyArray> ReadChecked(string path, IReadOnlyDictionary<string, NpyHeader.Parsed> headers, long stored,
        long n1, long n2, int elementSize, string what)
    {
        long targetBytes = headers.ContainsKey("M_star") ? SaturatingProduct(n1, n2, 4, elementSize) : 0;
        long fileBytes = headers.Values.Aggregate(0L, (sum, h) => SaturatingAdd(sum, Bytes(h)));
        MemoryGuard.EnsureFits(SaturatingAdd(SaturatingAdd(fileBytes, stored), targetBytes), $"{path} ({what})");
        return Npz.Read(path, new NpyReadOptions { MaxBytes = Math.Max(NpyReadOptions.DefaultMaxBytes, fileBytes) }, name => name != "order");
    }

    private static int[] Indices(NpyArray array, string name, string path)
    {
        try
        {
            return array.ToArray<int>();
        }
        catch (OverflowException)
        {
            throw new NpyFormatException($"{path}: '{name}' holds an index outside [0, {int.MaxValue}].");
        }
    }

    private static bool IsInteger(NpyElementType type) => type is NpyElementType.Int8 or NpyElementType.Int16 or NpyElementType.Int32 or NpyElementType.Int64
        or NpyElementType.UInt8 or NpyElementType.UInt16 or NpyElementType.UInt32 or NpyElementType.UInt64;

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

    /// <summary>Writes a result: the estimate (n1×n2), the factors (U and V, or X) and optionally a <c>meta</c> text.</summary>
    /// <param name="path">The .npz file to write.</param>
    /// <param name="result">The solver's result.</param>
    /// <param name="meta">
    /// Text stored as the entry <c>meta</c>, its UTF-8 bytes as a uint8 array, so every .npy reader loads it
    /// (<c>json.loads(np.load(path)['meta'].tobytes())</c> for the JSON the command line writes); null for none.
    /// </param>
    public static void SaveResult<T>(string path, SolverResult<T> result, string? meta = null) where T : unmanaged, IFloatingPointIeee754<T>
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
        if (meta is not null) entries.Add(new("meta", NpyArray.Create<byte>(System.Text.Encoding.UTF8.GetBytes(meta), [System.Text.Encoding.UTF8.GetByteCount(meta)])));
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

    /// <summary>The ground truth from 'M_star' (n1×n2), or null without one.</summary>
    private static LowRankTarget<T>? Target<T>(IReadOnlyDictionary<string, NpyArray> entries, int n1, int n2, bool symmetric, string path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!entries.TryGetValue("M_star", out var mStar)) return null;
        if (mStar.Rank != 2 || mStar.Shape[0] != n1 || mStar.Shape[1] != n2)
            throw new NpyFormatException($"{path}: 'M_star' must be {n1}×{n2}; got {mStar}.");
        // The rank cut-off follows the precision M_star was stored in, not the one it is computed in.
        double? cutoff = mStar.ElementType is NpyElementType.Float32 or NpyElementType.Float16 ? LowRankTarget.RankCutoff<float>(n1, n2) : null;
        return TargetFromMatrix(mStar.ToColumnMajor<T>(), n1, n2, symmetric, cutoff);
    }

    private static Initialization? Factors<T>(IReadOnlyDictionary<string, NpyArray> entries, bool symmetric, int n1, int n2, string path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (symmetric)
            return entries.TryGetValue("X0", out var x0) ? Initialization.Given(Factor<T>(x0, n1, "X0", path)) : null;
        bool hasU = entries.TryGetValue("U0", out var u0), hasV = entries.TryGetValue("V0", out var v0);
        if (hasU != hasV)
            throw new NpyFormatException($"{path}: the bundle has '{(hasU ? "U0" : "V0")}' but not '{(hasU ? "V0" : "U0")}'; give both initial factors or neither.");
        if (!hasU) return null;
        var (left, right) = (Factor<T>(u0!, n1, "U0", path), Factor<T>(v0!, n2, "V0", path));
        if (left.Columns != right.Columns)
            throw new NpyFormatException($"{path}: 'U0' has {left.Columns} columns but 'V0' has {right.Columns}; both must be h wide.");
        return Initialization.Given(left, right);
    }

    private static Matrix<T> Factor<T>(NpyArray array, int rows, string name, string path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (array.Rank != 2 || array.Shape[0] != rows || array.Shape[1] < 1)
            throw new NpyFormatException($"{path}: '{name}' must be {rows}×h; got {array}.");
        return new Matrix<T>(rows, (int)array.Shape[1], array.ToColumnMajor<T>());
    }

    /// <summary>The <c>meta</c> text of a result file written by <see cref="SaveResult{T}"/>, or null when it has none.</summary>
    /// <param name="path">The .npz result file.</param>
    public static string? ReadMeta(string path) =>
        Npz.Read(path, null, name => name == "meta").TryGetValue("meta", out var meta) && meta is { ElementType: NpyElementType.UInt8, Rank: 1 }
            ? System.Text.Encoding.UTF8.GetString(meta.AsSpan<byte>())
            : null;

    /// <summary>'C' (NumPy's default, also when the entry is absent) or 'F'.</summary>
    private static bool ReadOrder(string path) => Npz.ReadText(path, "order") switch
    {
        null or "C" or "c" => true,
        "F" or "f" => false,
        var other => throw new NpyFormatException($"{path}: 'order' is '{other}'; it must be 'C' (A2[i] = A[i].ravel(), the default) or 'F' (A2[i] = A[i].ravel(order='F')).")
    };

    /// <summary>n1, n2 from a 'shape' entry: integers in [1, 2³¹ − 1] (a float or out-of-range entry is refused, not cast).</summary>
    private static (int Rows, int Columns) ShapeEntry(NpyArray shape, string path)
    {
        if (shape.Length != 2 || !IsInteger(shape.ElementType))
            throw new NpyFormatException($"{path}: 'shape' must hold two integers n1, n2; got {shape}.");
        var s = shape.ToArray<long>();
        for (int i = 0; i < 2; i++)
            if (s[i] < 1 || s[i] > int.MaxValue)
                throw new NpyFormatException($"{path}: 'shape' entry {i} is {s[i]}; each of n1, n2 must be in [1, {int.MaxValue}].");
        return ((int)s[0], (int)s[1]);
    }

    private static NpyArray Require(IReadOnlyDictionary<string, NpyArray> entries, string name, string path) =>
        entries.TryGetValue(name, out var a) ? a
            : throw new NpyFormatException($"{path}: the bundle has no '{name}' array (it has: {string.Join(", ", entries.Keys)}).");

    private static void CheckSize(string path, string what, long value)
    {
        if (value < 1 || value > int.MaxValue)
            throw new NpyFormatException($"{path}: {what} is {value}; it must be between 1 and {int.MaxValue}.");
    }

    private static string Describe(NpyHeader.Parsed header) =>
        $"{NpyDType.Name(header.Type)} {NpyHeader.ShapeText(header.Shape)}";

    private static long Bytes(NpyHeader.Parsed header) =>
        NpyHeader.TryElementCount(header.Shape, out long count) ? SaturatingProduct(count, NpyDType.ItemSize(header.Type)) : long.MaxValue;

    private static long SaturatingProduct(params ReadOnlySpan<long> factors)
    {
        long p = 1;
        foreach (long f in factors)
        {
            if (f != 0 && p > long.MaxValue / f) return long.MaxValue;
            p *= f;
        }

        return p;
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}
