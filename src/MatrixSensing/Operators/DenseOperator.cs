using System.Numerics;
using System.Numerics.Tensors;
using MatrixSensing.LinearAlgebra;

namespace MatrixSensing.Operators;

/// <summary>
/// An operator given by its m × n1n2 matrix, one measurement per row: row i is vec(A_i) with column-major vec.
/// Every pass streams the whole matrix, so this is the costly, general route; generated ensembles derive from it.
/// A solver iteration streams it once: the residual and the adjoint are fused in one pass of our own kernels
/// (fixed summation order, fixed chunks over the threads), so results are bit-identical for a given machine,
/// seed and size whatever the thread count and wherever the buffers sit.
/// </summary>
/// <typeparam name="T">Compute and storage precision.</typeparam>
public class DenseOperator<T> : MeasurementOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _matrix; // column-major N×m: column i is vec(A_i)
    private readonly string _name;
    private readonly StoredRowPass<T> _pass;

    /// <summary>Wraps a user-given measurement matrix (not copied).</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="count">m.</param>
    /// <param name="measurementMatrix">m·n1·n2 values: measurement i occupies [i·n1n2, (i+1)·n1n2), column-major within.</param>
    public DenseOperator(int rows, int columns, int count, T[] measurementMatrix) : this(rows, columns, count, measurementMatrix, "dense") { }

    /// <summary>Wraps a measurement matrix under a name (used by the generated ensembles).</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="count">m.</param>
    /// <param name="measurementMatrix">m·n1·n2 values, one measurement per row.</param>
    /// <param name="name">Name for traces.</param>
    protected DenseOperator(int rows, int columns, int count, T[] measurementMatrix, string name) : base(rows, columns, count)
    {
        _name = name;
        ArgumentNullException.ThrowIfNull(measurementMatrix);
        long needed = (long)rows * columns * count;
        if (measurementMatrix.LongLength != needed)
            throw new ArgumentException($"A {count}×({rows}·{columns}) measurement matrix needs {needed} values; got {measurementMatrix.LongLength}.", nameof(measurementMatrix));
        if (!TensorPrimitives.IsFiniteAll<T>(measurementMatrix))
            throw new ArgumentException($"The measurement matrix contains NaN or infinity (first at index {IndexOfNonFinite(measurementMatrix)}).", nameof(measurementMatrix));
        _matrix = measurementMatrix;
        _pass = new StoredRowPass<T>(measurementMatrix, count, rows * columns);
    }

    /// <inheritdoc/>
    public override string Name => _name;

    /// <inheritdoc/>
    public override long StoredBytes => (long)_matrix.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();

    /// <summary>n1·n2, the length of one measurement row.</summary>
    protected int RowLength => Rows * Columns;

    /// <summary>The stored matrix (column-major N×m, column i = vec(A_i)).</summary>
    protected ReadOnlySpan<T> MeasurementMatrix => _matrix;

    /// <inheritdoc/>
    protected override void ApplyCore(ReadOnlySpan<T> z, Span<T> result) => _pass.Forward(z, result);

    /// <inheritdoc/>
    protected override void ApplyAdjointCore(ReadOnlySpan<T> residual, Span<T> result) => _pass.Adjoint(residual, result);

    /// <inheritdoc/>
    protected override OperatorWorkspace<T> CreateWorkspaceCore(int rank, int maxBatch) => new DenseWorkspace(this, rank, maxBatch);

    /// <inheritdoc/>
    protected override void ApplyFactoredCore(ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> result)
    {
        var ws = (DenseWorkspace)workspace;
        FormProduct(u, v, ws.Rank, ws.Dense);
        _pass.Forward(ws.Dense, result);
    }

    /// <inheritdoc/>
    protected override void ResidualAndAdjointFactoredCore(ReadOnlySpan<T> u, ReadOnlySpan<T> v, ReadOnlySpan<T> measurements, OperatorWorkspace<T> workspace,
        Span<T> residual, Span<T> gv, Span<T> gtu)
    {
        var ws = (DenseWorkspace)workspace;
        FormProduct(u, v, ws.Rank, ws.Dense);
        _pass.ResidualAndAdjoint(ws.Dense, measurements, residual, ws.Gradient, ws.Partials);
        FactorProducts(ws.Gradient, u, v, ws.Rank, gv, gtu);
    }

    /// <inheritdoc/>
    protected override void AdjointFactoredCore(ReadOnlySpan<T> residual, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> gv, Span<T> gtu)
    {
        var ws = (DenseWorkspace)workspace;
        ApplyAdjointCore(residual, ws.Dense);
        FactorProducts(ws.Dense, u, v, ws.Rank, gv, gtu);
    }

    /// <inheritdoc/>
    protected override void ApplyFactoredRowsCore(ReadOnlySpan<int> rows, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> result)
    {
        var ws = (DenseWorkspace)workspace;
        FormProduct(u, v, ws.Rank, ws.Dense);
        _pass.ForwardRows(rows, ws.Dense, result);
    }

    /// <inheritdoc/>
    protected override void AdjointFactoredRowsCore(ReadOnlySpan<int> rows, ReadOnlySpan<T> residual, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> gv, Span<T> gtu)
    {
        var ws = (DenseWorkspace)workspace;
        _pass.AdjointRows(rows, residual, ws.Dense);
        FactorProducts(ws.Dense, u, v, ws.Rank, gv, gtu);
    }

    /// <summary>dense ← U·Vᵀ (n1×n2).</summary>
    /// <param name="u">U, n1×h.</param>
    /// <param name="v">V, n2×h.</param>
    /// <param name="rank">h.</param>
    /// <param name="dense">n1·n2 output.</param>
    protected void FormProduct(ReadOnlySpan<T> u, ReadOnlySpan<T> v, int rank, Span<T> dense) =>
        Factored.FormProduct(u, v, Rows, Columns, rank, dense);

    /// <summary>gv ← G·V and gtu ← Gᵀ·U for a dense n1×n2 G.</summary>
    /// <param name="g">G, column-major.</param>
    /// <param name="u">U, n1×h.</param>
    /// <param name="v">V, n2×h.</param>
    /// <param name="rank">h.</param>
    /// <param name="gv">n1×h output.</param>
    /// <param name="gtu">n2×h output.</param>
    protected void FactorProducts(ReadOnlySpan<T> g, ReadOnlySpan<T> u, ReadOnlySpan<T> v, int rank, Span<T> gv, Span<T> gtu) =>
        Factored.FactorProducts(g, u, v, Rows, Columns, rank, gv, gtu);

    private static long IndexOfNonFinite(T[] values)
    {
        for (long i = 0; i < values.LongLength; i++)
            if (!T.IsFinite(values[i])) return i;
        return -1;
    }

    /// <summary>Workspace of the dense route: n1×n2 buffers for U·Vᵀ and A*(r), and the fused pass's partial sums.</summary>
    protected sealed class DenseWorkspace : OperatorWorkspace<T>
    {
        /// <summary>Allocates the n1×n2 buffer.</summary>
        /// <param name="owner">The operator.</param>
        /// <param name="rank">h.</param>
        /// <param name="maxBatch">Largest batch.</param>
        public DenseWorkspace(DenseOperator<T> owner, int rank, int maxBatch) : base(owner, rank, maxBatch)
        {
            Dense = new T[owner.RowLength];
            Gradient = new T[owner.RowLength];
            Partials = new T[owner._pass.PartialsLength];
        }

        /// <summary>n1·n2 scratch.</summary>
        public T[] Dense { get; }

        /// <summary>n1·n2 buffer for A*(r) in the fused pass.</summary>
        public T[] Gradient { get; }

        internal T[] Partials { get; }
    }
}
