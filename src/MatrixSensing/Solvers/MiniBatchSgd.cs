using System.Numerics;
using MatrixSensing.Problems;
using MatrixSensing.Random;

namespace MatrixSensing.Solvers;

/// <summary>
/// Mini-batch SGD (SPEC §4): the GD update with G_B = (m/b)·Σ_{i∈B} r_i A_i over a batch B of b measurements drawn
/// without replacement (a fresh shuffle every epoch); only batch rows are touched. The full residual is evaluated
/// only at trace points (every <see cref="SolverOptions.TraceEvery"/> iterations), where the stopping rules are
/// checked. Defaults: b = m/10, η = 0.5/σ̂₁, constant step (see <see cref="SolverOptions.StepDecay"/>).
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public sealed class MiniBatchSgd<T> : Solver<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override string Name => "SGD";

    /// <inheritdoc/>
    public override Magnitude DefaultStep => Magnitude.Relative(0.5);

    internal static int BatchSize(SensingProblem<T> problem, SolverOptions options) =>
        options.BatchSize ?? Math.Max(1, problem.Count / 10);

    internal override int MaxBatch(SensingProblem<T> problem, SolverOptions options) => BatchSize(problem, options);

    internal override UpdateRule<T> CreateRule(SolverState<T> state, SolverOptions options) =>
        new Rule(state.Problem.Count, BatchSize(state.Problem, options), options);

    private sealed class Rule(int count, int batch, SolverOptions options) : UpdateRule<T>
    {
        private readonly EpochSampler _sampler = new(count, new RandomStream(options.Seed, 0x5CD0UL), dropIncompleteBatch: true);
        private readonly T[] _batchResidual = new T[batch];
        private readonly T _scale = T.CreateTruncating((double)count / batch);
        private readonly double _decay = options.StepDecay;

        internal override bool NeedsFullResidual => false;

        internal override void Update(SolverState<T> s, int iteration)
        {
            ReadOnlySpan<int> rows = _sampler.NextBatch(batch);
            var r = _batchResidual.AsSpan();
            s.Operator.ApplyFactoredRows(rows, s.U, s.V, s.Workspace, r);
            var y = s.Problem.Measurements;
            for (int k = 0; k < rows.Length; k++) r[k] = (r[k] - y[rows[k]]) * _scale;
            s.Operator.AdjointFactoredRows(rows, r, s.U, s.V, s.Workspace, s.GV, s.GtU);
            T step = _decay == 1 ? s.Step : s.Step * T.CreateTruncating(Math.Pow(_decay, _sampler.Epoch));
            GradientDescent<T>.Descend(s, step);
        }
    }
}
