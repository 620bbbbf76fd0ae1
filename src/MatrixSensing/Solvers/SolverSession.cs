using System.Diagnostics;
using System.Numerics;
using System.Numerics.Tensors;
using MatrixSensing.LinearAlgebra;
using MatrixSensing.Problems;
using MatrixSensing.Random;

namespace MatrixSensing.Solvers;

/// <summary>
/// One run of a solver on a problem, advanced one iteration per <see cref="Step"/>. All buffers (factors, residual,
/// gradients, metric workspaces, trace) are allocated when the session is created, so stepping allocates nothing.
/// Not thread-safe; create one session per thread.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public sealed class SolverSession<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Solver<T> _solver;
    private readonly SolverOptions _options;
    private readonly IProgress<TraceEntry>? _progress;
    private readonly SolverState<T> _state;
    private readonly UpdateRule<T> _rule;
    private readonly FactorMetrics<T> _metrics;
    private readonly TraceEntry[] _trace;
    private int _traceCount;
    private readonly long _deadlineTicks;
    private long _startTimestamp;
    private double _yNorm;
    private double _initialLoss = double.NaN;
    private TraceEntry _last;

    internal SolverSession(Solver<T> solver, SensingProblem<T> problem, SolverOptions options, IProgress<TraceEntry>? progress)
    {
        _solver = solver;
        _options = options;
        _progress = progress;
        int rank = ValidateOptions(problem, options);
        solver.Validate(problem, options, rank);
        MemoryGuard.EnsureFits(EstimateBytes(problem, rank), $"a rank-{rank} run on a {problem.Rows}×{problem.Columns} problem");

        _state = new SolverState<T>(problem, rank, solver.MaxBatch(problem, options));
        _metrics = new FactorMetrics<T>(problem.Rows, problem.Columns, rank, problem.Target, options.Diagnostics && problem.Target is not null);
        _trace = new TraceEntry[options.MaxIterations / options.TraceEvery + 2];
        _deadlineTicks = options.TimeBudget is { } budget ? (long)(budget.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;

        var init = options.Initialization ?? solver.DefaultInitialization;
        var step = options.Step ?? solver.DefaultStep;
        var lambda = options.Lambda ?? solver.DefaultLambda;
        bool needsSigma = step.IsRelative || lambda is { IsRelative: true } || init is SpectralInitialization;
        SpectralEstimate.Triplets<T>? spectral = null;
        if (needsSigma)
        {
            spectral = SpectralEstimate.Compute(problem, init is SpectralInitialization ? rank : 1, options.Seed);
            _state.SigmaHat = double.CreateTruncating(spectral.Value.Values[0]);
            if (!(_state.SigmaHat > 0))
                throw new ArgumentException("‖A*(y)‖ is zero (all measurements are zero), so relative step sizes are undefined; give absolute ones.", nameof(problem));
        }
        _state.Step = T.CreateTruncating(step.IsRelative ? step.Value / _state.SigmaHat : step.Value);
        if (lambda is { } l)
            _state.Lambda = T.CreateTruncating(l.IsRelative ? l.Value * _state.SigmaHat : l.Value);
        Initialize(init, spectral);
        _rule = solver.CreateRule(_state, options);
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
    public int Rank => _state.Rank;

    /// <summary>The absolute step η in use.</summary>
    public double StepSize => double.CreateTruncating(_state.Step);

    /// <summary>The absolute damping λ in use (0 when the solver has none).</summary>
    public double Lambda => double.CreateTruncating(_state.Lambda);

    /// <summary>σ̂₁ = ‖A*(y)‖_op, when it was needed (relative step or λ, spectral init); otherwise 0.</summary>
    public double SigmaHat => _state.SigmaHat;

    /// <summary>The current left factor U (or X), n1×h column-major.</summary>
    public ReadOnlySpan<T> Left => _state.U;

    /// <summary>The current right factor V (the same as <see cref="Left"/> for symmetric problems), n2×h.</summary>
    public ReadOnlySpan<T> Right => _state.V;

    /// <summary>The last evaluated metrics.</summary>
    public TraceEntry Latest => _last;

    /// <summary>The trace so far.</summary>
    public ReadOnlySpan<TraceEntry> Trace => _trace.AsSpan(0, _traceCount);

    /// <summary>Wall time since the first step.</summary>
    public TimeSpan Elapsed => _startTimestamp == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_startTimestamp);

    /// <summary>
    /// Evaluates the current iterate, stops if a rule fires, otherwise makes one update. Returns false once the run
    /// has stopped (see <see cref="Status"/>). Allocates nothing.
    /// </summary>
    /// <param name="cancellationToken">Cancellation stops the run with status Cancelled and keeps the iterate.</param>
    public bool Step(CancellationToken cancellationToken = default)
    {
        if (Status != SolverStatus.Running) return false;
        if (_startTimestamp == 0) _startTimestamp = Stopwatch.GetTimestamp();
        int t = Iteration;
        var problem = _state.Problem;
        if (_state.Operator.Refresh(t))
        {
            problem.Remeasure(t);
            _yNorm = double.CreateTruncating(Blas.Nrm2(problem.Measurements));
        }

        bool checkpoint = t % _options.TraceEvery == 0 || t == _options.MaxIterations;
        if (_rule.NeedsFullResidual || checkpoint)
        {
            ComputeResidual();
            double loss = Loss();
            if (double.IsNaN(_initialLoss)) _initialLoss = Math.Max(loss, double.Epsilon);
            if (!double.IsFinite(loss) || loss > _options.DivergenceFactor * _initialLoss)
                return Stop(SolverStatus.Diverged, restore: t > 0);
            double relRes = _yNorm > 0 ? double.CreateTruncating(_state.ResidualNorm) / _yNorm : double.CreateTruncating(_state.ResidualNorm);
            double? relErr = _metrics.HasTarget && (checkpoint || _options.ErrorTolerance is not null)
                ? _metrics.RelativeError(_state.U, _state.V) : null;
            if (checkpoint) Record(t, loss, relRes, relErr);
            if (relRes <= (_options.ResidualTolerance ?? -1) || relErr <= (_options.ErrorTolerance ?? -1))
                return Stop(SolverStatus.Converged, restore: false, loss, relRes, relErr);
            if (t == _options.MaxIterations) return Stop(SolverStatus.MaxIterations, restore: false, loss, relRes, relErr);
        }
        else if (t == _options.MaxIterations) return Stop(SolverStatus.MaxIterations, restore: false);

        if (cancellationToken.IsCancellationRequested) return Stop(SolverStatus.Cancelled, restore: false);
        if (Stopwatch.GetTimestamp() - _startTimestamp > _deadlineTicks) return Stop(SolverStatus.TimeLimit, restore: false);

        _state.SaveLastGood();
        _rule.Update(_state, t);
        Iteration = t + 1;
        if (!TensorPrimitives.IsFiniteAll<T>(_state.U) || !TensorPrimitives.IsFiniteAll<T>(_state.V))
            return Stop(SolverStatus.Diverged, restore: true);
        return true;
    }

    /// <summary>The result so far (complete once <see cref="Step"/> has returned false). Copies the factors.</summary>
    public SolverResult<T> ToResult() => new(
        _solver.Name,
        Status,
        Iteration,
        Elapsed,
        new Matrix<T>(_state.Rows, _state.Rank, (T[])_state.U.Clone()),
        _state.Symmetric ? null : new Matrix<T>(_state.Columns, _state.Rank, (T[])_state.V.Clone()),
        _trace.AsSpan(0, _traceCount).ToArray(),
        _last,
        StepSize,
        Lambda,
        SigmaHat);

    private bool Stop(SolverStatus status, bool restore, double loss = double.NaN, double relRes = double.NaN, double? relErr = null)
    {
        if (restore)
        {
            // Back to the last iterate whose loss was finite; report the iteration at which divergence was seen.
            _state.RestoreLastGood();
            ComputeResidual();
            loss = Loss();
            relRes = _yNorm > 0 ? double.CreateTruncating(_state.ResidualNorm) / _yNorm : double.NaN;
            relErr = _metrics.HasTarget ? _metrics.RelativeError(_state.U, _state.V) : null;
        }
        Status = status;
        if (double.IsNaN(loss) && status != SolverStatus.Diverged)
        {
            ComputeResidual();
            loss = Loss();
            relRes = _yNorm > 0 ? double.CreateTruncating(_state.ResidualNorm) / _yNorm : double.NaN;
            relErr = _metrics.HasTarget ? _metrics.RelativeError(_state.U, _state.V) : null;
        }
        if (_traceCount == 0 || _trace[_traceCount - 1].Iteration != Iteration || restore)
            Record(Iteration, loss, relRes, relErr);
        return false;
    }

    private void ComputeResidual()
    {
        var r = _state.Residual.AsSpan();
        if (_rule.UsesGradient)
        {
            _state.Operator.ResidualAndAdjointFactored(_state.U, _state.V, _state.Problem.Measurements, _state.Workspace, r, _state.GV, _state.GtU);
            _state.GradientReady = true;
        }
        else
        {
            _state.Operator.ApplyFactored(_state.U, _state.V, _state.Workspace, r);
            TensorPrimitives.Subtract<T>(r, _state.Problem.Measurements, r);
        }
        _state.ResidualNorm = Blas.Nrm2<T>(r);
    }

    private double Loss()
    {
        double norm = double.CreateTruncating(_state.ResidualNorm);
        return (_state.Symmetric ? 0.25 : 0.5) * norm * norm;
    }

    private void Record(int iteration, double loss, double relRes, double? relErr)
    {
        bool finite = TensorPrimitives.IsFiniteAll<T>(_state.U) && TensorPrimitives.IsFiniteAll<T>(_state.V);
        double estimateNorm = finite ? _metrics.EstimateNorm(_state.U, _state.V) : double.NaN;
        double? imbalance = _state.Symmetric || !finite ? null : _metrics.Imbalance(_state.U, _state.V);
        double? signal = null, nuisance = null;
        if (_metrics.HasDiagnostics && finite) (signal, nuisance) = _metrics.Diagnostics(_state.U);
        _last = new TraceEntry(iteration, Elapsed.TotalSeconds, loss, relRes, relErr, imbalance, estimateNorm, signal, nuisance);
        if (_traceCount < _trace.Length) _trace[_traceCount++] = _last;
        else _trace[^1] = _last;
        _progress?.Report(_last);
    }

    private void Initialize(Initialization init, SpectralEstimate.Triplets<T>? spectral)
    {
        int n1 = _state.Rows, n2 = _state.Columns, h = _state.Rank;
        switch (init)
        {
            case SmallRandomInitialization small:
                var rng = new RandomStream(_options.Seed, 0x1417UL);
                rng.FillNormal<T>(_state.U, T.CreateTruncating(small.Scale / Math.Sqrt(n1)));
                if (!_state.Symmetric) rng.FillNormal<T>(_state.V, T.CreateTruncating(small.Scale / Math.Sqrt(n2)));
                break;
            case ScaledIdentityInitialization identity:
                var alpha = T.CreateTruncating(identity.Scale);
                for (int j = 0; j < h; j++)
                {
                    if (j < n1) _state.U[j + j * n1] = alpha;
                    if (!_state.Symmetric && j < n2) _state.V[j + j * n2] = alpha;
                }
                break;
            case SpectralInitialization:
                var s = spectral!.Value;
                for (int j = 0; j < s.K; j++)
                {
                    T root = T.Sqrt(T.Max(s.Values[j], T.Zero));
                    TensorPrimitives.Multiply<T>(s.Left.AsSpan(j * n1, n1), root, _state.U.AsSpan(j * n1, n1));
                    if (!_state.Symmetric) TensorPrimitives.Multiply<T>(s.Right.AsSpan(j * n2, n2), root, _state.V.AsSpan(j * n2, n2));
                }
                break;
            case GivenInitialization<T> given:
                CopyGiven(given.Left, n1, "left (U₀ or X₀)", _state.U);
                if (!_state.Symmetric)
                    CopyGiven(given.Right ?? throw new ArgumentException("An asymmetric problem needs both U₀ and V₀.", nameof(init)), n2, "right (V₀)", _state.V);
                break;
            default:
                throw new ArgumentException($"The initialization {init.GetType().Name} does not match the precision {typeof(T).Name}.", nameof(init));
        }
    }

    private void CopyGiven(Matrix<T> factor, int rows, string name, Span<T> destination)
    {
        if (factor.Rows != rows || factor.Columns != _state.Rank)
            throw new ArgumentException($"The given {name} factor is {factor.Rows}×{factor.Columns}; expected {rows}×{_state.Rank}.", nameof(factor));
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
        if (!(o.StepDecay > 0 && o.StepDecay <= 1)) throw new ArgumentOutOfRangeException(nameof(o.StepDecay), o.StepDecay, "The step decay must be in (0, 1].");
        if (!(o.PrecGdConstant > 0)) throw new ArgumentOutOfRangeException(nameof(o.PrecGdConstant), o.PrecGdConstant, "PrecGD's constant c must be > 0.");
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
