using System.Numerics;

namespace MatrixSensing.Solvers;

/// <summary>
/// A solver's registry entry: the names the command line and sweeps use, a one-line description for help texts,
/// whether it needs the exact rank h = r*, its own options record, and a factory for either precision.
/// </summary>
public abstract class SolverDescriptor
{
    /// <summary>The command-line name, lower case, e.g. "scaledgd-lambda".</summary>
    public abstract string Name { get; }

    /// <summary>Other accepted spellings (lower case); none by default.</summary>
    public virtual IReadOnlyList<string> Aliases => [];

    /// <summary>The name in tables and traces, e.g. "ScaledGD(λ)" (the solver's <see cref="Solver{T}.Name"/>).</summary>
    public abstract string DisplayName { get; }

    /// <summary>One line for help texts: the algorithm and its source.</summary>
    public abstract string Description { get; }

    /// <summary>
    /// Whether the algorithm is meant for the exact rank h = r* (ScaledGD with λ = 0): front ends then default h to
    /// the target's rank instead of an overparameterized one, and require h when there is no target. False by default.
    /// </summary>
    public virtual bool NeedsExactRank => false;

    /// <summary>Whether the algorithm works on matrix completion only (an entry-sampling operator); false by default.</summary>
    public virtual bool NeedsEntrySampling => false;

    /// <summary>Whether the algorithm applies to the problem: its symmetry and its operator (see <see cref="SupportsSymmetric"/>, <see cref="NeedsEntrySampling"/>).</summary>
    /// <param name="problem">The problem.</param>
    public bool AppliesTo<T>(Problems.SensingProblem<T> problem) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(problem);
        return (!problem.IsSymmetric || SupportsSymmetric) && (!NeedsEntrySampling || problem.Operator is Operators.EntrySamplingOperator<T>);
    }

    /// <summary>Whether the algorithm has a symmetric form X·Xᵀ (front ends refuse symmetric problems otherwise); true by default.</summary>
    public virtual bool SupportsSymmetric => true;

    /// <summary>The <see cref="SolverKind"/> of the built-in solvers; null for solvers added later.</summary>
    public virtual SolverKind? Kind => null;

    /// <summary>The solver's own options record with its defaults; null (the default) when it has none.</summary>
    public virtual SolverSpecificOptions? DefaultOptions => null;

    /// <summary>A new solver.</summary>
    /// <param name="options">Its own options record (the type of <see cref="DefaultOptions"/>); null for the defaults.</param>
    public abstract Solver<T> Create<T>(SolverSpecificOptions? options = null) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Whether a command-line name (case-insensitive) names this solver.</summary>
    /// <param name="name">The name given.</param>
    public bool Matches(string name) =>
        string.Equals(name, Name, StringComparison.OrdinalIgnoreCase) || Aliases.Any(a => string.Equals(name, a, StringComparison.OrdinalIgnoreCase));

    /// <summary>The name.</summary>
    public override string ToString() => Name;

    /// <summary>Casts the options given to <see cref="Create{T}"/> to the solver's record, with a clear error for another record.</summary>
    /// <param name="options">The options given.</param>
    protected TOptions? Specific<TOptions>(SolverSpecificOptions? options) where TOptions : SolverSpecificOptions => options switch
    {
        null => null,
        TOptions mine => mine,
        _ => throw new ArgumentException($"{DisplayName} takes {typeof(TOptions).Name}, not {options.GetType().Name}.", nameof(options)),
    };
}

/// <summary>
/// Every solver the library ships, in the order of help texts. The command line (`--solver`, its help, `sweep`) and
/// <see cref="SolverFactory"/> derive from this list, so adding an algorithm is its file (solver, rules, descriptor),
/// its tests and one line here.
/// </summary>
public static class SolverRegistry
{
    /// <summary>The built-in solvers.</summary>
    public static IReadOnlyList<SolverDescriptor> All { get; } =
    [
        new GradientDescentDescriptor(),
        new MiniBatchSgdDescriptor(),
        new ScaledGdLambdaDescriptor(),
        new ScaledGdDescriptor(),
        new PrecGdDescriptor(),
        new SvpDescriptor(),
        new ApproximateGaussNewtonDescriptor(),
        new ScaledSgdDescriptor(),
        new EntrySgdDescriptor(),
    ];

    /// <summary>The command-line names, comma-separated, for help texts.</summary>
    public static string Names => string.Join(", ", All.Select(d => d.Name));

    /// <summary>The solver with this command-line name or alias (case-insensitive).</summary>
    /// <param name="name">The name.</param>
    /// <exception cref="ArgumentException">No solver has that name; the message lists the names.</exception>
    public static SolverDescriptor Get(string name) =>
        TryGet(name, out var descriptor) ? descriptor : throw new ArgumentException($"unknown solver '{name}'; one of {Names}", nameof(name));

    /// <summary>Looks a solver up by command-line name or alias.</summary>
    /// <param name="name">The name.</param>
    /// <param name="descriptor">The entry, when found.</param>
    public static bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SolverDescriptor? descriptor)
    {
        descriptor = All.FirstOrDefault(d => d.Matches(name));
        return descriptor is not null;
    }

    /// <summary>The entry of a built-in solver kind.</summary>
    /// <param name="kind">The kind.</param>
    public static SolverDescriptor Get(SolverKind kind) =>
        All.FirstOrDefault(d => d.Kind == kind) ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown solver.");
}
