using System.Numerics;
using System.Numerics.Tensors;

namespace MatrixSensing.Operators;

/// <summary>
/// The streaming pass of a dense ensemble over its m rows, in two fixed halves: r_i = ⟨a_i, z⟩ (− y_i), and with
/// <see cref="Fused"/> also g += r_i·a_i while row i is still in cache, each half into its own accumulator.
/// </summary>
internal abstract unsafe class RowPass<T> : SplitJob where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _g1;
    private T* _z, _y, _r, _g0;

    protected RowPass(int count, int rowLength)
    {
        Count = count;
        RowLength = rowLength;
        _g1 = new T[rowLength];
    }

    protected int Count { get; }

    protected int RowLength { get; }

    private bool Fused { get; set; }

    /// <summary>r ← A·z (forward only).</summary>
    internal void Forward(ReadOnlySpan<T> z, Span<T> result)
    {
        fixed (T* pz = z, pr = result)
        {
            _z = pz;
            _y = null;
            _r = pr;
            _g0 = null;
            Fused = false;
            KernelThreads.Run(this, (long)Count * RowLength);
        }
    }

    /// <summary>r ← A·z − y and g ← Aᵀ·r in one pass over the rows.</summary>
    internal void ResidualAndAdjoint(ReadOnlySpan<T> z, ReadOnlySpan<T> y, Span<T> residual, Span<T> g)
    {
        fixed (T* pz = z, py = y, pr = residual, pg = g)
        {
            _z = pz;
            _y = py;
            _r = pr;
            _g0 = pg;
            Fused = true;
            KernelThreads.Run(this, (long)Count * RowLength);
        }
        TensorPrimitives.Add<T>(g, _g1, g);
    }

    internal override void Execute(int half)
    {
        int middle = Count / 2;
        int start = half == 0 ? 0 : middle, end = half == 0 ? middle : Count;
        var z = new ReadOnlySpan<T>(_z, RowLength);
        Span<T> g = Fused ? (half == 0 ? new Span<T>(_g0, RowLength) : _g1) : default;
        if (Fused) g.Clear();
        for (int i = start; i < end; i++)
        {
            T value = Dot(i, z);
            if (Fused)
            {
                value -= _y[i];
                AddScaled(i, value, g);
            }
            _r[i] = value;
        }
    }

    /// <summary>⟨a_i, z⟩.</summary>
    protected abstract T Dot(int row, ReadOnlySpan<T> z);

    /// <summary>g ← g + c·a_i.</summary>
    protected abstract void AddScaled(int row, T c, Span<T> g);
}

/// <summary>Rows stored in the compute precision.</summary>
internal sealed class SamePrecisionRowPass<T>(T[] rows, int count, int rowLength) : RowPass<T>(count, rowLength)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    protected override T Dot(int row, ReadOnlySpan<T> z) => TensorPrimitives.Dot<T>(rows.AsSpan(row * RowLength, RowLength), z);

    protected override void AddScaled(int row, T c, Span<T> g) => TensorPrimitives.MultiplyAdd<T>(rows.AsSpan(row * RowLength, RowLength), c, g, g);
}

/// <summary>Rows stored in float32, computed in float64.</summary>
internal sealed class ReducedPrecisionRowPass(float[] rows, int count, int rowLength) : RowPass<double>(count, rowLength)
{
    protected override double Dot(int row, ReadOnlySpan<double> z) => MixedPrecisionDenseOperator.Dot(rows.AsSpan(row * RowLength, RowLength), z);

    protected override void AddScaled(int row, double c, Span<double> g) => MixedPrecisionDenseOperator.AddScaled(rows.AsSpan(row * RowLength, RowLength), c, g);
}
