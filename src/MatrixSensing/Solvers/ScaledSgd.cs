using System.Numerics;
using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Random;

namespace MatrixSensing.Solvers;

/// <summary>
/// ScaledSGD (Zhang, Chiu and Zhang, NeurIPS 2022) for matrix completion: one iteration is one epoch over the
/// observed entries in a seeded random order; entry (j, k) with residual e = ⟨u_j, v_k⟩ − M_jk moves only the two rows
/// it touches, u_j −= η·e·v_k·(VᵀV)⁻¹ and v_k −= η·e·u_j·(UᵀU)⁻¹ (symmetric: x_j −= η·e·x_k·(XᵀX)⁻¹ and
/// x_k −= η·e·x_j·(XᵀX)⁻¹, both from the rows before the step). The inverses are kept current by Sherman–Morrison
/// updates in O(h²) per changed row and refactored from the factors once per epoch (see
/// <see cref="ScaledSgdOptions.RefactorEvery"/>), so a sample costs O(h²) and nothing of size n1·n2 is formed.
/// Needs an entry-sampling operator (the raw entries are M_jk = y_i / <see cref="MeasurementOperator{T}.ObservationScale"/>).
/// Defaults: η = 0.3 (absolute, the authors' rate; the preconditioner makes it scale-free), SmallRandom(1).
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
/// <param name="options">ScaledSGD's own options; null for the defaults.</param>
public sealed class ScaledSgd<T>(ScaledSgdOptions? options = null) : Solver<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>ScaledSGD's own options.</summary>
    public ScaledSgdOptions Options { get; } = options ?? new ScaledSgdOptions();

    /// <inheritdoc/>
    public override string Name => "ScaledSGD";

    /// <inheritdoc/>
    public override Magnitude DefaultStep => Magnitude.Absolute(0.3);

    /// <summary>SmallRandom(1): entries N(0, 1/n).</summary>
    public override Initialization DefaultInitialization => Initialization.SmallRandom(1);

    /// <inheritdoc/>
    protected override void Validate(SensingProblem<T> problem, SolverOptions options, int rank) =>
        EntrySweep<T>.Validate(problem, Name, Options.RefactorEvery);

    /// <inheritdoc/>
    protected override AsymmetricRule<T> CreateAsymmetricRule(RuleSetup<T> setup) => new EntrySweep<T>.Asymmetric(setup, true, Options.RefactorEvery);

    /// <inheritdoc/>
    protected override SymmetricRule<T> CreateSymmetricRule(RuleSetup<T> setup) => new EntrySweep<T>.Symmetric(setup, true, Options.RefactorEvery);
}

/// <summary>
/// Plain per-entry SGD for matrix completion, the baseline of <see cref="ScaledSgd{T}"/>: the same epochs and sample
/// order without the preconditioner, u_j −= η·e·v_k and v_k −= η·e·u_j. Its step is not scale-free, so the default
/// is relative: η = 0.3/σ̂₁.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public sealed class EntrySgd<T> : Solver<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override string Name => "EntrySGD";

    /// <inheritdoc/>
    public override Magnitude DefaultStep => Magnitude.Relative(0.3);

    /// <summary>SmallRandom(1): entries N(0, 1/n).</summary>
    public override Initialization DefaultInitialization => Initialization.SmallRandom(1);

    /// <inheritdoc/>
    protected override void Validate(SensingProblem<T> problem, SolverOptions options, int rank) => EntrySweep<T>.Validate(problem, Name, 1);

    /// <inheritdoc/>
    protected override AsymmetricRule<T> CreateAsymmetricRule(RuleSetup<T> setup) => new EntrySweep<T>.Asymmetric(setup, false, 1);

    /// <inheritdoc/>
    protected override SymmetricRule<T> CreateSymmetricRule(RuleSetup<T> setup) => new EntrySweep<T>.Symmetric(setup, false, 1);
}

/// <summary>Options of <see cref="ScaledSgd{T}"/> only.</summary>
public sealed record ScaledSgdOptions : SolverSpecificOptions
{
    /// <summary>
    /// Refactor the preconditioners from the factors every this many epochs; default 1. A refactorization costs
    /// O((n1 + n2)h² + h³), less than the O(|Ω|h²) of the epoch's Sherman–Morrison updates whenever
    /// |Ω| ≥ n1 + n2 (any identifiable problem), and it caps the round-off the updates accumulate at one epoch's worth.
    /// </summary>
    public int RefactorEvery { get; init; } = 1;
}

