using System.Numerics;
using MatrixSensing.Random;

namespace MatrixSensing.Operators;

/// <summary>
/// Entries i.i.d. ±1/√m, stored bit-packed (one bit per entry, 64 per word; set bit = +1). A pass reads 1/64 of
/// the bytes of a float64 ensemble and expands each vector's bits into ±1 lanes with a compare and a select (no
/// per-bit branches), so it is compute-bound; it runs on the dense engine like the stored ensembles.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public sealed class RademacherOperator<T> : MeasurementOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ulong[] _bits;
    private readonly SignRowPass<T> _pass;
    private readonly int _wordsPerRow;
    private readonly T _scale;

    /// <summary>Draws the signs from a seed.</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="count">m.</param>
    /// <param name="seed">Seed of the signs.</param>
    public RademacherOperator(int rows, int columns, int count, ulong seed) : base(rows, columns, count)
    {
        _wordsPerRow = (rows * columns + 63) / 64;
        _bits = new ulong[(long)_wordsPerRow * count];
        new RandomStream(seed, 0x5241444DUL).FillRademacherBits(_bits);
        _scale = T.One / T.Sqrt(T.CreateTruncating(count));
        _pass = new SignRowPass<T>(_bits, count, rows * columns, _scale);
    }

    /// <inheritdoc/>
    public override string Name => "rademacher";

    /// <inheritdoc/>
    public override long StoredBytes => _bits.LongLength * sizeof(ulong);

    /// <summary>The entry (i, j) of the m × n1n2 matrix: ±1/√m.</summary>
    /// <param name="measurement">i.</param>
    /// <param name="index">j, the column-major index into the n1×n2 matrix.</param>
    public T Entry(int measurement, int index) =>
        ((_bits[measurement * _wordsPerRow + (index >> 6)] >> (index & 63)) & 1) != 0 ? _scale : -_scale;

    /// <inheritdoc/>
    protected override void ApplyCore(ReadOnlySpan<T> z, Span<T> result) => _pass.Forward(z, result);

    /// <inheritdoc/>
    protected override void ApplyAdjointCore(ReadOnlySpan<T> residual, Span<T> result) => _pass.Adjoint(residual, result);

    /// <inheritdoc/>
    protected override OperatorWorkspace<T> CreateWorkspaceCore(int rank, int maxBatch) => new DenseScratch<T>(this, rank, maxBatch, _pass);

    /// <inheritdoc/>
    protected override void ApplyFactoredCore(ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> result)
    {
        var ws = (DenseScratch<T>)workspace;
        Factored.FormProduct(u, v, Rows, Columns, ws.Rank, ws.Dense);
        _pass.Forward(ws.Dense, result);
    }

    /// <inheritdoc/>
    protected override void ResidualAndAdjointFactoredCore(ReadOnlySpan<T> u, ReadOnlySpan<T> v, ReadOnlySpan<T> measurements, OperatorWorkspace<T> workspace,
        Span<T> residual, Span<T> gv, Span<T> gtu)
    {
        var ws = (DenseScratch<T>)workspace;
        Factored.FormProduct(u, v, Rows, Columns, ws.Rank, ws.Dense);
        _pass.ResidualAndAdjoint(ws.Dense, measurements, residual, ws.Gradient, ws.Partials);
        Factored.FactorProducts<T>(ws.Gradient, u, v, Rows, Columns, ws.Rank, gv, gtu);
    }

    /// <inheritdoc/>
    protected override void AdjointFactoredCore(ReadOnlySpan<T> residual, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> gv, Span<T> gtu)
    {
        var ws = (DenseScratch<T>)workspace;
        _pass.Adjoint(residual, ws.Dense);
        Factored.FactorProducts<T>(ws.Dense, u, v, Rows, Columns, ws.Rank, gv, gtu);
    }

    /// <inheritdoc/>
    protected override void ApplyFactoredRowsCore(ReadOnlySpan<int> rows, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> result)
    {
        var ws = (DenseScratch<T>)workspace;
        Factored.FormProduct(u, v, Rows, Columns, ws.Rank, ws.Dense);
        _pass.ForwardRows(rows, ws.Dense, result);
    }

    /// <inheritdoc/>
    protected override void AdjointFactoredRowsCore(ReadOnlySpan<int> rows, ReadOnlySpan<T> residual, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> gv, Span<T> gtu)
    {
        var ws = (DenseScratch<T>)workspace;
        _pass.AdjointRows(rows, residual, ws.Dense);
        Factored.FactorProducts<T>(ws.Dense, u, v, Rows, Columns, ws.Rank, gv, gtu);
    }
}
