using System.Numerics;

namespace MatrixSensing.Operators;

/// <summary>
/// A dense ensemble stored in float32 and applied in float64: BLAS has no mixed-precision GEMV, so the passes run on
/// the dense engine with a widening element load, streaming half the bytes of a float64 ensemble.
/// </summary>
public class MixedPrecisionDenseOperator : MeasurementOperator<double>
{
    private readonly float[] _matrix; // row i = vec(A_i)
    private readonly string _name;
    private readonly WidenedRowPass _pass;

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
        _pass = new WidenedRowPass(measurementMatrix, count, rows * columns);
    }

    /// <inheritdoc/>
    public override string Name => _name;

    /// <inheritdoc/>
    public override long StoredBytes => _matrix.LongLength * sizeof(float);

    /// <inheritdoc/>
    protected override void ApplyCore(ReadOnlySpan<double> z, Span<double> result) => _pass.Forward(z, result);

    /// <inheritdoc/>
    protected override void ApplyAdjointCore(ReadOnlySpan<double> residual, Span<double> result) => _pass.Adjoint(residual, result);

    /// <inheritdoc/>
    protected override OperatorWorkspace<double> CreateWorkspaceCore(int rank, int maxBatch) =>
        new DenseScratch<double>(this, rank, maxBatch, _pass);

    /// <inheritdoc/>
    protected override void ApplyFactoredCore(ReadOnlySpan<double> u, ReadOnlySpan<double> v, OperatorWorkspace<double> workspace, Span<double> result)
    {
        var ws = (DenseScratch<double>)workspace;
        Factored.FormProduct(u, v, Rows, Columns, ws.Rank, ws.Dense);
        _pass.Forward(ws.Dense, result);
    }

    /// <inheritdoc/>
    protected override void ResidualAndAdjointFactoredCore(ReadOnlySpan<double> u, ReadOnlySpan<double> v, ReadOnlySpan<double> measurements,
        OperatorWorkspace<double> workspace, Span<double> residual, Span<double> gv, Span<double> gtu)
    {
        var ws = (DenseScratch<double>)workspace;
        Factored.FormProduct(u, v, Rows, Columns, ws.Rank, ws.Dense);
        _pass.ResidualAndAdjoint(ws.Dense, measurements, residual, ws.Gradient, ws.Partials);
        Factored.FactorProducts(ws.Gradient, u, v, Rows, Columns, ws.Rank, gv, gtu);
    }

    /// <inheritdoc/>
    protected override void AdjointFactoredCore(ReadOnlySpan<double> residual, ReadOnlySpan<double> u, ReadOnlySpan<double> v, OperatorWorkspace<double> workspace, Span<double> gv, Span<double> gtu)
    {
        var ws = (DenseScratch<double>)workspace;
        ApplyAdjointCore(residual, ws.Dense);
        Factored.FactorProducts(ws.Dense, u, v, Rows, Columns, ws.Rank, gv, gtu);
    }

    /// <inheritdoc/>
    protected override void ApplyFactoredRowsCore(ReadOnlySpan<int> rows, ReadOnlySpan<double> u, ReadOnlySpan<double> v, OperatorWorkspace<double> workspace, Span<double> result)
    {
        var ws = (DenseScratch<double>)workspace;
        Factored.FormProduct(u, v, Rows, Columns, ws.Rank, ws.Dense);
        _pass.ForwardRows(rows, ws.Dense, result);
    }

    /// <inheritdoc/>
    protected override void AdjointFactoredRowsCore(ReadOnlySpan<int> rows, ReadOnlySpan<double> residual, ReadOnlySpan<double> u, ReadOnlySpan<double> v, OperatorWorkspace<double> workspace, Span<double> gv, Span<double> gtu)
    {
        var ws = (DenseScratch<double>)workspace;
        _pass.AdjointRows(rows, residual, ws.Dense);
        Factored.FactorProducts(ws.Dense, u, v, Rows, Columns, ws.Rank, gv, gtu);
    }
}

/// <summary>Workspace of the engine-backed routes: n1×n2 buffers for U·Vᵀ and A*(r), and the fused pass's partial sums.</summary>
internal sealed class DenseScratch<T> : OperatorWorkspace<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal DenseScratch(MeasurementOperator<T> owner, int rank, int maxBatch, RowPass<T> pass) : base(owner, rank, maxBatch)
    {
        Dense = new T[pass.RowLength];
        Gradient = new T[pass.RowLength];
        Partials = new T[pass.PartialsLength];
    }

    internal T[] Dense { get; }

    internal T[] Gradient { get; }

    internal T[] Partials { get; }
}
