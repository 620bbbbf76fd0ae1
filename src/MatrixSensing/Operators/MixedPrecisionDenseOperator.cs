using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MatrixSensing.Operators;

/// <summary>
/// A dense ensemble stored in float32 and applied in float64: BLAS has no mixed-precision GEMV, so the two passes
/// are vectorized kernels that widen eight floats at a time and stream the matrix once each.
/// </summary>
public class MixedPrecisionDenseOperator : MeasurementOperator<double>
{
    private readonly float[] _matrix; // row i = vec(A_i)
    private readonly string _name;

    /// <summary>Wraps a float32 measurement matrix (not copied); measurement i occupies [i·n1n2, (i+1)·n1n2).</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="count">m.</param>
    /// <param name="measurementMatrix">m·n1·n2 finite values.</param>
    /// <param name="name">Name for traces.</param>
    public MixedPrecisionDenseOperator(int rows, int columns, int count, float[] measurementMatrix, string name = "dense-f32") : base(rows, columns, count)
    {
        ArgumentNullException.ThrowIfNull(measurementMatrix);
        if (measurementMatrix.LongLength != (long)rows * columns * count)
            throw new ArgumentException($"A {count}×({rows}·{columns}) measurement matrix needs {(long)rows * columns * count} values; got {measurementMatrix.LongLength}.", nameof(measurementMatrix));
        if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<float>(measurementMatrix))
            throw new ArgumentException("The measurement matrix contains NaN or infinity.", nameof(measurementMatrix));
        _matrix = measurementMatrix;
        _name = name;
    }

    /// <inheritdoc/>
    public override string Name => _name;

    /// <inheritdoc/>
    public override long StoredBytes => _matrix.LongLength * sizeof(float);

    private int RowLength => Rows * Columns;

    /// <inheritdoc/>
    protected override void ApplyCore(ReadOnlySpan<double> z, Span<double> result)
    {
        int n = RowLength;
        for (int i = 0; i < Count; i++) result[i] = Dot(_matrix.AsSpan(i * n, n), z);
    }

    /// <inheritdoc/>
    protected override void ApplyAdjointCore(ReadOnlySpan<double> residual, Span<double> result)
    {
        result.Clear();
        int n = RowLength;
        for (int i = 0; i < Count; i++) AddScaled(_matrix.AsSpan(i * n, n), residual[i], result);
    }

    /// <inheritdoc/>
    protected override OperatorWorkspace<double> CreateWorkspaceCore(int rank, int maxBatch) =>
        new DenseScratch(this, rank, maxBatch, RowLength, new ReducedPrecisionRowPass(_matrix, Count, RowLength));

    /// <inheritdoc/>
    protected override void ApplyFactoredCore(ReadOnlySpan<double> u, ReadOnlySpan<double> v, OperatorWorkspace<double> workspace, Span<double> result)
    {
        var ws = (DenseScratch)workspace;
        Factored.FormProduct(u, v, Rows, Columns, ws.Rank, ws.Dense);
        ws.Pass.Forward(ws.Dense, result);
    }

    /// <inheritdoc/>
    protected override void ResidualAndAdjointFactoredCore(ReadOnlySpan<double> u, ReadOnlySpan<double> v, ReadOnlySpan<double> measurements,
        OperatorWorkspace<double> workspace, Span<double> residual, Span<double> gv, Span<double> gtu)
    {
        var ws = (DenseScratch)workspace;
        Factored.FormProduct(u, v, Rows, Columns, ws.Rank, ws.Dense);
        ws.Pass.ResidualAndAdjoint(ws.Dense, measurements, residual, ws.Gradient);
        Factored.FactorProducts(ws.Gradient, u, v, Rows, Columns, ws.Rank, gv, gtu);
    }

    /// <inheritdoc/>
    protected override void AdjointFactoredCore(ReadOnlySpan<double> residual, ReadOnlySpan<double> u, ReadOnlySpan<double> v, OperatorWorkspace<double> workspace, Span<double> gv, Span<double> gtu)
    {
        var ws = (DenseScratch)workspace;
        ApplyAdjointCore(residual, ws.Dense);
        Factored.FactorProducts(ws.Dense, u, v, Rows, Columns, ws.Rank, gv, gtu);
    }

    /// <inheritdoc/>
    protected override void ApplyFactoredRowsCore(ReadOnlySpan<int> rows, ReadOnlySpan<double> u, ReadOnlySpan<double> v, OperatorWorkspace<double> workspace, Span<double> result)
    {
        var ws = (DenseScratch)workspace;
        Factored.FormProduct(u, v, Rows, Columns, ws.Rank, ws.Dense);
        int n = RowLength;
        for (int k = 0; k < rows.Length; k++) result[k] = Dot(_matrix.AsSpan(rows[k] * n, n), ws.Dense);
    }

    /// <inheritdoc/>
    protected override void AdjointFactoredRowsCore(ReadOnlySpan<int> rows, ReadOnlySpan<double> residual, ReadOnlySpan<double> u, ReadOnlySpan<double> v, OperatorWorkspace<double> workspace, Span<double> gv, Span<double> gtu)
    {
        var ws = (DenseScratch)workspace;
        Span<double> g = ws.Dense;
        g.Clear();
        int n = RowLength;
        for (int k = 0; k < rows.Length; k++) AddScaled(_matrix.AsSpan(rows[k] * n, n), residual[k], g);
        Factored.FactorProducts(g, u, v, Rows, Columns, ws.Rank, gv, gtu);
    }

    /// <summary>Σ a_j·z_j with a in float32, accumulated in float64.</summary>
    internal static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<double> z)
    {
        int i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && a.Length >= 8)
        {
            ref float pa = ref MemoryMarshal.GetReference(a);
            ref double pz = ref MemoryMarshal.GetReference(z);
            var acc0 = Vector256<double>.Zero;
            var acc1 = Vector256<double>.Zero;
            for (; i <= a.Length - 8; i += 8)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref pa, (nuint)i));
                acc0 = Vector256.FusedMultiplyAdd(lo, Vector256.LoadUnsafe(ref pz, (nuint)i), acc0);
                acc1 = Vector256.FusedMultiplyAdd(hi, Vector256.LoadUnsafe(ref pz, (nuint)(i + 4)), acc1);
            }
            sum = Vector256.Sum(acc0 + acc1);
        }
        for (; i < a.Length; i++) sum += a[i] * z[i];
        return sum;
    }

    /// <summary>g ← g + c·a with a in float32.</summary>
    internal static void AddScaled(ReadOnlySpan<float> a, double c, Span<double> g)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && a.Length >= 8)
        {
            ref float pa = ref MemoryMarshal.GetReference(a);
            ref double pg = ref MemoryMarshal.GetReference(g);
            var scale = Vector256.Create(c);
            for (; i <= a.Length - 8; i += 8)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref pa, (nuint)i));
                Vector256.FusedMultiplyAdd(lo, scale, Vector256.LoadUnsafe(ref pg, (nuint)i)).StoreUnsafe(ref pg, (nuint)i);
                Vector256.FusedMultiplyAdd(hi, scale, Vector256.LoadUnsafe(ref pg, (nuint)(i + 4))).StoreUnsafe(ref pg, (nuint)(i + 4));
            }
        }
        for (; i < a.Length; i++) g[i] += c * a[i];
    }
}

/// <summary>Workspace of the dense routes: one n1×n2 buffer for U·Vᵀ or A*(r).</summary>
internal sealed class DenseScratch : OperatorWorkspace<double>
{
    internal DenseScratch(MeasurementOperator<double> owner, int rank, int maxBatch, int rowLength, RowPass<double> pass) : base(owner, rank, maxBatch)
    {
        Dense = new double[rowLength];
        Gradient = new double[rowLength];
        Pass = pass;
    }

    internal double[] Dense { get; }

    internal double[] Gradient { get; }

    internal RowPass<double> Pass { get; }
}
