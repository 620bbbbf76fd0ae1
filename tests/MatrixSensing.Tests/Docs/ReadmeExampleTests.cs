using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Solvers;

namespace MatrixSensing.Tests.Docs;

/// <summary>The README's library example, run as written; the README must contain exactly this code.</summary>
public class ReadmeExampleTests
{
    private const string ExampleText = @"// M* ∈ R^{100×100}, rank 5, condition number 20; 8000 Gaussian measurements stored in float32.
var target = LowRankTarget.Asymmetric<double>(100, 100, rank: 5, conditionNumber: 20, seed: 1);
var sensing = MeasurementOperators.Gaussian<double>(100, 100, m: 8000, seed: 2, StoragePrecision.Reduced);
var problem = SensingProblem.Create(target, sensing);

// Overparameterized (h = 20 > r* = 5) ScaledGD(λ) from a small random start, until the error is 1e-8.
var result = new ScaledGradientDescent<double>().Solve(problem, new SolverOptions
{
    Rank = 20, ErrorTolerance = 1e-8, TraceEvery = 25,
});
foreach (var t in result.Trace)
    Console.WriteLine($""{t.Iteration,5}  error {t.RelativeError:E2}  residual {t.RelativeResidual:E2}"");
Console.WriteLine($""{result.Status} after {result.Iterations} iterations, {result.Elapsed.TotalSeconds:F1} s"");";

    [Test]
    public void The_README_shows_this_example_verbatim()
    {
        string readme = File.ReadAllText(FindUpwards("README.md"));
        Assert.That(Normalize(readme), Does.Contain(Normalize(ExampleText)));
    }

    [Test]
    public void The_example_converges_as_the_README_says()
    {
        var console = new StringWriter();
        var result = Example(console);
        Assert.That(result.Status, Is.EqualTo(SolverStatus.Converged), console.ToString());
        Assert.That(result.Final.RelativeError, Is.LessThanOrEqualTo(1e-8));
        Assert.That(console.ToString(), Does.Contain("Converged after"));
    }

    private static SolverResult<double> Example(TextWriter console)
    {
        // M* ∈ R^{100×100}, rank 5, condition number 20; 8000 Gaussian measurements stored in float32.
        var target = LowRankTarget.Asymmetric<double>(100, 100, rank: 5, conditionNumber: 20, seed: 1);
        var sensing = MeasurementOperators.Gaussian<double>(100, 100, m: 8000, seed: 2, StoragePrecision.Reduced);
        var problem = SensingProblem.Create(target, sensing);

        // Overparameterized (h = 20 > r* = 5) ScaledGD(λ) from a small random start, until the error is 1e-8.
        var result = new ScaledGradientDescent<double>().Solve(problem, new SolverOptions
        {
            Rank = 20, ErrorTolerance = 1e-8, TraceEvery = 25,
        });
        foreach (var t in result.Trace)
            console.WriteLine($"{t.Iteration,5}  error {t.RelativeError:E2}  residual {t.RelativeResidual:E2}");
        console.WriteLine($"{result.Status} after {result.Iterations} iterations, {result.Elapsed.TotalSeconds:F1} s");
        return result;
    }

    private static string Normalize(string text) => string.Join("\n", text.Replace("\r", "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    internal static string FindUpwards(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, name))) return Path.Combine(dir.FullName, name);
        throw new FileNotFoundException(name);
    }
}
