using System.Numerics;
using MatrixSensing.LinearAlgebra;

namespace MatrixSensing.Solvers;

/// <summary>What a run produced (SPEC §6): factors, estimate on demand, status, iterations, time and trace.</summary>
/// <param name="Solver">The solver's name.</param>
/// <param name="Status">Why the run stopped.</param>
/// <param name="Iterations">Updates made (for Diverged: the iteration at which divergence was seen).</param>
/// <param name="Elapsed">Wall time of the iterations (setup excluded).</param>
/// <param name="Left">U (n1×h), or X for symmetric problems: the last finite iterate.</param>
/// <param name="Right">V (n2×h); null for symmetric problems, where the estimate is X·Xᵀ.</param>
/// <param name="Trace">Every recorded trace entry.</param>
/// <param name="Final">The metrics of the returned iterate.</param>
/// <param name="StepSize">The absolute step η used.</param>
/// <param name="Lambda">The absolute damping λ used (0 for solvers without one).</param>
/// <param name="SigmaHat">σ̂₁ = ‖A*(y)‖_op when it was computed, else 0.</param>
public sealed record SolverResult<T>(
    string Solver,
    SolverStatus Status,
    int Iterations,
    TimeSpan Elapsed,
    Matrix<T> Left,
    Matrix<T>? Right,
    IReadOnlyList<TraceEntry> Trace,
    TraceEntry Final,
    double StepSize,
    double Lambda,
    double SigmaHat)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>True when the result is a symmetric factorization X·Xᵀ.</summary>
    public bool IsSymmetric => Right is null;

    /// <summary>The estimate U·Vᵀ (or X·Xᵀ), formed on demand.</summary>
    public Matrix<T> Estimate()
    {
        var right = Right ?? Left;
        var estimate = new Matrix<T>(Left.Rows, right.Rows);
        Blas.Gemm(Transpose.None, Transpose.Transposed, Left.Rows, right.Rows, Left.Columns, T.One, Left.Data, Left.Rows, right.Data, right.Rows, T.Zero, estimate.Data, Left.Rows);
        return estimate;
    }

    /// <summary>Why the run failed (status Failed), with the iteration; null otherwise.</summary>
    public SolverException? Failure { get; init; }

    /// <summary>The iteration of the returned best-iterate snapshot when a criterion asked for one (e.g. EarlyStopped); null otherwise.</summary>
    public int? BestIteration { get; init; }

    /// <summary>Seconds per iteration over the run.</summary>
    public double SecondsPerIteration => Iterations == 0 ? 0 : Elapsed.TotalSeconds / Iterations;
}