/// <summary>The per-entry epoch shared by ScaledSGD and its unpreconditioned baseline.</summary>
internal static class EntrySweep<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal static void Validate(SensingProblem<T> problem, string name, int refactorEvery)
    {
        if (problem.Operator is not EntrySamplingOperator<T>)
            throw new ArgumentException($"{name} works on matrix completion (an entry-sampling operator); this problem's operator is '{problem.Operator.Name}'.", nameof(problem));
        if (refactorEvery < 1)
            throw new ArgumentOutOfRangeException(nameof(refactorEvery), refactorEvery, "The refactorization interval must be at least one epoch.");
    }

    /// <summary>What both forms share: the observed entries, the raw values, the epoch order and the rule's row-major factors.</summary>
    internal abstract class Base
    {
        private readonly int[] _rowOf, _columnOf;
        private readonly T[] _raw;
        private readonly EpochSampler _sampler;
        private protected readonly int H;
        private protected readonly bool Preconditioned;
        private protected readonly int RefactorEvery;
        private protected readonly T[] Step1, Step2, Old1, Old2;

        private protected Base(RuleSetup<T> setup, bool preconditioned, int refactorEvery)
        {
            var op = (EntrySamplingOperator<T>)setup.Problem.Operator;
            _rowOf = op.ObservedRows.ToArray();
            _columnOf = op.ObservedColumns.ToArray();
            var y = setup.Problem.Measurements;
            _raw = new T[y.Length];
            T scale = op.ObservationScale;
            for (int i = 0; i < y.Length; i++) _raw[i] = y[i] / scale;
            _sampler = new EpochSampler(y.Length, new RandomStream(setup.Options.Seed, 0x5C5DUL));
            H = setup.Rank;
            Preconditioned = preconditioned;
            RefactorEvery = refactorEvery;
            (Step1, Step2, Old1, Old2) = (new T[H], new T[H], new T[H], new T[H]);
        }

        /// <summary>The next epoch's order: (row, column, raw value) of each sample.</summary>
        private protected ReadOnlySpan<int> NextEpoch() => _sampler.NextBatch(_raw.Length);

        private protected (int Row, int Column, T Value) Sample(int index) => (_rowOf[index], _columnOf[index], _raw[index]);

        /// <summary>Epochs completed before this one (whether to refactor).</summary>
        private protected bool RefactorDue(int iteration) => iteration % RefactorEvery == 0;

        /// <summary>result ← P·x for a symmetric h×h P (or x itself without a preconditioner).</summary>
        private protected static void Precondition(GramInverse<T>? p, ReadOnlySpan<T> x, Span<T> result)
        {
            if (p is null) x.CopyTo(result);
            else p.Multiply(x, result);
        }

        private protected static T Dot(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
        {
            // A fixed left-to-right order: per-sample dot products of length h must not depend on the vector path.
            T sum = T.Zero;
            for (int k = 0; k < a.Length; k++) sum += a[k] * b[k];
            return sum;
        }

        private protected static void ToRowMajor(ReadOnlySpan<T> columnMajor, int rows, int h, Span<T> rowMajor)
        {
            for (int j = 0; j < h; j++)
                for (int i = 0; i < rows; i++)
                    rowMajor[i * h + j] = columnMajor[i + j * rows];
        }

        private protected static void ToColumnMajor(ReadOnlySpan<T> rowMajor, int rows, int h, Span<T> columnMajor)
        {
            for (int j = 0; j < h; j++)
                for (int i = 0; i < rows; i++)
                    columnMajor[i + j * rows] = rowMajor[i * h + j];
        }
    }

    internal sealed class Asymmetric : AsymmetricRule<T>
    {
        private readonly Core _core;

        internal Asymmetric(RuleSetup<T> setup, bool preconditioned, int refactorEvery) => _core = new Core(setup, preconditioned, refactorEvery);

        public override IterateEvaluation Needs => IterateEvaluation.None;

        public override Move<T> Compute(AsymmetricIterate<T> it) => _core.Epoch(it);

        private sealed class Core : Base
        {
            private readonly int _n1, _n2;
            private readonly T[] _u, _v, _nextU, _nextV;
            private readonly GramInverse<T>? _pu, _pv;

            internal Core(RuleSetup<T> setup, bool preconditioned, int refactorEvery) : base(setup, preconditioned, refactorEvery)
            {
                (_n1, _n2) = (setup.Rows, setup.Columns);
                (_u, _v) = (new T[_n1 * H], new T[_n2 * H]);
                (_nextU, _nextV) = (new T[_n1 * H], new T[_n2 * H]);
                if (preconditioned) (_pu, _pv) = (new GramInverse<T>(H, _u, _n1), new GramInverse<T>(H, _v, _n2));
            }

            internal Move<T> Epoch(AsymmetricIterate<T> it)
            {
                ToRowMajor(it.U, _n1, H, _u);
                ToRowMajor(it.V, _n2, H, _v);
                if (Preconditioned && (RefactorDue(it.Iteration) || !_pu!.IsFactored))
                {
                    _pu!.Refactor("U", it.Iteration);
                    _pv!.Refactor("V", it.Iteration);
                }
                T eta = it.Step;
                foreach (int s in NextEpoch())
                {
                    var (j, k, value) = Sample(s);
                    var uj = _u.AsSpan(j * H, H);
                    var vk = _v.AsSpan(k * H, H);
                    T e = Dot(uj, vk) - value;
                    Precondition(_pv, vk, Step1); // v_k·(VᵀV)⁻¹ (P symmetric)
                    Precondition(_pu, uj, Step2); // u_j·(UᵀU)⁻¹
                    uj.CopyTo(Old1);
                    vk.CopyTo(Old2);
                    T c = eta * e;
                    for (int q = 0; q < H; q++)
                    {
                        uj[q] -= c * Step1[q];
                        vk[q] -= c * Step2[q];
                    }
                    if (Preconditioned)
                    {
                        _pu!.ReplaceRow(Old1, uj, "U", it.Iteration);
                        _pv!.ReplaceRow(Old2, vk, "V", it.Iteration);
                    }
                }
                ToColumnMajor(_u, _n1, H, _nextU);
                ToColumnMajor(_v, _n2, H, _nextV);
                return Move.Replace(_nextU, _nextV);
            }
        }
    }

    internal sealed class Symmetric : SymmetricRule<T>
    {
        private readonly Core _core;

        internal Symmetric(RuleSetup<T> setup, bool preconditioned, int refactorEvery) => _core = new Core(setup, preconditioned, refactorEvery);

        public override IterateEvaluation Needs => IterateEvaluation.None;

        public override Move<T> Compute(SymmetricIterate<T> it) => _core.Epoch(it);

        private sealed class Core : Base
        {
            private readonly int _n;
            private readonly T[] _x, _next;
            private readonly GramInverse<T>? _p;

            internal Core(RuleSetup<T> setup, bool preconditioned, int refactorEvery) : base(setup, preconditioned, refactorEvery)
            {
                _n = setup.Rows;
                (_x, _next) = (new T[_n * H], new T[_n * H]);
                if (preconditioned) _p = new GramInverse<T>(H, _x, _n);
            }

            internal Move<T> Epoch(SymmetricIterate<T> it)
            {
                ToRowMajor(it.X, _n, H, _x);
                if (Preconditioned && (RefactorDue(it.Iteration) || !_p!.IsFactored)) _p!.Refactor("X", it.Iteration);
                T eta = it.Step;
                foreach (int s in NextEpoch())
                {
                    var (j, k, value) = Sample(s);
                    var xj = _x.AsSpan(j * H, H);
                    var xk = _x.AsSpan(k * H, H);
                    T e = Dot(xj, xk) - value;
                    T c = eta * e;
                    // Both directions from the rows before the step.
                    Precondition(_p, xk, Step1);
                    Precondition(_p, xj, Step2);
                    if (j == k)
                    {
                        // A diagonal entry moves its one row by the sum of both directions.
                        xj.CopyTo(Old1);
                        for (int q = 0; q < H; q++) xj[q] -= c * (Step1[q] + Step2[q]);
                        _p?.ReplaceRow(Old1, xj, "X", it.Iteration);
                        continue;
                    }
                    xj.CopyTo(Old1);
                    xk.CopyTo(Old2);
                    for (int q = 0; q < H; q++)
                    {
                        xj[q] -= c * Step1[q];
                        xk[q] -= c * Step2[q];
                    }
                    if (_p is not null)
                    {
                        _p.ReplaceRow(Old1, xj, "X", it.Iteration);
                        _p.ReplaceRow(Old2, xk, "X", it.Iteration);
                    }
                }
                ToColumnMajor(_x, _n, H, _next);
                return Move.Replace(_next);
            }
        }
    }
}

