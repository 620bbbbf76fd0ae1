using System.Numerics;
using MatrixSensing.Problems;
using MatrixSensing.Random;

namespace MatrixSensing.Solvers;

/// <summary>
/// Mini-batch SGD (SPEC §4): the GD update with G_B = (m/b)·Σ_{i∈B} r_i A_i over a batch B of b measurements drawn
/// without replacement (a fresh shuffle every epoch); only batch rows are touched. The full residual is evaluated
/// only at trace points (every <see cref="SolverOptions.TraceEvery"/> iterations), where the stopping rules that need
/// it are checked. Defaults: b = m/10, η = 0.5/σ̂₁, constant step (see <see cref="MiniBatchSgdOptions"/>).
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
/// <param name="options">SGD's own options; null for the defaults.</param>
public sealed class MiniBatchSgd<T>(MiniBatchSgdOptions? options = null) : Solver<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>SGD's own options (overridden per run by <see cref="SolverOptions.BatchSize"/> and <see cref="SolverOptions.StepDecay"/> when those are set).</summary>
    public MiniBatchSgdOptions Options { get; } = options ?? new MiniBatchSgdOptions();

    /// <inheritdoc/>
    public override string Name => "SGD";

    /// <inheritdoc/>
    public override Magnitude DefaultStep => Magnitude.Relative(0.5);

    private int BatchSize(SensingProblem<T> problem, SolverOptions options) =>
        options.BatchSize ?? Options.BatchSize ?? Math.Max(1, problem.Count / 10);

    private double StepDecay(SolverOptions options) => options.StepDecay ?? Options.StepDecay;

    /// <inheritdoc/>
    protected override int BatchCapacity(SensingProblem<T> problem, SolverOptions options) => BatchSize(problem, options);

    /// <inheritdoc/>
#pragma warning disable CA2208 // The parameter named is the option's property: clearer than "options".
    protected override void Validate(SensingProblem<T> problem, SolverOptions options, int rank)
    {
        int b = BatchSize(problem, options);
        if (b < 1 || b > problem.Count)
            throw new ArgumentOutOfRangeException(nameof(MiniBatchSgdOptions.BatchSize), b, $"The batch size must be in [1, m] = [1, {problem.Count}].");
        double decay = StepDecay(options);
        if (!(decay > 0 && decay <= 1))
            throw new ArgumentOutOfRangeException(nameof(MiniBatchSgdOptions.StepDecay), decay, "The step decay must be in (0, 1].");
    }
#pragma warning restore CA2208

    /// <inheritdoc/>
    protected override AsymmetricRule<T> CreateAsymmetricRule(RuleSetup<T> setup) =>
        new Asymmetric(new Batches(setup, BatchSize(setup.Problem, setup.Options), StepDecay(setup.Options)), setup);

    /// <inheritdoc/>
    protected override SymmetricRule<T> CreateSymmetricRule(RuleSetup<T> setup) =>
        new Symmetric(new Batches(setup, BatchSize(setup.Problem, setup.Options), StepDecay(setup.Options)), setup);

    /// <summary>The batch stream and the scaled batch residual, shared by both forms.</summary>
    private sealed class Batches(RuleSetup<T> setup, int batch, double decay)
    {
        private readonly EpochSampler _sampler = new(setup.Problem.Count, new RandomStream(setup.Options.Seed, 0x5CD0UL), dropIncompleteBatch: true);
        private readonly T[] _residual = new T[batch];
        private readonly T _scale = T.CreateTruncating((double)setup.Problem.Count / batch);

        /// <summary>Draws the next batch and sets <see cref="Residual"/> to (m/b)·(A_B(UVᵀ) − y_B).</summary>
        internal ReadOnlySpan<int> Next(Evaluator<T> evaluator, ReadOnlySpan<T> u, ReadOnlySpan<T> v)
        {
            ReadOnlySpan<int> rows = _sampler.NextBatch(batch);
            var r = _residual.AsSpan(0, rows.Length);
            evaluator.BatchResidual(rows, u, v, r);
            for (int k = 0; k < r.Length; k++) r[k] *= _scale;
            return rows;
        }

        internal ReadOnlySpan<T> Residual => _residual;

        /// <summary>η·decay^epoch.</summary>
        internal T Step(T step) => decay == 1 ? step : step * T.CreateTruncating(Math.Pow(decay, _sampler.Epoch));
    }

    private sealed class Asymmetric(Batches batches, RuleSetup<T> setup) : AsymmetricRule<T>
    {
        private readonly T[] _du = new T[setup.Rows * setup.Rank], _dv = new T[setup.Columns * setup.Rank];

        public override IterateEvaluation Needs => IterateEvaluation.None;

        public override Move<T> Compute(AsymmetricIterate<T> it)
        {
            var rows = batches.Next(it.Evaluator, it.U, it.V);
            it.Evaluator.BatchGradient(rows, batches.Residual[..rows.Length], it.U, it.V, _du, _dv);
            return Move.Descent(batches.Step(it.Step), _du, _dv);
        }
    }

    private sealed class Symmetric(Batches batches, RuleSetup<T> setup) : SymmetricRule<T>
    {
        private readonly T[] _dx = new T[setup.Rows * setup.Rank];

        public override IterateEvaluation Needs => IterateEvaluation.None;

        public override Move<T> Compute(SymmetricIterate<T> it)
        {
            var rows = batches.Next(it.Evaluator, it.X, it.X);
            it.Evaluator.BatchGradient(rows, batches.Residual[..rows.Length], it.X, _dx);
            return Move.Descent(batches.Step(it.Step), _dx);
        }
    }
}

/// <summary>The registry entry of <see cref="MiniBatchSgd{T}"/>.</summary>
internal sealed class MiniBatchSgdDescriptor : SolverDescriptor
{
    public override string Name => "sgd";
    public override string DisplayName => "SGD";
    public override string Description => "mini-batch SGD, batches drawn without replacement per epoch";
    public override SolverKind? Kind => SolverKind.SGD;
    public override SolverSpecificOptions DefaultOptions => new MiniBatchSgdOptions();
    public override Solver<T> Create<T>(SolverSpecificOptions? options = null) => new MiniBatchSgd<T>(Specific<MiniBatchSgdOptions>(options));
}
