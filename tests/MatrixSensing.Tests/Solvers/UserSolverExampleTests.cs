using System.Numerics;
using MatrixSensing.Solvers;

namespace MatrixSensing.Tests.Solvers;

/// <summary>
/// The user-defined solver of docs/algorithms.md, compiled here verbatim (outside the library, through its public rule
/// API only): the document must contain exactly this code, β = 0 must reproduce GD bit for bit, and momentum must
/// converge.
/// </summary>
public class UserSolverExampleTests
{
    [Test]
    public void The_document_shows_this_code_verbatim()
    {
        // The last markers: in this file the first ones are the string literals below.
        string Region(string text) => text[text.LastIndexOf("// docs:begin user-solver", StringComparison.Ordinal)..
            (text.LastIndexOf("// docs:end user-solver", StringComparison.Ordinal) + "// docs:end user-solver".Length)].Replace("\r", "", StringComparison.Ordinal);
        string doc = File.ReadAllText(FindUpwards(Path.Combine("docs", "algorithms.md")));
        string source = File.ReadAllText(FindUpwards(Path.Combine("tests", "MatrixSensing.Tests", "Solvers", "UserSolverExampleTests.cs")));
        Assert.That(Region(doc), Is.EqualTo(Region(source)));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void With_beta_zero_it_is_GD_bit_for_bit(bool symmetric)
    {
        var problem = symmetric ? TestProblems.Symmetric(n: 12, rank: 2, kappa: 3, m: 300) : TestProblems.Asymmetric(n: 12, rank: 2, kappa: 3, m: 300);
        var options = new SolverOptions { Rank = 3, MaxIterations = 40, Step = Magnitude.Relative(0.3), Initialization = Initialization.SmallRandom(1e-3) };
        var mine = new MomentumGd<double>(0).Solve(problem, options);
        var gd = new GradientDescent<double>().Solve(problem, options);
        Assert.That(mine.Left.Data, Is.EqualTo(gd.Left.Data));
    }

    [Test]
    public void Momentum_converges_and_allocates_nothing_per_step()
    {
        var problem = TestProblems.Asymmetric(n: 12, rank: 2, kappa: 3, m: 300);
        var result = new MomentumGd<double>(0.5).Solve(problem, new SolverOptions { Rank = 2, MaxIterations = 3000, ErrorTolerance = 1e-8, Initialization = Initialization.SmallRandom(1e-6) });
        Assert.That(result.Status, Is.EqualTo(SolverStatus.Converged), $"error {result.Final.RelativeError}");
        var session = new MomentumGd<double>(0.5).Start(problem, new SolverOptions { Rank = 3, MaxIterations = 10_000, TraceEvery = 10 });
        for (int i = 0; i < 60; i++) session.Step();
        Assert.That(AllocationProbe.Measure(() => { for (int i = 0; i < 100; i++) session.Step(); }), Is.Zero);
    }

    private static string FindUpwards(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}

// docs:begin user-solver
public sealed class MomentumGd<T>(double beta) : Solver<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public override string Name => "Momentum GD";

    public override Magnitude DefaultStep => Magnitude.Relative(0.3);

    protected override AsymmetricRule<T> CreateAsymmetricRule(RuleSetup<T> setup) => new Asymmetric(setup, T.CreateTruncating(beta));

    protected override SymmetricRule<T> CreateSymmetricRule(RuleSetup<T> setup) => new Symmetric(setup, T.CreateTruncating(beta));

    private sealed class Asymmetric(RuleSetup<T> setup, T beta) : AsymmetricRule<T>
    {
        // The rule's own directions, kept across iterations: D ← ∇f + β·D.
        private readonly T[] _du = new T[setup.Rows * setup.Rank], _dv = new T[setup.Columns * setup.Rank];

        public override Move<T> Compute(AsymmetricIterate<T> it)
        {
            for (int i = 0; i < _du.Length; i++) _du[i] = it.GradientU[i] + beta * _du[i];
            for (int i = 0; i < _dv.Length; i++) _dv[i] = it.GradientV[i] + beta * _dv[i];
            return Move.Descent(it.Step, _du, _dv);
        }
    }

    private sealed class Symmetric(RuleSetup<T> setup, T beta) : SymmetricRule<T>
    {
        private readonly T[] _dx = new T[setup.Rows * setup.Rank];

        public override Move<T> Compute(SymmetricIterate<T> it)
        {
            for (int i = 0; i < _dx.Length; i++) _dx[i] = it.Gradient[i] + beta * _dx[i];
            return Move.Descent(it.Step, _dx);
        }
    }
}
// docs:end user-solver
