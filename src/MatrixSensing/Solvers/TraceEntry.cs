namespace MatrixSensing.Solvers;

/// <summary>
/// One row of a run's trace (SPEC §7). Metrics that need the ground truth, or that do not apply (imbalance of a
/// symmetric factorization), are null rather than zero.
/// </summary>
/// <param name="Iteration">Updates made so far.</param>
/// <param name="Seconds">Wall time since the run started (setup excluded).</param>
/// <param name="Loss">f: ½‖A(UVᵀ) − y‖² (asymmetric) or ¼‖A(XXᵀ) − y‖² (symmetric).</param>
/// <param name="RelativeResidual">‖A(UVᵀ) − y‖/‖y‖.</param>
/// <param name="RelativeError">‖UVᵀ − M*‖_F/‖M*‖_F, when M* is known.</param>
/// <param name="Imbalance">‖UᵀU − VᵀV‖_F, for asymmetric factorizations.</param>
/// <param name="EstimateNorm">‖UVᵀ‖_op.</param>
/// <param name="SignalMinSingularValue">σ_min(U*ᵀU), the weakest signal direction, with diagnostics on.</param>
/// <param name="NuisanceNorm">‖(I − U*U*ᵀ)U‖_op, the part outside the true column space, with diagnostics on.</param>
public readonly record struct TraceEntry(
    int Iteration,
    double Seconds,
    double Loss,
    double RelativeResidual,
    double? RelativeError,
    double? Imbalance,
    double EstimateNorm,
    double? SignalMinSingularValue,
    double? NuisanceNorm);
