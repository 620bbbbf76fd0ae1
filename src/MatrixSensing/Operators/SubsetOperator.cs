using System.Buffers;
using System.Numerics;

namespace MatrixSensing.Operators;

/// <summary>
/// An operator restricted to a subset of another's measurements: measurement k of the subset is measurement
/// <c>Indices[k]</c> of the parent. Nothing of the parent's ensemble is copied; the factored products go through the
/// parent's row-subset routes, so a dense ensemble is still streamed once per pass (its selected rows only). Used to
/// hold out measurements for validation (fit on one subset, score on the other). An operator whose ensemble changes
/// during a run (Fresh) cannot be restricted, since its measurements are retaken as a whole.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public sealed class SubsetOperator<T> : MeasurementOperator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly MeasurementOperator<T> _parent;
    private readonly int[] _indices;

    /// <summary>Restricts <paramref name="parent"/> to the given measurements (copied; distinct, in [0, m)).</summary>
    /// <param name="parent">The full operator.</param>
    /// <param name="indices">The parent's measurement indices, distinct; their order is the subset's order.</param>
    public SubsetOperator(MeasurementOperator<T> parent, ReadOnlySpan<int> indices)
        : base(parent?.Rows ?? 1, parent?.Columns ?? 1, Math.Max(1, indices.Length))
    {
        ArgumentNullException.ThrowIfNull(parent);
        if (indices.IsEmpty) throw new ArgumentException("A measurement subset needs at least one measurement.", nameof(indices));
        if (parent is FreshGaussianOperator<T>)
            throw new ArgumentException("An operator whose ensemble is redrawn during a run cannot be restricted to a subset of its measurements.", nameof(parent));
        var seen = new bool[parent.Count];
        foreach (int i in indices)
        {
            if ((uint)i >= (uint)parent.Count)
                throw new ArgumentOutOfRangeException(nameof(indices), i, $"Measurement indices must be in [0, {parent.Count}).");
            if (seen[i]) throw new ArgumentException($"Measurement {i} is listed twice in the subset.", nameof(indices));
            seen[i] = true;
        }
        _parent = parent;
        _indices = indices.ToArray();
    }

    /// <summary>The full operator.</summary>
    public MeasurementOperator<T> Parent => _parent;

    /// <summary>The parent's index of each of this subset's measurements.</summary>
    public ReadOnlySpan<int> Indices => _indices;

    /// <inheritdoc/>
    public override string Name => _parent.Name + "-subset";

    /// <inheritdoc/>
    public override T ObservationScale => _parent.ObservationScale;

    /// <summary>The parent's bytes in proportion to the measurements kept: what one pass streams (nothing is copied).</summary>
    public override long StoredBytes => (long)((double)_parent.StoredBytes * Count / _parent.Count);

    /// <inheritdoc/>
    protected override void ApplyCore(ReadOnlySpan<T> z, Span<T> result)
    {
        // The parent has no dense-input row route: measure everything once, keep the subset (not on an iteration path).
        var full = ArrayPool<T>.Shared.Rent(_parent.Count);
        try
        {
            _parent.Apply(z, full);
            for (int k = 0; k < _indices.Length; k++) result[k] = full[_indices[k]];
        }
        finally
        {
            ArrayPool<T>.Shared.Return(full);
        }
    }

    /// <inheritdoc/>
    protected override void ApplyAdjointCore(ReadOnlySpan<T> residual, Span<T> result)
    {
        // Σ_k r_k A_{indices[k]} = A*(r scattered into the parent's measurements, zero elsewhere). The pooled buffer is
        // reused across calls, so SVP's per-iteration adjoint allocates nothing once the pool is warm.
        var full = ArrayPool<T>.Shared.Rent(_parent.Count);
        try
        {
            var scattered = full.AsSpan(0, _parent.Count);
            scattered.Clear();
            for (int k = 0; k < _indices.Length; k++) scattered[_indices[k]] = residual[k];
            _parent.ApplyAdjoint(scattered, result);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(full);
        }
    }

    /// <inheritdoc/>
    protected override OperatorWorkspace<T> CreateWorkspaceCore(int rank, int maxBatch) =>
        new Workspace(this, rank, maxBatch, _parent.CreateWorkspace(rank, _indices.Length));

    /// <inheritdoc/>
    protected override void ApplyFactoredCore(ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> result) =>
        _parent.ApplyFactoredRows(_indices, u, v, ((Workspace)workspace).Parent, result);

    /// <inheritdoc/>
    protected override void AdjointFactoredCore(ReadOnlySpan<T> residual, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> gv, Span<T> gtu) =>
        _parent.AdjointFactoredRows(_indices, residual, u, v, ((Workspace)workspace).Parent, gv, gtu);

    /// <inheritdoc/>
    protected override void ApplyFactoredRowsCore(ReadOnlySpan<int> rows, ReadOnlySpan<T> u, ReadOnlySpan<T> v, OperatorWorkspace<T> workspace, Span<T> result)
    {
        var ws = (Workspace)workspace;
        _parent.ApplyFactoredRows(ws.Map(rows, _indices), u, v, ws.Parent, result);
    }

    /// <inheritdoc/>
    protected override void AdjointFactoredRowsCore(ReadOnlySpan<int> rows, ReadOnlySpan<T> residual, ReadOnlySpan<T> u, ReadOnlySpan<T> v,
        OperatorWorkspace<T> workspace, Span<T> gv, Span<T> gtu)
    {
        var ws = (Workspace)workspace;
        _parent.AdjointFactoredRows(ws.Map(rows, _indices), residual, u, v, ws.Parent, gv, gtu);
    }

    /// <summary>The parent's workspace (sized for the whole subset) and a buffer translating batch indices.</summary>
    private sealed class Workspace(SubsetOperator<T> owner, int rank, int maxBatch, OperatorWorkspace<T> parent) : OperatorWorkspace<T>(owner, rank, maxBatch)
    {
        private readonly int[] _mapped = new int[maxBatch];

        internal OperatorWorkspace<T> Parent { get; } = parent;

        internal ReadOnlySpan<int> Map(ReadOnlySpan<int> rows, ReadOnlySpan<int> indices)
        {
            for (int k = 0; k < rows.Length; k++) _mapped[k] = indices[rows[k]];
            return _mapped.AsSpan(0, rows.Length);
        }
    }
}
