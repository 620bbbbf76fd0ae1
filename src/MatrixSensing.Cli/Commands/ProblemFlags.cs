using System.CommandLine;
using System.Numerics;
using MatrixSensing.Cli.Reports;
using MatrixSensing.Problems;

namespace MatrixSensing.Cli.Commands;

/// <summary>The flags that generate a problem: target, operator, noise, seeds, precision.</summary>
internal sealed class ProblemFlags
{
    public Option<int> N1 { get; } = new("--n1") { Description = "Rows of M*", DefaultValueFactory = _ => 100 };
    public Option<int> N2 { get; } = new("--n2") { Description = "Columns of M*", DefaultValueFactory = _ => 100 };
    public Option<int> Rank { get; } = new("--rank") { Description = "True rank r*", DefaultValueFactory = _ => 5 };
    public Option<double> Kappa { get; } = new("--kappa") { Description = "Condition number κ", DefaultValueFactory = _ => 20 };
    public Option<string> Spectrum { get; } = new("--spectrum") { Description = "linear | geometric", DefaultValueFactory = _ => "linear" };
    public Option<bool> Symmetric { get; } = new("--symmetric") { Description = "Symmetric PSD target (n1 = n2) and model X·Xᵀ" };
    public Option<int> M { get; } = new("--m") { Description = "Number of measurements", DefaultValueFactory = _ => 8000 };
    public Option<string> Operator { get; } = new("--operator") { Description = "gaussian | symmetric-gaussian | rademacher | rank-one | entry-sampling | fresh", DefaultValueFactory = _ => "gaussian" };
    public Option<double?> P { get; } = new("--p") { Description = "Entry sampling: observation probability (default: m/(n1·n2) exactly m entries)" };
    public Option<int> RefreshEvery { get; } = new("--refresh-every") { Description = "Fresh operator: redraw every K iterations", DefaultValueFactory = _ => 10 };
    public Option<double> Noise { get; } = new("--noise") { Description = "Noise level σ (absolute; the expected error is about σ·√(r*(n1+n2−r*))/‖M*‖_F)", DefaultValueFactory = _ => 0 };
    public Option<double?> RelativeNoise { get; } = new("--relative-noise") { Description = "Noise relative to the signal: σ = ν·‖A(M*)‖/√m (ν = 1/SNR; expected error about ν·√(r*(n1+n2−r*)/m))" };
    public Option<ulong> Seed { get; } = new("--seed") { Description = "Seed of the target (the operator uses seed + 1, the noise seed + 2)", DefaultValueFactory = _ => 1UL };
    public Option<string> Precision { get; } = new("--precision") { Description = "double | float (compute precision)", DefaultValueFactory = _ => "double" };
    public Option<string> Storage { get; } = new("--storage") { Description = "reduced (float32 storage of dense ensembles) | full", DefaultValueFactory = _ => "reduced" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { N1, N2, Rank, Kappa, Spectrum, Symmetric, M, Operator, P, RefreshEvery, Noise, RelativeNoise, Seed, Precision, Storage })
            command.Add(option);
    }

    /// <summary>Whether the flags ask for float32 computation.</summary>
    public bool UsesFloat(ParseResult parse) => ToConfig(parse).UsesFloat;

    /// <summary>The problem the flags describe, built (through <see cref="ToConfig"/>, as `msense run` builds it).</summary>
    public SensingProblem<T> Build<T>(ParseResult parse) where T : unmanaged, IFloatingPointIeee754<T> => ToConfig(parse).Build<T>().Problem;

    /// <summary>The problem the flags describe, as a run config (built later by <see cref="ProblemConfig.Build{T}"/>).</summary>
    public ProblemConfig ToConfig(ParseResult parse) => new()
    {
        N1 = parse.GetValue(N1),
        N2 = parse.GetValue(N2),
        RStar = parse.GetValue(Rank),
        Kappa = parse.GetValue(Kappa),
        Spectrum = parse.GetValue(Spectrum)!.ToLowerInvariant(),
        M = parse.GetValue(M),
        Operator = parse.GetValue(Operator)!.ToLowerInvariant(),
        P = parse.GetValue(P),
        RefreshEvery = parse.GetValue(RefreshEvery),
        Noise = parse.GetValue(Noise),
        RelativeNoise = parse.GetValue(RelativeNoise),
        Seed = parse.GetValue(Seed),
        Precision = parse.GetValue(Precision)!.ToLowerInvariant(),
        Storage = parse.GetValue(Storage)!.ToLowerInvariant(),
        Symmetric = parse.GetValue(Symmetric),
    };
}
