using System.Numerics;
using System.Numerics.Tensors;
using MatrixSensing.LinearAlgebra;
using MatrixSensing.Operators;
using MatrixSensing.Random;

namespace MatrixSensing.Problems;

/// <summary>
/// A matrix sensing problem: an operator A, measurements y = A(M*) + σ_noise·ξ and, for synthetic problems, the
/// ground truth M*. Read-only once built, so several solvers may share it, except with an operator whose ensemble
/// changes during a run (Fresh), which retakes the measurements in place.
/// </summary>
/// <typeparam name="T">Precision.</typeparam>
public sealed class SensingProblem<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _measurements;
    private readonly Matrix<T>? _scaledLeft;
    private readonly OperatorWorkspace<T>? _remeasureWorkspace;
    private readonly ulong _noiseSeed;
    private readonly T[]? _noise;

    internal SensingProblem(MeasurementOperator<T> op, T[] measurements, LowRankTarget<T>? target, bool symmetric, double noiseLevel, ulong noiseSeed,
        bool measure = true)
    {
        Operator = op;
        _measurements = measurements;
        Target = target;
        IsSymmetric = symmetric;
        NoiseLevel = noiseLevel;
        _noiseSeed = noiseSeed;
        if (noiseLevel > 0) _noise = new T[op.Count];
        if (target is not null)
        {
            _scaledLeft = target.ScaledLeft();
            _remeasureWorkspace = op.CreateWorkspace(target.Rank);
            if (measure) Measure(0);
        }
    }

    /// <summary>The measurement operator.</summary>
    public MeasurementOperator<T> Operator { get; }

    /// <summary>y, the m measurements.</summary>
    public ReadOnlySpan<T> Measurements => _measurements;

    /// <summary>The ground truth, or null for a problem built from data alone (metrics that need it are then absent).</summary>
    public LowRankTarget<T>? Target { get; }

    /// <summary>True when the unknown is symmetric PSD and the model is X·Xᵀ.</summary>
    public bool IsSymmetric { get; }

    /// <summary>σ_noise, the standard deviation of the additive measurement noise (0 when noiseless or unknown).</summary>
    public double NoiseLevel { get; }

    /// <summary>
    /// The error the noise alone puts within reach, σ_noise·√(r*(n1 + n2 − r*))/‖M*‖_F (SPEC §10: with N(0, 1/m)
    /// ensembles, the best achievable relative error is about this); null without a ground truth or without noise.
    /// Iterating past the point where the error reaches it only fits the noise.
    /// </summary>
    public double? NoiseErrorScale => Target is { } t && NoiseLevel > 0
        ? NoiseLevel * Math.Sqrt((double)t.Rank * (Rows + Columns - t.Rank)) / double.CreateTruncating(t.FrobeniusNorm)
        : null;

    /// <summary>n1.</summary>
    public int Rows => Operator.Rows;

    /// <summary>n2.</summary>
    public int Columns => Operator.Columns;

    /// <summary>m.</summary>
    public int Count => Operator.Count;

    /// <summary>
    /// The problem restricted to some of its measurements: a <see cref="SubsetOperator{T}"/> over the same ensemble
    /// (nothing copied but the indices and y), the same ground truth. Not for an ensemble that changes during a run.
    /// </summary>
    /// <param name="indices">Distinct measurement indices in [0, m), in the order the restricted problem keeps them.</param>
    public SensingProblem<T> Restrict(ReadOnlySpan<int> indices)
    {
        var op = new SubsetOperator<T>(Operator, indices);
        var y = new T[indices.Length];
        for (int k = 0; k < y.Length; k++) y[k] = _measurements[indices[k]];
        return new SensingProblem<T>(op, y, Target, IsSymmetric, NoiseLevel, 0, measure: false);
    }

    /// <summary>
    /// Splits the measurements at random into a part to fit and a held-out part for validation, each kept in the
    /// original order (so a dense ensemble is still streamed front to back).
    /// </summary>
    /// <param name="fraction">The held-out share, in (0, 1); at least one measurement lands on each side.</param>
    /// <param name="seed">Seed of the split.</param>
    public (SensingProblem<T> Fit, SensingProblem<T> HeldOut) SplitForValidation(double fraction, ulong seed)
    {
        if (!(fraction > 0 && fraction < 1))
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The validation fraction must be in (0, 1).");
        if (Count < 2) throw new ArgumentException("A validation split needs at least two measurements.", nameof(fraction));
        int heldOut = Math.Clamp((int)Math.Round(fraction * Count), 1, Count - 1);
        var held = new int[heldOut];
        new RandomStream(seed, 0x76616CUL).SampleWithoutReplacementSorted(Count, held);
        var fit = new int[Count - heldOut];
        for (int i = 0, h = 0, f = 0; i < Count; i++)
        {
            if (h < held.Length && held[h] == i) h++;
            else fit[f++] = i;
        }
        return (Restrict(fit), Restrict(held));
    }

    /// <summary>
    /// Retakes y = A(M*) + noise after the operator redrew its ensemble (called by solvers when
    /// <see cref="MeasurementOperator{T}.Refresh"/> returns true). Allocation-free.
    /// </summary>
    /// <param name="iteration">The iteration at which the ensemble changed; seeds the fresh noise.</param>
    internal void Remeasure(int iteration)
    {
        if (Target is null)
            throw new InvalidOperationException("The operator changed its ensemble, but a problem without ground truth cannot retake its measurements.");
        Measure(iteration);
    }

    private void Measure(int iteration)
    {
        Operator.ApplyFactored(_scaledLeft!.Span, Target!.Right.Span, _remeasureWorkspace!, _measurements);
        if (NoiseLevel > 0)
        {
            // Each measurement round has its own noise stream; filled into a buffer kept for the purpose, so that
            // retaking the measurements inside an iteration loop allocates nothing.
            ParallelNormal.FillRange<T>(_noise, RandomStream.DeriveSeed(_noiseSeed, 0x6E6F697365UL + (ulong)iteration), 0, T.CreateTruncating(NoiseLevel));
            TensorPrimitives.Add<T>(_measurements, _noise, _measurements);
        }
    }
}

