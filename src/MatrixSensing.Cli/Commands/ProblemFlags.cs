using System.CommandLine;
using System.Numerics;
using MatrixSensing.Operators;
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

    public bool UsesFloat(ParseResult parse) => parse.GetValue(Precision)!.ToLowerInvariant() switch
    {
        "double" => false,
        "float" => true,
        var other => throw new ArgumentException($"--precision: '{other}' is neither double nor float"),
    };

    public string Describe(ParseResult parse) =>
        $"{parse.GetValue(N1)}×{(parse.GetValue(Symmetric) ? parse.GetValue(N1) : parse.GetValue(N2))}, r* = {parse.GetValue(Rank)}, κ = {parse.GetValue(Kappa)}, " +
        $"m = {parse.GetValue(M)} {parse.GetValue(Operator)} measurements" + (parse.GetValue(Noise) > 0 ? $", noise σ = {parse.GetValue(Noise)}" : "") +
        (parse.GetValue(RelativeNoise) is > 0 and var nu ? $", relative noise ν = {nu}" : "");

    public SensingProblem<T> Build<T>(ParseResult parse) where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool symmetric = parse.GetValue(Symmetric);
        int n1 = parse.GetValue(N1), n2 = symmetric ? n1 : parse.GetValue(N2), r = parse.GetValue(Rank), m = parse.GetValue(M);
        ulong seed = parse.GetValue(Seed);
        var spectrum = parse.GetValue(Spectrum)!.ToLowerInvariant() switch
        {
            "linear" => Problems.Spectrum.Linear,
            "geometric" => Problems.Spectrum.Geometric,
            var other => throw new ArgumentException($"--spectrum: '{other}' is neither linear nor geometric"),
        };
        var storage = parse.GetValue(Storage)!.ToLowerInvariant() switch
        {
            "reduced" => typeof(T) == typeof(double) ? StoragePrecision.Reduced : StoragePrecision.Compute,
            "full" => StoragePrecision.Compute,
            var other => throw new ArgumentException($"--storage: '{other}' is neither reduced nor full"),
        };
        var target = symmetric
            ? LowRankTarget.Symmetric<T>(n1, r, parse.GetValue(Kappa), seed, spectrum)
            : LowRankTarget.Asymmetric<T>(n1, n2, r, parse.GetValue(Kappa), seed, spectrum);
        string kind = parse.GetValue(Operator)!.ToLowerInvariant();
        if (symmetric && kind == "gaussian") kind = "symmetric-gaussian";
        MeasurementOperator<T> op = kind switch
        {
            "gaussian" => MeasurementOperators.Gaussian<T>(n1, n2, m, seed + 1, storage),
            "symmetric-gaussian" => MeasurementOperators.SymmetricGaussian<T>(n1, m, seed + 1, storage),
            "rademacher" => MeasurementOperators.Rademacher<T>(n1, n2, m, seed + 1),
            "rank-one" => MeasurementOperators.RankOne<T>(n1, n2, m, seed + 1, symmetric),
            "entry-sampling" => parse.GetValue(P) is { } p
                ? MeasurementOperators.EntrySampling<T>(n1, n2, p, seed + 1)
                : MeasurementOperators.EntrySampling<T>(n1, n2, m, seed + 1),
            "fresh" => MeasurementOperators.Fresh<T>(n1, n2, m, parse.GetValue(RefreshEvery), seed + 1),
            _ => throw new ArgumentException($"--operator: unknown operator '{kind}'"),
        };
        if (parse.GetValue(RelativeNoise) is { } relative)
        {
            if (parse.GetValue(Noise) > 0) throw new ArgumentException("give either --noise or --relative-noise, not both");
            return SensingProblem.CreateWithRelativeNoise(target, op, relative, seed + 2);
        }
        return SensingProblem.Create(target, op, parse.GetValue(Noise), seed + 2);
    }
}
