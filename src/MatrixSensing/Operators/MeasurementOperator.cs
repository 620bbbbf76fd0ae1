using System.Numerics;

namespace MatrixSensing.Operators;

/// <summary>
/// A linear measurement operator A: R^{n1×n2} → R^m, scaled so that E[A*A] = I. Matrices are column-major
/// (element (i, j) at i + j·n1); factors U (n1×h) and V (n2×h) likewise. Solvers know operators only through this
/// class. Implementations are immutable after construction (except <see cref="Refresh"/>), so one operator may serve
/// several solvers at once; every mutable buffer lives in an <see cref="OperatorWorkspace{T}"/> owned by one solver.
/// </summary>
/// <typeparam name="T">The compute precision (float or double).</typeparam>
public abstract class MeasurementOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Initializes the shape.</summary>
    /// <param name="rows">n1, rows of the sensed matrices.</param>
    /// <param name="columns">n2, columns of the sensed matrices.</param>
    /// <param name="count">m, the number of measurements.</param>
    protected MeasurementOperator(int rows, int columns, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Rows = rows;
        Columns = columns;
        Count = count;
    }

    /// <summary>n1, rows of the sensed matrices.</summary>
    public int Rows { get; }

    /// <summary>n2, columns of the sensed matrices.</summary>
    public int Columns { get; }

    /// <summary>m, the number of measurements.</summary>
    public int Count { get; }

    /// <summary>A short name for traces and tables, e.g. "gaussian".</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The factor between a raw observation and this operator's measurement: y_i = ObservationScale · (raw value).
    /// Completion (EntrySampling) observes M_jk and measures M_jk/√p, so its scale is 1/√p; rank-one data records
    /// a_iᵀ M b_i and the operator measures it divided by √m (√(2m) symmetric). Default one (dense operators measure
    /// ⟨A_i, M⟩ as given). Used by <c>SensingProblem.FromObservations</c>.
    /// </summary>
    public virtual T ObservationScale => T.One;

    /// <summary>Bytes the operator holds (its stored ensemble), for memory estimates and bandwidth bounds.</summary>
    public abstract long StoredBytes { get; }

    /// <summary>result ← A(Z) for a dense n1×n2 matrix Z.</summary>
    /// <param name="z">Z, column-major, n1·n2 elements.</param>
    /// <param name="result">m measurements, overwritten.</param>
    public void Apply(ReadOnlySpan<T> z, Span<T> result)
    {
        CheckLength(z, (long)Rows * Columns, nameof(z));
        CheckLength(result, Count, nameof(result));
        ApplyCore(z, result[..Count]);
    }

    /// <summary>result ← A*(r) = Σ r_i A_i, an n1×n2 matrix.</summary>
    /// <param name="residual">m coefficients r.</param>
    /// <param name="result">n1·n2 elements, column-major, overwritten.</param>
    public void ApplyAdjoint(ReadOnlySpan<T> residual, Span<T> result)
    {
        CheckLength(residual, Count, nameof(residual));
        CheckLength(result, (long)Rows * Columns, nameof(result));
        ApplyAdjointCore(residual[..Count], result[..(Rows * Columns)]);
    }

    /// <summary>Allocates the buffers the factored products need for factors of rank h (once per solver).</summary>
    /// <param name="rank">h, the number of factor columns.</param>
    /// <param name="maxBatch">The largest row subset passed to the <c>…Rows</c> methods (0 when unused).</param>
    public OperatorWorkspace<T> CreateWorkspace(int rank, int maxBatch = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBatch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBatch, Count);
        return CreateWorkspaceCore(rank, maxBatch);
    }

    /// <summary>result ← A(U·Vᵀ) without forming more than the operator needs.</summary>
    /// <param name="u">U, n1×h column-major.</param>
    /// <param name="v">V, n2×h column-major (pass U again for a symmetric X·Xᵀ).</param>
    /// <param name="workspace">From <see cref="CreateWorkspace"/>, for this rank.</param>
    /// <param name="result">m measurements, overwritten.</param>
    public void ApplyFactored(ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> result)
    {
        CheckFactors(u, v, workspace);
        CheckLength(result, Count, nameof(result));
        ApplyFactoredCore(u, v, workspace, result[..Count]);
    }

    /// <summary>
    /// The factor products of G = A*(r): <paramref name="gv"/> ← G·V (n1×h) and <paramref name="gtu"/> ← Gᵀ·U (n2×h).
    /// </summary>
    /// <param name="residual">m coefficients r.</param>
    /// <param name="u">U, n1×h.</param>
    /// <param name="v">V, n2×h.</param>
    /// <param name="workspace">From <see cref="CreateWorkspace"/>.</param>
    /// <param name="gv">G·V, n1×h, overwritten.</param>
    /// <param name="gtu">Gᵀ·U, n2×h, overwritten.</param>
    public void AdjointFactored(ReadOnlySpan<T> residual, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> gv, Span<T> gtu)
    {
        CheckFactors(u, v, workspace);
        CheckLength(residual, Count, nameof(residual));
        CheckOutputs(gv, gtu, workspace.Rank);
        AdjointFactoredCore(residual[..Count], u, v, workspace, gv[..(Rows * workspace.Rank)], gtu[..(Columns * workspace.Rank)]);
    }

    /// <summary>
    /// residual ← A(U·Vᵀ) − y, then the factor products of G = A*(residual) as in <see cref="AdjointFactored"/>.
    /// Dense ensembles do both in one pass over the stored matrix (each measurement's residual is known once its
    /// row is read), halving the bytes an iteration streams.
    /// </summary>
    /// <param name="u">U, n1×h.</param>
    /// <param name="v">V, n2×h.</param>
    /// <param name="measurements">y, m values.</param>
    /// <param name="workspace">From <see cref="CreateWorkspace"/>.</param>
    /// <param name="residual">m values, overwritten with A(U·Vᵀ) − y.</param>
    /// <param name="gv">G·V, n1×h, overwritten.</param>
    /// <param name="gtu">Gᵀ·U, n2×h, overwritten.</param>
    public void ResidualAndAdjointFactored(ReadOnlySpan<T> u, ReadOnlySpan<T> v, ReadOnlySpan<T> measurements, OperatorWorkspace<T> workspace,
        Span<T> residual, Span<T> gv, Span<T> gtu)
    {
        CheckFactors(u, v, workspace);
        CheckLength(measurements, Count, nameof(measurements));
        CheckLength(residual, Count, nameof(residual));
        CheckOutputs(gv, gtu, workspace.Rank);
        ResidualAndAdjointFactoredCore(u, v, measurements[..Count], workspace, residual[..Count], gv[..(Rows * workspace.Rank)], gtu[..(Columns * workspace.Rank)]);
    }

    /// <summary>Residual and gradient products on validated arguments; by default a forward then an adjoint pass.</summary>
    /// <param name="u">U.</param>
    /// <param name="v">V.</param>
    /// <param name="measurements">y.</param>
    /// <param name="workspace">Workspace.</param>
    /// <param name="residual">m.</param>
    /// <param name="gv">n1×h.</param>
    /// <param name="gtu">n2×h.</param>
    protected virtual void ResidualAndAdjointFactoredCore(ReadOnlySpan<T> u, ReadOnlySpan<T> v, ReadOnlySpan<T> measurements, OperatorWorkspace<T> workspace,
        Span<T> residual, Span<T> gv, Span<T> gtu)
    {
        ApplyFactoredCore(u, v, workspace, residual);
        System.Numerics.Tensors.TensorPrimitives.Subtract<T>(residual, measurements, residual);
        AdjointFactoredCore(residual, u, v, workspace, gv, gtu);
    }

    /// <summary>result[k] ← ⟨A_{rows[k]}, U·Vᵀ⟩: the factored forward map restricted to a subset of measurements.</summary>
    /// <param name="rows">Distinct measurement indices in [0, m).</param>
    /// <param name="u">U, n1×h.</param>
    /// <param name="v">V, n2×h.</param>
    /// <param name="workspace">From <see cref="CreateWorkspace"/> with maxBatch ≥ rows.Length.</param>
    /// <param name="result">rows.Length values, overwritten.</param>
    public void ApplyFactoredRows(ReadOnlySpan<int> rows, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> result)
    {
        CheckFactors(u, v, workspace);
        CheckBatch(rows, workspace);
        CheckLength(result, rows.Length, nameof(result));
        ApplyFactoredRowsCore(rows, u, v, workspace, result[..rows.Length]);
    }

    /// <summary>The factor products of G_B = Σ_{k} r_k A_{rows[k]}: G_B·V and G_Bᵀ·U, touching only the given rows.</summary>
    /// <param name="rows">Distinct measurement indices in [0, m).</param>
    /// <param name="residual">One coefficient per row.</param>
    /// <param name="u">U, n1×h.</param>
    /// <param name="v">V, n2×h.</param>
    /// <param name="workspace">From <see cref="CreateWorkspace"/> with maxBatch ≥ rows.Length.</param>
    /// <param name="gv">G_B·V, n1×h, overwritten.</param>
    /// <param name="gtu">G_Bᵀ·U, n2×h, overwritten.</param>
    public void AdjointFactoredRows(ReadOnlySpan<int> rows, ReadOnlySpan<T> residual, ReadOnlySpan<T> u, ReadOnlySpan<T> v,
        OperatorWorkspace<T> workspace, Span<T> gv, Span<T> gtu)
    {
        CheckFactors(u, v, workspace);
        CheckBatch(rows, workspace);
        CheckLength(residual, rows.Length, nameof(residual));
        CheckOutputs(gv, gtu, workspace.Rank);
        AdjointFactoredRowsCore(rows, residual[..rows.Length], u, v, workspace, gv[..(Rows * workspace.Rank)], gtu[..(Columns * workspace.Rank)]);
    }

    /// <summary>
    /// For operators whose ensemble changes during a run (the Fresh Gaussian ensemble): called by the
    /// solver before each iteration; returns true when the ensemble was redrawn, after which the measurements must be
    /// retaken. Static operators return false.
    /// </summary>
    /// <param name="iteration">The iteration about to run (0-based).</param>
    public virtual bool Refresh(int iteration) => false;

    /// <summary>A(Z) on validated arguments.</summary>
    /// <param name="z">Z, n1·n2.</param>
    /// <param name="result">m.</param>
    protected abstract void ApplyCore(ReadOnlySpan<T> z, Span<T> result);

    /// <summary>A*(r) on validated arguments.</summary>
    /// <param name="residual">m.</param>
    /// <param name="result">n1·n2.</param>
    protected abstract void ApplyAdjointCore(ReadOnlySpan<T> residual, Span<T> result);

    /// <summary>Creates the operator-specific workspace.</summary>
    /// <param name="rank">h.</param>
    /// <param name="maxBatch">Largest row subset.</param>
    protected abstract OperatorWorkspace<T> CreateWorkspaceCore(int rank, int maxBatch);

    /// <summary>A(U·Vᵀ) on validated arguments.</summary>
    /// <param name="u">U.</param>
    /// <param name="v">V.</param>
    /// <param name="workspace">Workspace.</param>
    /// <param name="result">m.</param>
    protected abstract void ApplyFactoredCore(ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> result);

    /// <summary>A*(r)·V and A*(r)ᵀ·U on validated arguments.</summary>
    /// <param name="residual">m.</param>
    /// <param name="u">U.</param>
    /// <param name="v">V.</param>
    /// <param name="workspace">Workspace.</param>
    /// <param name="gv">n1×h.</param>
    /// <param name="gtu">n2×h.</param>
    protected abstract void AdjointFactoredCore(ReadOnlySpan<T> residual, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> gv, Span<T> gtu);

    /// <summary>Row-subset forward map on validated arguments.</summary>
    /// <param name="rows">Indices.</param>
    /// <param name="u">U.</param>
    /// <param name="v">V.</param>
    /// <param name="workspace">Workspace.</param>
    /// <param name="result">One value per row.</param>
    protected abstract void ApplyFactoredRowsCore(ReadOnlySpan<int> rows, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> result);

    /// <summary>Row-subset adjoint products on validated arguments.</summary>
    /// <param name="rows">Indices.</param>
    /// <param name="residual">One value per row.</param>
    /// <param name="u">U.</param>
    /// <param name="v">V.</param>
    /// <param name="workspace">Workspace.</param>
    /// <param name="gv">n1×h.</param>
    /// <param name="gtu">n2×h.</param>
    protected abstract void AdjointFactoredRowsCore(ReadOnlySpan<int> rows, ReadOnlySpan<T> residual, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> gv, Span<T> gtu);

    private void CheckFactors(ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!ReferenceEquals(workspace.Owner, this))
            throw new ArgumentException("The workspace was created by another operator.", nameof(workspace));
        CheckLength(u, (long)Rows * workspace.Rank, nameof(u));
        CheckLength(v, (long)Columns * workspace.Rank, nameof(v));
    }

    private void CheckOutputs(Span<T> gv, Span<T> gtu, int rank)
    {
        CheckLength(gv, (long)Rows * rank, nameof(gv));
        CheckLength(gtu, (long)Columns * rank, nameof(gtu));
        if (gv.Overlaps(gtu)) throw new ArgumentException("gv and gtu must be separate buffers.", nameof(gtu));
    }

    private void CheckBatch(ReadOnlySpan<int> rows, OperatorWorkspace<T> workspace)
    {
        if (rows.Length > workspace.MaxBatch)
            throw new ArgumentException($"The batch has {rows.Length} rows but the workspace was sized for {workspace.MaxBatch}.", nameof(rows));
        foreach (int r in rows)
            if ((uint)r >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(rows), r, $"Measurement index must be in [0, {Count}).");
    }

    private static void CheckLength(ReadOnlySpan<T> span, long needed, string name)
    {
        if (span.Length < needed) throw new ArgumentException($"{name} holds {span.Length} elements; {needed} are needed.", name);
    }
}