/// <summary>Builds <see cref="SensingProblem{T}"/>s.</summary>
public static class SensingProblem
{
    /// <summary>A synthetic problem: y = A(M*) + σ_noise·ξ with ξ ~ N(0, I_m) drawn from <paramref name="noiseSeed"/>.</summary>
    /// <param name="target">M*; its shape must match the operator's.</param>
    /// <param name="measurementOperator">A.</param>
    /// <param name="noiseLevel">σ_noise ≥ 0.</param>
    /// <param name="noiseSeed">Seed of the noise.</param>
    public static SensingProblem<T> Create<T>(LowRankTarget<T> target, MeasurementOperator<T> measurementOperator, double noiseLevel = 0, ulong noiseSeed = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(measurementOperator);
        if (target.Rows != measurementOperator.Rows || target.Columns != measurementOperator.Columns)
            throw new ArgumentException($"The target is {target.Rows}×{target.Columns} but the operator senses {measurementOperator.Rows}×{measurementOperator.Columns} matrices.", nameof(measurementOperator));
        if (!(noiseLevel >= 0) || double.IsInfinity(noiseLevel))
            throw new ArgumentOutOfRangeException(nameof(noiseLevel), noiseLevel, "The noise level must be a finite number ≥ 0.");
        return new SensingProblem<T>(measurementOperator, new T[measurementOperator.Count], target, target.IsSymmetric, noiseLevel, noiseSeed);
    }

