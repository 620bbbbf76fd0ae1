using System.Numerics;

namespace MatrixSensing.Solvers;

/// <summary>The built-in solvers of SPEC §4 (their registry entries are in <see cref="SolverRegistry"/>).</summary>
public enum SolverKind
{
    /// <summary><see cref="GradientDescent{T}"/>.</summary>
    GD,

    /// <summary><see cref="MiniBatchSgd{T}"/>.</summary>
    SGD,

    /// <summary><see cref="ScaledGradientDescent{T}"/> (ScaledGD(λ)).</summary>
    ScaledGDLambda,

    /// <summary><see cref="ScaledGd{T}"/>: Tong, Ma and Chi's ScaledGD (λ = 0, spectral init, exact rank).</summary>
    ScaledGD,

    /// <summary><see cref="PrecGd{T}"/>.</summary>
    PrecGD,

    /// <summary><see cref="Svp{T}"/>.</summary>
    SVP,

    /// <summary><see cref="ApproximateGaussNewton{T}"/>.</summary>
    AGN,

    /// <summary><see cref="ScaledSgd{T}"/> (completion only).</summary>
    ScaledSGD,

    /// <summary><see cref="EntrySgd{T}"/> (completion only).</summary>
    EntrySGD,
}

/// <summary>Creates solvers by <see cref="SolverKind"/> or command-line name, through <see cref="SolverRegistry"/>.</summary>
public static class SolverFactory
{
    /// <summary>A new solver of the given kind, with its default options.</summary>
    /// <param name="kind">Which solver.</param>
    public static Solver<T> Create<T>(SolverKind kind) where T : unmanaged, IFloatingPointIeee754<T> => SolverRegistry.Get(kind).Create<T>();

    /// <summary>A new solver by command-line name (see <see cref="SolverRegistry.Names"/>).</summary>
    /// <param name="name">The name, e.g. "scaledgd-lambda".</param>
    /// <param name="options">The solver's own options record; null for its defaults.</param>
    public static Solver<T> Create<T>(string name, SolverSpecificOptions? options = null) where T : unmanaged, IFloatingPointIeee754<T> =>
        SolverRegistry.Get(name).Create<T>(options);
}
