using System.Numerics;

namespace MatrixSensing.Solvers;

/// <summary>The solvers of SPEC §4, for choosing one by name (command line, sweeps).</summary>
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
}

/// <summary>Creates solvers by <see cref="SolverKind"/>.</summary>
public static class SolverFactory
{
    /// <summary>A new solver of the given kind.</summary>
    /// <param name="kind">Which solver.</param>
    public static Solver<T> Create<T>(SolverKind kind) where T : unmanaged, IFloatingPointIeee754<T> => kind switch
    {
        SolverKind.GD => new GradientDescent<T>(),
        SolverKind.SGD => new MiniBatchSgd<T>(),
        SolverKind.ScaledGDLambda => new ScaledGradientDescent<T>(),
        SolverKind.ScaledGD => new ScaledGd<T>(),
        SolverKind.PrecGD => new PrecGd<T>(),
        SolverKind.SVP => new Svp<T>(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown solver."),
    };
}
