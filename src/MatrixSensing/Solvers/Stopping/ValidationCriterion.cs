using System.Numerics;
using MatrixSensing.LinearAlgebra;
using MatrixSensing.Operators;
using MatrixSensing.Problems;

namespace MatrixSensing.Solvers;

/// <summary>
/// Validation early stopping: every <c>every</c> iterations the held-out relative residual ‖A_val(UVᵀ) − y_val‖/‖y_val‖
/// is measured; the iterate with the smallest one is kept, and once <c>patience</c> evaluations in a row bring no
/// improvement the run stops with <see cref="SolverStatus.EarlyStopped"/> and returns that iterate. At the iteration
/// limit the run also returns the best held-out iterate (with EarlyStopped) when it is not the last one. Needs no
/// ground truth: this is how small-initialization GD on noisy data is stopped near its best error, which it passes
/// and then overfits.
/// </summary>
/// <typeparam name="TProblem">The precision of the held-out problem (the run's must match).</typeparam>
internal sealed class ValidationCriterion<TProblem>(SensingProblem<TProblem> heldOut, int patience, int every) : StoppingCriterion
    where TProblem : unmanaged, IFloatingPointIeee754<TProblem>
{
    public override StoppingCheck<T> Start<T>(SensingProblem<T> problem, SolverOptions options)
    {
        if (heldOut is not SensingProblem<T> data)
            throw new ArgumentException($"The held-out problem is in {typeof(TProblem).Name}; the run computes in {typeof(T).Name}.", nameof(problem));
        if (data.Rows != problem.Rows || data.Columns != problem.Columns || data.IsSymmetric != problem.IsSymmetric)
            throw new ArgumentException($"The held-out measurements sense {data.Rows}×{data.Columns} matrices" +
                $"{(data.IsSymmetric ? " (symmetric)" : "")}; the run fits {problem.Rows}×{problem.Columns}{(problem.IsSymmetric ? " (symmetric)" : "")}.", nameof(problem));
        return new Check<T>(data, patience, every, options.MaxIterations, options.Rank);
    }

    private sealed class Check<T> : StoppingCheck<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly SensingProblem<T> _heldOut;
        private readonly OperatorWorkspace<T> _workspace;
        private readonly T[] _residual;
        private readonly double _norm;
        private readonly int _patience, _every, _limit;
        private double _best = double.PositiveInfinity;
        private int _bestIteration = -1, _sinceBest;

        internal Check(SensingProblem<T> heldOut, int patience, int every, int limit, int rank)
        {
            _heldOut = heldOut;
            _workspace = heldOut.Operator.CreateWorkspace(rank);
            _residual = new T[heldOut.Count];
            double norm = double.CreateTruncating(Blas.Nrm2(heldOut.Measurements));
            _norm = norm > 0 ? norm : 1;
            (_patience, _every, _limit) = (patience, every, limit);
        }

        public override Verdict Evaluate(in Checkpoint<T> c)
        {
            bool last = c.Iteration >= _limit;
            if (c.Iteration % _every != 0 && !last) return Verdict.Continue;
            _heldOut.Operator.ApplyFactored(c.Left, c.Right, _workspace, _residual);
            System.Numerics.Tensors.TensorPrimitives.Subtract<T>(_residual, _heldOut.Measurements, _residual);
            double value = double.CreateTruncating(Blas.Nrm2<T>(_residual)) / _norm;
            if (value < _best)
            {
                (_best, _bestIteration, _sinceBest) = (value, c.Iteration, 0);
                return Verdict.NewBest;
            }
            if (!double.IsFinite(value)) return Verdict.Continue;
            if (++_sinceBest >= _patience || (last && _bestIteration >= 0))
                return Verdict.Stop(SolverStatus.EarlyStopped, ReturnedIterate.Best);
            return Verdict.Continue;
        }
    }
}
