using System.Numerics;

namespace MatrixSensing.Operators;

/// <summary>
/// Scratch buffers one solver uses with one operator at one factor rank, allocated once so that the factored
/// products allocate nothing per iteration. Operators derive their own workspace types from this one.
/// </summary>
/// <typeparam name="T">The compute precision.</typeparam>
public class OperatorWorkspace<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates a workspace for an operator and a factor rank.</summary>
    /// <param name="owner">The operator that will use it.</param>
    /// <param name="rank">h.</param>
    /// <param name="maxBatch">The largest row subset for the <c>…Rows</c> methods.</param>
    public OperatorWorkspace(MeasurementOperator<T> owner, int rank, int maxBatch)
    {
        ArgumentNullException.ThrowIfNull(owner);
        Owner = owner;
        Rank = rank;
        MaxBatch = maxBatch;
    }

    /// <summary>The operator this workspace belongs to.</summary>
    public MeasurementOperator<T> Owner { get; }

    /// <summary>h, the factor rank the buffers are sized for.</summary>
    public int Rank { get; }

    /// <summary>The largest row subset supported.</summary>
    public int MaxBatch { get; }
}
