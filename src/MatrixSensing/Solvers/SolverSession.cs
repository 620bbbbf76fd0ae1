using System.Diagnostics;
using System.Numerics;
using System.Numerics.Tensors;
using MatrixSensing.LinearAlgebra;
using MatrixSensing.Problems;
using MatrixSensing.Random;

namespace MatrixSensing.Solvers;

/// <summary>
/// One run of a solver on a problem, advanced one iteration per <see cref="Step"/>. The session owns the iterate:
/// each step it evaluates the current iterate (residual and, when the rule needs it, the gradient, through the
/// run's <see cref="Evaluator{T}"/>), runs the stopping checks, asks the update rule for a <see cref="Move{T}"/> and
/// applies it. All buffers (factors, residual, gradients, metric workspaces, snapshots, trace) are allocated when the
/// session is created, so stepping allocates nothing. Not thread-safe; create one session per thread.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public sealed class SolverSession<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Solver<T> _solver;
    private readonly SensingProblem<T> _problem;
    private readonly SolverOptions _options;
    private readonly IProgress<TraceEntry>? _progress;
    private readonly int _rows, _columns, _rank;
    private readonly bool _symmetric;
    private readonly T[] _u, _v, _previousU, _previousV, _bestU, _bestV;
    private readonly T[] _residual, _gradientU, _gradientV;
    private readonly Evaluator<T> _evaluator;
    private readonly AsymmetricRule<T>? _asymmetric;
    private readonly SymmetricRule<T>? _symmetricRule;
    private readonly UpdateRule<T> _rule;
    private readonly StoppingCheck<T>[] _checks;
    private readonly bool _checksNeedError;
    private readonly FactorMetrics<T> _metrics;
    private readonly TraceEntry[] _trace;
    private readonly T _step, _lambda;
    private int _traceCount;
    private long _startTimestamp;
    private double _yNorm;
    private T _residualNorm;
    private double _initialLoss = double.NaN;
    private int? _bestIteration;
    private SolverException? _failure;
    private TraceEntry _last;

    internal SolverSession(Solver<T> solver, SensingProblem<T> problem, SolverOptions options, IProgress<TraceEntry>? progress)
    {
        _solver = solver;
        _problem = problem;
        _options = options;
        _progress = progress;
        int rank = ValidateOptions(problem, options);
        solver.ValidateFor(problem, options, rank);
        MemoryGuard.EnsureFits(EstimateBytes(problem, rank), $"a rank-{rank} run on a {problem.Rows}×{problem.Columns} problem");

        _rows = problem.Rows;
        _columns = problem.Columns;
        _rank = rank;
        _symmetric = problem.IsSymmetric;
        _u = new T[_rows * rank];
        _v = _symmetric ? _u : new T[_columns * rank];
        _previousU = new T[_u.Length];
        _previousV = _symmetric ? _previousU : new T[_v.Length];
        _bestU = new T[_u.Length];
        _bestV = _symmetric ? _bestU : new T[_v.Length];
        _residual = new T[problem.Count];
        _gradientU = new T[_rows * rank];
        _gradientV = _symmetric ? [] : new T[_columns * rank];
        _evaluator = new Evaluator<T>(problem, rank, solver.BatchCapacityFor(problem, options));
        _metrics = new FactorMetrics<T>(_rows, _columns, rank, problem.Target, options.Diagnostics && problem.Target is not null);
        _trace = new TraceEntry[options.MaxIterations / options.TraceEvery + 2];
        var criteria = options.Criteria();
        _checks = new StoppingCheck<T>[criteria.Count];
        // Checks see h as the run uses it (options.Rank may be 0 for "the target's rank").
        var resolved = options.Rank == rank ? options : options with { Rank = rank };
        for (int i = 0; i < _checks.Length; i++)
        {
            _checks[i] = criteria[i].Start(problem, resolved);
            _checksNeedError |= _checks[i].NeedsError;
        }

        var init = options.Initialization ?? solver.DefaultInitialization;
        var step = options.Step ?? solver.DefaultStep;
        var lambda = options.Lambda ?? solver.DefaultLambda;
        bool needsSigma = step.IsRelative || lambda is { IsRelative: true } || init is SpectralInitialization;
        SpectralEstimate.Triplets<T>? spectral = null;
        if (needsSigma)
        {
            spectral = SpectralEstimate.Compute(problem, init is SpectralInitialization ? rank : 1, options.Seed);
            SigmaHat = double.CreateTruncating(spectral.Value.Values[0]);
            if (!(SigmaHat > 0))
                throw new ArgumentException("‖A*(y)‖ is zero (all measurements are zero), so relative step sizes are undefined; give absolute ones.", nameof(problem));
        }
        _step = T.CreateTruncating(step.IsRelative ? step.Value / SigmaHat : step.Value);
        if (lambda is { } l) _lambda = T.CreateTruncating(l.IsRelative ? l.Value * SigmaHat : l.Value);
        Initialize(init, spectral);
        var setup = new RuleSetup<T>(problem, rank, _step, _lambda, SigmaHat, options);
        if (_symmetric)
            _rule = _symmetricRule = solver.SymmetricRuleFor(setup)
                ?? throw new ArgumentException($"{solver.Name} has no symmetric form; fit the problem as asymmetric (U·Vᵀ).", nameof(problem));
        else
            _rule = _asymmetric = solver.AsymmetricRuleFor(setup);
        _yNorm = double.CreateTruncating(Blas.Nrm2(problem.Measurements));
        Status = SolverStatus.Running;
    }

    /// <summary>The solver.</summary>
    public Solver<T> Solver => _solver;

    /// <summary>Updates made so far.</summary>
    public int Iteration { get; private set; }

    /// <summary>Running until a stopping rule fires.</summary>
    public SolverStatus Status { get; private set; }

    /// <summary>h.</summary>
    public int Rank => _rank;

    /// <summary>The absolute step η in use.</summary>
    public double StepSize => double.CreateTruncating(_step);

    /// <summary>The absolute damping λ in use: the rule's latest when it chooses one per iteration (PrecGD), else the run's (0 when the solver has none).</summary>
    public double Lambda => _rule.Damping ?? double.CreateTruncating(_lambda);

    /// <summary>σ̂₁ = ‖A*(y)‖_op, when it was needed (relative step or λ, spectral init); otherwise 0.</summary>
    public double SigmaHat { get; }

    /// <summary>The current left factor U (or X), n1×h column-major.</summary>
    public ReadOnlySpan<T> Left => _u;

    /// <summary>The current right factor V (the same as <see cref="Left"/> for symmetric problems), n2×h.</summary>
    public ReadOnlySpan<T> Right => _v;

    /// <summary>The last evaluated metrics.</summary>
    public TraceEntry Latest => _last;

    /// <summary>The trace so far.</summary>
    public ReadOnlySpan<TraceEntry> Trace => _trace.AsSpan(0, _traceCount);

    /// <summary>Why the run failed, when <see cref="Status"/> is Failed.</summary>
    public SolverException? Failure => _failure;

    /// <summary>Wall time since the first step.</summary>
    public TimeSpan Elapsed => _startTimestamp == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_startTimestamp);

    /// <summary>
    /// Evaluates the current iterate, stops if a check fires, otherwise makes one update. Returns false once the run
    /// has stopped (see <see cref="Status"/>). Allocates nothing.
    /// </summary>
    /// <param name="cancellationToken">Cancellation stops the run with status Cancelled and keeps the iterate.</param>
    public bool Step(CancellationToken cancellationToken = default)
    {
        if (Status != SolverStatus.Running) return false;
        if (_startTimestamp == 0) _startTimestamp = Stopwatch.GetTimestamp();
        int t = Iteration;
        if (_problem.Operator.Refresh(t))
        {
            _problem.Remeasure(t);
            _yNorm = double.CreateTruncating(Blas.Nrm2(_problem.Measurements));
        }

        bool tracePoint = t % _options.TraceEvery == 0 || t == _options.MaxIterations;
        bool evaluated = _rule.Needs != IterateEvaluation.None || tracePoint;
        double loss = double.NaN, relRes = double.NaN;
        double? relErr = null;
        if (evaluated)
        {
            Evaluate(withGradient: _rule.Needs == IterateEvaluation.Gradient);
            (loss, relRes) = Fit();
            if (double.IsNaN(_initialLoss)) _initialLoss = Math.Max(loss, double.Epsilon);
            if (_metrics.HasTarget && (tracePoint || _checksNeedError) && double.IsFinite(loss)) relErr = _metrics.RelativeError(_u, _v);
        }

        // Recorded before the checks, so a progress handler that cancels is seen in this same iteration.
        if (tracePoint && double.IsFinite(loss)) Record(t, loss, relRes, relErr);
        var checkpoint = new Checkpoint<T>(t, Elapsed, evaluated, tracePoint, loss, _initialLoss, relRes, relErr, _u, _v, cancellationToken);
        Verdict stop = default;
        foreach (var check in _checks)
        {
            var verdict = check.Evaluate(checkpoint);
            if (verdict.IsBest) SnapshotBest(t);
            if (verdict.Status is not null && stop.Status is null) stop = verdict;
        }
        if (stop.Status is { } status)
        {
            if (stop.Returned == ReturnedIterate.Current && evaluated && double.IsFinite(loss)) return Stop(status, loss, relRes, relErr);
            return Stop(status, stop.Returned);
        }

        Move<T> move;
        try
        {
            move = _asymmetric is not null ? _asymmetric.Compute(AsymmetricView(t, evaluated)) : _symmetricRule!.Compute(SymmetricView(t, evaluated));
        }
        catch (SolverException ex)
        {
            return Fail(ex);
        }
        catch (LapackException ex)
        {
            return Fail(new SolverException($"Iteration {t}: {_solver.Name}'s update failed: {ex.Message}", t, ex));
        }
        _u.AsSpan().CopyTo(_previousU);
        if (!_symmetric) _v.AsSpan().CopyTo(_previousV);
        Apply(move);
        Iteration = t + 1;
        if (!TensorPrimitives.IsFiniteAll<T>(_u) || !TensorPrimitives.IsFiniteAll<T>(_v))
            return Stop(SolverStatus.Diverged, ReturnedIterate.Previous);
        return true;
    }

    /// <summary>The result so far (complete once <see cref="Step"/> has returned false). Copies the factors.</summary>
    public SolverResult<T> ToResult() => new(
        _solver.Name,
        Status,
        Iteration,
        Elapsed,
        new Matrix<T>(_rows, _rank, (T[])_u.Clone()),
        _symmetric ? null : new Matrix<T>(_columns, _rank, (T[])_v.Clone()),
        _trace.AsSpan(0, _traceCount).ToArray(),
        _last,
        StepSize,
        Lambda,
        SigmaHat)
    {
        Failure = _failure,
        BestIteration = _bestIteration,
    };

    private AsymmetricIterate<T> AsymmetricView(int t, bool evaluated)
    {
        bool gradient = evaluated && _rule.Needs == IterateEvaluation.Gradient;
        return new AsymmetricIterate<T>(t, _u, _v, evaluated ? _residual : default, evaluated ? _residualNorm : T.Zero,
            gradient ? _gradientU : default, gradient ? _gradientV : default, _step, _lambda, _evaluator);
    }

    private SymmetricIterate<T> SymmetricView(int t, bool evaluated)
    {
        bool gradient = evaluated && _rule.Needs == IterateEvaluation.Gradient;
        return new SymmetricIterate<T>(t, _u, evaluated ? _residual : default, evaluated ? _residualNorm : T.Zero,
            gradient ? _gradientU : default, _step, _lambda, _evaluator);
    }

    /// <summary>The one place the iterate changes (besides restoring a snapshot).</summary>
    private void Apply(in Move<T> move)
    {
        int left = _u.Length, right = _symmetric ? 0 : _v.Length;
        if (move.Left.Length != left || move.Right.Length != right)
            throw new InvalidOperationException($"{_solver.Name}'s rule returned a move of {move.Left.Length} + {move.Right.Length} elements; " +
                $"the iterate has {left} + {right}.");
        if (move.Replaces)
        {
            if (move.Left.Overlaps(_u) || (!_symmetric && move.Right.Overlaps(_v)))
                throw new InvalidOperationException($"{_solver.Name}'s rule returned the iterate itself as its replacement.");
            move.Left.CopyTo(_u);
            if (!_symmetric) move.Right.CopyTo(_v);
        }
        else
        {
            Blas.Axpy<T>(-move.Step, move.Left, _u);
            if (!_symmetric) Blas.Axpy<T>(-move.Step, move.Right, _v);
        }
    }

    private void Evaluate(bool withGradient)
    {
        if (withGradient)
            _residualNorm = _symmetric ? _evaluator.Gradient(_u, _residual, _gradientU) : _evaluator.Gradient(_u, _v, _residual, _gradientU, _gradientV);
        else
            _residualNorm = _evaluator.Residual(_u, _v, _residual);
    }

    private (double Loss, double RelativeResidual) Fit()
    {
        double norm = double.CreateTruncating(_residualNorm);
        return ((_symmetric ? 0.25 : 0.5) * norm * norm, _yNorm > 0 ? norm / _yNorm : norm);
    }

    private void SnapshotBest(int iteration)
    {
        _u.AsSpan().CopyTo(_bestU);
        if (!_symmetric) _v.AsSpan().CopyTo(_bestV);
        _bestIteration = iteration;
    }

    private bool Fail(SolverException failure)
    {
        _failure = failure;
        return Stop(SolverStatus.Failed, ReturnedIterate.Current);
    }

    /// <summary>Stops at the current, already evaluated iterate.</summary>
    private bool Stop(SolverStatus status, double loss, double relRes, double? relErr)
    {
        Status = status;
        if (_traceCount == 0 || _trace[_traceCount - 1].Iteration != Iteration) Record(Iteration, loss, relRes, relErr);
        return false;
    }

    /// <summary>Stops, restoring the iterate the verdict names, and records the returned iterate's metrics.</summary>
    private bool Stop(SolverStatus status, ReturnedIterate returned)
    {
        int recordedAs = Iteration;
        bool restored = false;
        if (returned == ReturnedIterate.Previous && Iteration > 0)
        {
            // Back to the last iterate before the update that diverged; the iteration reported is where it was seen.
            _previousU.AsSpan().CopyTo(_u);
            if (!_symmetric) _previousV.AsSpan().CopyTo(_v);
            restored = true;
        }
        else if (returned == ReturnedIterate.Best && _bestIteration is { } best)
        {
            _bestU.AsSpan().CopyTo(_u);
            if (!_symmetric) _bestV.AsSpan().CopyTo(_v);
            recordedAs = best;
            restored = true;
        }
        Status = status;
        Evaluate(withGradient: false);
        var (loss, relRes) = Fit();
        double? relErr = _metrics.HasTarget && TensorPrimitives.IsFiniteAll<T>(_u) && TensorPrimitives.IsFiniteAll<T>(_v) ? _metrics.RelativeError(_u, _v) : null;
        // A restored iterate replaces the entry already recorded for this iteration (the diverged one).
        if (restored && _traceCount > 0 && _trace[_traceCount - 1].Iteration == recordedAs) _traceCount--;
        if (restored || _traceCount == 0 || _trace[_traceCount - 1].Iteration != recordedAs) Record(recordedAs, loss, relRes, relErr);
        return false;
    }

    private void Record(int iteration, double loss, double relRes, double? relErr)
    {
        bool finite = TensorPrimitives.IsFiniteAll<T>(_u) && TensorPrimitives.IsFiniteAll<T>(_v);
        double estimateNorm = finite ? _metrics.EstimateNorm(_u, _v) : double.NaN;
        double? imbalance = _symmetric || !finite ? null : _metrics.Imbalance(_u, _v);
        double? signal = null, nuisance = null;
        if (_metrics.HasDiagnostics && finite) (signal, nuisance) = _metrics.Diagnostics(_u);
        _last = new TraceEntry(iteration, Elapsed.TotalSeconds, loss, relRes, relErr, imbalance, estimateNorm, signal, nuisance);
        if (_traceCount < _trace.Length) _trace[_traceCount++] = _last;
        else _trace[^1] = _last;
        _progress?.Report(_last);
    }

    private void Initialize(Initialization init, SpectralEstimate.Triplets<T>? spectral)
    {
        int n1 = _rows, n2 = _columns, h = _rank;
        switch (init)
        {
            case SmallRandomInitialization small:
                var rng = new RandomStream(_options.Seed, 0x1417UL);
                rng.FillNormal<T>(_u, T.CreateTruncating(small.Scale / Math.Sqrt(n1)));
                if (!_symmetric) rng.FillNormal<T>(_v, T.CreateTruncating(small.Scale / Math.Sqrt(n2)));
                break;
            case ScaledIdentityInitialization identity:
                var alpha = T.CreateTruncating(identity.Scale);
                for (int j = 0; j < h; j++)
                {
                    if (j < n1) _u[j + j * n1] = alpha;
                    if (!_symmetric && j < n2) _v[j + j * n2] = alpha;
                }
                break;
            case SpectralInitialization:
                var s = spectral!.Value;
                for (int j = 0; j < s.K; j++)
                {
                    T root = T.Sqrt(T.Max(s.Values[j], T.Zero));
                    TensorPrimitives.Multiply<T>(s.Left.AsSpan(j * n1, n1), root, _u.AsSpan(j * n1, n1));
                    if (!_symmetric) TensorPrimitives.Multiply<T>(s.Right.AsSpan(j * n2, n2), root, _v.AsSpan(j * n2, n2));
                }
                break;
            case GivenInitialization<T> given:
                CopyGiven(given.Left, n1, "left (U₀ or X₀)", _u);
                if (!_symmetric)
                    CopyGiven(given.Right ?? throw new ArgumentException("An asymmetric problem needs both U₀ and V₀.", nameof(init)), n2, "right (V₀)", _v);
                break;
            default:
                throw new ArgumentException($"The initialization {init.GetType().Name} does not match the precision {typeof(T).Name}.", nameof(init));
        }
    }

    private void CopyGiven(Matrix<T> factor, int rows, string name, Span<T> destination)
    {
        if (factor.Rows != rows || factor.Columns != _rank)
            throw new ArgumentException($"The given {name} factor is {factor.Rows}×{factor.Columns}; expected {rows}×{_rank}.", nameof(factor));
        if (!TensorPrimitives.IsFiniteAll<T>(factor.Data))
            throw new ArgumentException($"The given {name} factor contains NaN or infinity.", nameof(factor));
        factor.Data.AsSpan().CopyTo(destination);
    }