    /// <summary>
    /// A synthetic problem with noise given relative to the signal: σ_noise = ν·‖A(M*)‖₂/√m, so that the noise
    /// vector's norm is about ν times the noiseless measurements' (ν = 1/SNR in amplitude). With N(0, 1/m) ensembles
    /// ‖A(M*)‖₂ ≈ ‖M*‖_F, and the expected error scale is then about ν·√(r*(n1 + n2 − r*)/m) (see
    /// <see cref="SensingProblem{T}.NoiseErrorScale"/>).
    /// </summary>
    /// <param name="target">M*; its shape must match the operator's.</param>
    /// <param name="measurementOperator">A.</param>
    /// <param name="relativeNoise">ν ≥ 0 (0 for noiseless).</param>
    /// <param name="noiseSeed">Seed of the noise.</param>
    public static SensingProblem<T> CreateWithRelativeNoise<T>(LowRankTarget<T> target, MeasurementOperator<T> measurementOperator, double relativeNoise, ulong noiseSeed = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(relativeNoise >= 0) || double.IsInfinity(relativeNoise))
            throw new ArgumentOutOfRangeException(nameof(relativeNoise), relativeNoise, "The relative noise level must be a finite number ≥ 0.");
        var noiseless = Create(target, measurementOperator);
        if (relativeNoise == 0) return noiseless;
        double signal = double.CreateTruncating(Blas.Nrm2(noiseless.Measurements));
        return Create(target, measurementOperator, relativeNoise * signal / Math.Sqrt(measurementOperator.Count), noiseSeed);
    }

    /// <summary>A problem from data alone (no ground truth), e.g. measurements loaded from a file.</summary>
    /// <param name="measurementOperator">A.</param>
    /// <param name="measurements">y, m finite values (copied).</param>
    /// <param name="symmetric">Whether to fit a symmetric PSD model X·Xᵀ (needs n1 = n2).</param>
    public static SensingProblem<T> FromMeasurements<T>(MeasurementOperator<T> measurementOperator, ReadOnlySpan<T> measurements, bool symmetric = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckData(measurementOperator, measurements, symmetric, nameof(measurements));
        return new SensingProblem<T>(measurementOperator, measurements.ToArray(), null, symmetric, 0, 0);
    }

    /// <summary>
    /// A problem from raw observations, as data sets record them: completion values M_jk (one per observed entry, in
    /// the operator's measurement order, i.e. observation k belongs to entry (ObservedRows[k], ObservedColumns[k])), or
    /// rank-one values a_iᵀ M b_i. The measurements are y = <see cref="MeasurementOperator{T}.ObservationScale"/> ·
    /// observations (1/√p for completion, 1/√m for rank-one, 1 for dense operators), so the caller never applies the
    /// operator's own scaling.
    /// </summary>
    /// <param name="measurementOperator">A.</param>
    /// <param name="observations">m finite raw values (copied).</param>
    /// <param name="symmetric">Whether to fit a symmetric PSD model X·Xᵀ (needs n1 = n2); a symmetric target implies it. Default false.</param>
    /// <param name="target">M*, when known, so that error metrics are available; default null (data alone).</param>
    public static SensingProblem<T> FromObservations<T>(MeasurementOperator<T> measurementOperator, ReadOnlySpan<T> observations, bool symmetric = false,
        LowRankTarget<T>? target = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        symmetric |= target?.IsSymmetric ?? false;
        CheckData(measurementOperator, observations, symmetric, nameof(observations));
        if (target is not null && (target.Rows != measurementOperator.Rows || target.Columns != measurementOperator.Columns))
            throw new ArgumentException($"The target is {target.Rows}×{target.Columns} but the operator senses {measurementOperator.Rows}×{measurementOperator.Columns} matrices.", nameof(target));
        if (target is not null && symmetric && !target.IsSymmetric)
            throw new ArgumentException("A symmetric model was asked for, but the target is asymmetric.", nameof(symmetric));
        var y = observations.ToArray();
        TensorPrimitives.Multiply<T>(y, measurementOperator.ObservationScale, y);
        return new SensingProblem<T>(measurementOperator, y, target, symmetric, 0, 0, measure: false);
    }

    private static void CheckData<T>(MeasurementOperator<T> measurementOperator, ReadOnlySpan<T> values, bool symmetric, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(measurementOperator);
        if (values.Length != measurementOperator.Count)
            throw new ArgumentException($"The operator takes {measurementOperator.Count} measurements but {values.Length} were given.", name);
        if (!TensorPrimitives.IsFiniteAll(values))
            throw new ArgumentException($"The {name} contain NaN or infinity (first at index {IndexOfNonFinite(values)}).", name);
        if (symmetric && measurementOperator.Rows != measurementOperator.Columns)
            throw new ArgumentException($"A symmetric model needs a square unknown; the operator senses {measurementOperator.Rows}×{measurementOperator.Columns} matrices.", nameof(symmetric));
    }

    /// <summary>
    /// A problem whose measurements were taken elsewhere (e.g. loaded from a file) but whose ground truth is known,
    /// so error metrics are available. The measurements are used as given, not retaken.
    /// </summary>
    /// <param name="measurementOperator">A.</param>
    /// <param name="measurements">y, m finite values (copied).</param>
    /// <param name="target">M*; its shape must match the operator's.</param>
    public static SensingProblem<T> WithTarget<T>(MeasurementOperator<T> measurementOperator, ReadOnlySpan<T> measurements, LowRankTarget<T> target)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(target);
        var data = FromMeasurements(measurementOperator, measurements, target.IsSymmetric);
        if (target.Rows != measurementOperator.Rows || target.Columns != measurementOperator.Columns)
            throw new ArgumentException($"The target is {target.Rows}×{target.Columns} but the operator senses {measurementOperator.Rows}×{measurementOperator.Columns} matrices.", nameof(target));
        return new SensingProblem<T>(measurementOperator, data.Measurements.ToArray(), target, target.IsSymmetric, 0, 0, measure: false);
    }

    private static int IndexOfNonFinite<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
            if (!T.IsFinite(values[i])) return i;
        return -1;
    }
}