/// <summary>The registry entry of <see cref="ScaledSgd{T}"/>.</summary>
internal sealed class ScaledSgdDescriptor : SolverDescriptor
{
    public override string Name => "scaledsgd";
    public override string DisplayName => "ScaledSGD";
    public override string Description => "per-entry SGD for completion, preconditioned by Sherman–Morrison-updated (XᵀX)⁻¹ (Zhang, Chiu & Zhang)";
    public override SolverKind? Kind => SolverKind.ScaledSGD;
    public override bool NeedsEntrySampling => true;
    public override SolverSpecificOptions DefaultOptions => new ScaledSgdOptions();
    public override Solver<T> Create<T>(SolverSpecificOptions? options = null) => new ScaledSgd<T>(Specific<ScaledSgdOptions>(options));
}

/// <summary>The registry entry of <see cref="EntrySgd{T}"/>.</summary>
internal sealed class EntrySgdDescriptor : SolverDescriptor
{
    public override string Name => "entry-sgd";
    public override string DisplayName => "EntrySGD";
    public override string Description => "per-entry SGD for completion without a preconditioner (the baseline of ScaledSGD)";
    public override SolverKind? Kind => SolverKind.EntrySGD;
    public override bool NeedsEntrySampling => true;
    public override Solver<T> Create<T>(SolverSpecificOptions? options = null) => new EntrySgd<T>();
}