#pragma warning disable CA2208 // The parameter named is the option's property: clearer than "options".
    private static int ValidateOptions(SensingProblem<T> problem, SolverOptions o)
    {
        int rank = o.Rank == 0 && problem.Target is not null ? problem.Target.Rank : o.Rank;
        int maxRank = Math.Min(problem.Rows, problem.Columns);
        if (rank < 1 || rank > maxRank)
            throw new ArgumentOutOfRangeException(nameof(o.Rank), o.Rank, o.Rank == 0
                ? "The rank h must be given (≥ 1) for a problem without ground truth."
                : $"The rank h must be in [1, min(n1, n2)] = [1, {maxRank}].");
        if (problem.Target is { } target && rank < target.Rank)
            throw new ArgumentOutOfRangeException(nameof(o.Rank), o.Rank,
                $"The rank h = {rank} is below the target's rank r* = {target.Rank}: a rank-{rank} factorization cannot represent M*. Use h ≥ r*.");
        if (o.MaxIterations < 0) throw new ArgumentOutOfRangeException(nameof(o.MaxIterations), o.MaxIterations, "MaxIterations must be ≥ 0.");
        if (o.TraceEvery < 1) throw new ArgumentOutOfRangeException(nameof(o.TraceEvery), o.TraceEvery, "TraceEvery must be ≥ 1.");
        if (o.Step is { } s && !(s.Value > 0 && double.IsFinite(s.Value)))
            throw new ArgumentOutOfRangeException(nameof(o.Step), s.Value, "The step size η must be a finite number > 0.");
        if (o.Lambda is { } l && !(l.Value >= 0 && double.IsFinite(l.Value)))
            throw new ArgumentOutOfRangeException(nameof(o.Lambda), l.Value, "The damping λ must be a finite number ≥ 0.");
        if (o.ResidualTolerance is { } rt && !(rt > 0)) throw new ArgumentOutOfRangeException(nameof(o.ResidualTolerance), rt, "Tolerances must be > 0.");
        if (o.ErrorTolerance is { } et && !(et > 0)) throw new ArgumentOutOfRangeException(nameof(o.ErrorTolerance), et, "Tolerances must be > 0.");
        if (o.TimeBudget is { } tb && tb <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(o.TimeBudget), tb, "The time budget must be positive.");
        if (!(o.DivergenceFactor > 1)) throw new ArgumentOutOfRangeException(nameof(o.DivergenceFactor), o.DivergenceFactor, "The divergence factor must be > 1.");
        if (o.StepDecay is { } decay && !(decay > 0 && decay <= 1)) throw new ArgumentOutOfRangeException(nameof(o.StepDecay), decay, "The step decay must be in (0, 1].");
        if (o.PrecGdConstant is { } c && !(c > 0 && double.IsFinite(c))) throw new ArgumentOutOfRangeException(nameof(o.PrecGdConstant), c, "PrecGD's constant c must be a finite number > 0.");
        if (o.BatchSize is { } b && (b < 1 || b > problem.Count))
            throw new ArgumentOutOfRangeException(nameof(o.BatchSize), b, $"The batch size must be in [1, m] = [1, {problem.Count}].");
        switch (o.Initialization)
        {
            case SmallRandomInitialization { Scale: var a } when !(a > 0 && double.IsFinite(a)):
                throw new ArgumentOutOfRangeException(nameof(o.Initialization), a, "The initialization scale α must be a finite number > 0.");
            case ScaledIdentityInitialization { Scale: var a } when !(a > 0 && double.IsFinite(a)):
                throw new ArgumentOutOfRangeException(nameof(o.Initialization), a, "The initialization scale α must be a finite number > 0.");
        }
        return rank;
    }
#pragma warning restore CA2208

    private static long EstimateBytes(SensingProblem<T> problem, int rank)
    {
        long size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        long factors = 3L * (problem.Rows + problem.Columns) * (rank + (problem.Target?.Rank ?? 0));
        return size * (factors * 2 + problem.Count + (long)problem.Rows * problem.Columns);
    }
}
