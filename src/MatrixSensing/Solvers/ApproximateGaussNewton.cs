using System.Numerics;
using MatrixSensing.LinearAlgebra;

namespace MatrixSensing.Solvers;

/// <summary>
/// Approximate Gauss–Newton (AGN; Jia, Feng, Meng and Sun, NeurIPS 2024), asymmetric and alternating (SPEC §10):
/// with G = A*(A(UVᵀ) − y), U⁺ = U − η·G·V·(VᵀV)^†; then G is evaluated again at (U⁺, V) and
/// V⁺ = V − η·Gᵀ·U⁺·(U⁺ᵀU⁺)^†. The products with the pseudo-inverses come from least squares on the h×h Gram
/// matrices (gelsd), never from an explicit inverse, so a rank-deficient factor is handled without damping.
/// Each iteration costs two residual-and-gradient passes (one per half step). Defaults: η = 0.5 (absolute: the
/// step is scale-free, as the authors use it), random Gaussian initialization with variance 1/n
/// (<see cref="Initialization.SmallRandom"/> with α = 1). No symmetric form.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public sealed class ApproximateGaussNewton<T> : Solver<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override string Name => "AGN";

    /// <inheritdoc/>
    public override Magnitude DefaultStep => Magnitude.Absolute(0.5);

    /// <summary>SmallRandom(1): entries N(0, 1/n), the paper's initialization.</summary>
    public override Initialization DefaultInitialization => Initialization.SmallRandom(1);

    /// <inheritdoc/>
    protected override AsymmetricRule<T> CreateAsymmetricRule(RuleSetup<T> setup) => new Rule(setup);

    /// <summary>AGN is defined for the asymmetric model only.</summary>
    protected override SymmetricRule<T>? CreateSymmetricRule(RuleSetup<T> setup) => null;

    /// <summary>The alternating step; every buffer is sized here, so <see cref="Compute"/> allocates nothing.</summary>
    private sealed class Rule : AsymmetricRule<T>
    {
        private readonly int _n1, _n2, _h;
        private readonly T[] _nextU, _nextV, _residual, _gradientU, _gradientV, _gram, _transposed;
        private readonly LeastSquaresWorkspace<T> _leastSquares;
        private readonly double _rcond;

        internal Rule(RuleSetup<T> setup)
        {
            (_n1, _n2, _h) = (setup.Rows, setup.Columns, setup.Rank);
            _nextU = new T[_n1 * _h];
            _nextV = new T[_n2 * _h];
            _residual = new T[setup.Problem.Count];
            _gradientU = new T[_n1 * _h];
            _gradientV = new T[_n2 * _h];
            _gram = new T[_h * _h];
            _transposed = new T[_h * Math.Max(_n1, _n2)];
            _leastSquares = new LeastSquaresWorkspace<T>(_h, _h, Math.Max(_n1, _n2));
            // MATLAB's pinv cut-off (max(size)·eps·σ₁), which the authors' code relies on.
            _rcond = _h * double.CreateTruncating(T.BitIncrement(T.One) - T.One);
        }

        public override Move<T> Compute(AsymmetricIterate<T> it)
        {
            // U⁺ = U − η·(G·V)·(VᵀV)^†, with G·V the gradient the session evaluated at (U, V).
            it.U.CopyTo(_nextU);
            Descend(it.GradientU, _n1, it.V, _n2, it.Step, _nextU, it.Iteration, "V");
            // V⁺ = V − η·(G'ᵀ·U⁺)·(U⁺ᵀU⁺)^† with G' = A*(A(U⁺Vᵀ) − y): the second half step sees the moved U.
            it.Evaluator.Gradient(_nextU, it.V, _residual, _gradientU, _gradientV);
            it.V.CopyTo(_nextV);
            Descend(_gradientV, _n2, _nextU, _n1, it.Step, _nextV, it.Iteration, "U⁺");
            return Move.Replace(_nextU, _nextV);
        }

        /// <summary>target ← target − η·gradient·(FᵀF)^† for an n×h gradient and an m×h factor F.</summary>
        private void Descend(ReadOnlySpan<T> gradient, int rows, ReadOnlySpan<T> factor, int factorRows, T step, Span<T> target, int iteration, string name)
        {
            int h = _h;
            Blas.Gemm(Transpose.Transposed, Transpose.None, h, h, factorRows, T.One, factor, factorRows, factor, factorRows, T.Zero, _gram.AsSpan(), h);
            // gelsd solves (FᵀF)·W = gradientᵀ for W = (FᵀF)^†·gradientᵀ (h×rows); FᵀF is symmetric, so Wᵀ is the direction.
            var b = _transposed.AsSpan(0, h * rows);
            for (int j = 0; j < h; j++)
                for (int i = 0; i < rows; i++)
                    b[j + i * h] = gradient[i + j * rows];
            try
            {
                _leastSquares.Solve(_gram, h, b, rows, h, _rcond);
            }
            catch (ArgumentException e)
            {
                throw new SolverException($"Iteration {iteration}: AGN's Gram matrix {name}ᵀ{name} is not finite.", iteration, e);
            }
            for (int j = 0; j < h; j++)
                for (int i = 0; i < rows; i++)
                    target[i + j * rows] -= step * b[j + i * h];
        }
    }
}

/// <summary>The registry entry of <see cref="ApproximateGaussNewton{T}"/>.</summary>
internal sealed class ApproximateGaussNewtonDescriptor : SolverDescriptor
{
    public override string Name => "agn";
    public override string DisplayName => "AGN";
    public override string Description => "approximate Gauss–Newton, alternating, pseudo-inverse preconditioners, asymmetric only (Jia, Feng, Meng & Sun)";
    public override bool SupportsSymmetric => false;
    public override SolverKind? Kind => SolverKind.AGN;
    public override Solver<T> Create<T>(SolverSpecificOptions? options = null) => new ApproximateGaussNewton<T>();
}
