using System.Numerics;
using System.Numerics.Tensors;
using MatrixSensing.LinearAlgebra;
using MatrixSensing.Problems;

namespace MatrixSensing.Solvers;

/// <summary>
/// Singular value projection (Jain, Meka and Dhillon): Z⁺ = P_h(Z − η·A*(A(Z) − y)) with P_h the best rank-h
/// approximation by truncated SVD (gesdd); symmetric problems project onto rank-h PSD matrices by eigen-decomposition.
/// The iterate is kept as factors U = P√Σ, V = Q√Σ so that residuals and metrics share the factored route; each
/// update forms one dense n1×n2 matrix. Defaults: η = 0.5 (absolute; η = 1 is on the edge of divergence when m is near the degrees of freedom), spectral initialization.
/// </summary>
/// <typeparam name="T">Compute precision.</typeparam>
public sealed class Svp<T> : Solver<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override string Name => "SVP";

    /// <inheritdoc/>
    public override Magnitude DefaultStep => Magnitude.Absolute(0.5);

    /// <inheritdoc/>
    public override Initialization DefaultInitialization => Initialization.Spectral;

    /// <inheritdoc/>
    protected override void Validate(SensingProblem<T> problem, SolverOptions options, int rank) =>
        MemoryGuard.EnsureFits(4L * problem.Rows * problem.Columns * System.Runtime.CompilerServices.Unsafe.SizeOf<T>(),
            $"SVP's dense {problem.Rows}×{problem.Columns} iterate and SVD");

    /// <summary>SVP reads the residual only: A*(r) is formed densely.</summary>
    protected override AsymmetricRule<T> CreateAsymmetricRule(RuleSetup<T> setup) => new Asymmetric(setup);

    /// <inheritdoc/>
    protected override SymmetricRule<T> CreateSymmetricRule(RuleSetup<T> setup) => new Symmetric(setup);

    /// <summary>Z = UVᵀ − η·A*(r), projected onto rank h by a truncated SVD; the next factors U = P√Σ, V = Q√Σ.</summary>
    private sealed class Asymmetric : AsymmetricRule<T>
    {
        private readonly T[] _z, _g, _s, _left, _vt, _u, _v;
        private readonly SvdWorkspace<T> _svd;
        private readonly int _n1, _n2, _h;

        internal Asymmetric(RuleSetup<T> setup)
        {
            (_n1, _n2, _h) = (setup.Rows, setup.Columns, setup.Rank);
            int k = Math.Min(_n1, _n2);
            _z = new T[_n1 * _n2];
            _g = new T[_n1 * _n2];
            _svd = new SvdWorkspace<T>(_n1, _n2);
            _s = new T[k];
            _left = new T[_n1 * k];
            _vt = new T[k * _n2];
            _u = new T[_n1 * _h];
            _v = new T[_n2 * _h];
        }

        public override IterateEvaluation Needs => IterateEvaluation.Residual;

        public override Move<T> Compute(AsymmetricIterate<T> it)
        {
            int n1 = _n1, n2 = _n2, h = _h, k = Math.Min(n1, n2);
            it.Evaluator.Adjoint(it.Residual, _g);
            Blas.Gemm(Transpose.None, Transpose.Transposed, n1, n2, h, T.One, it.U, n1, it.V, n2, T.Zero, _z.AsSpan(), n1);
            Blas.Axpy<T>(-it.Step, _g, _z);
            _svd.Decompose(_z, n1, _s, _left, n1, _vt, k);
            for (int j = 0; j < h; j++)
            {
                T root = T.Sqrt(_s[j]);
                TensorPrimitives.Multiply<T>(_left.AsSpan(j * n1, n1), root, _u.AsSpan(j * n1, n1));
                for (int i = 0; i < n2; i++) _v[i + j * n2] = _vt[j + i * k] * root;
            }
            return Move.Replace(_u, _v);
        }
    }

    /// <summary>Z = XXᵀ − η·sym(A*(r)), projected onto rank-h PSD matrices (eigen-decomposition, negative eigenvalues dropped).</summary>
    private sealed class Symmetric : SymmetricRule<T>
    {
        private readonly T[] _z, _g, _w, _x;
        private readonly SymmetricEigenWorkspace<T> _eigen;
        private readonly int _n, _h;

        internal Symmetric(RuleSetup<T> setup)
        {
            (_n, _h) = (setup.Rows, setup.Rank);
            _z = new T[_n * _n];
            _g = new T[_n * _n];
            _eigen = new SymmetricEigenWorkspace<T>(_n);
            _w = new T[_n];
            _x = new T[_n * _h];
        }

        public override IterateEvaluation Needs => IterateEvaluation.Residual;

        public override Move<T> Compute(SymmetricIterate<T> it)
        {
            int n = _n, h = _h;
            it.Evaluator.Adjoint(it.Residual, _g);
            Blas.Gemm(Transpose.None, Transpose.Transposed, n, n, h, T.One, it.X, n, it.X, n, T.Zero, _z.AsSpan(), n);
            Blas.Axpy<T>(-it.Step, _g, _z);
            var half = T.CreateTruncating(0.5);
            for (int j = 0; j < n; j++)
                for (int i = j; i < n; i++)
                    _z[i + j * n] = (_z[i + j * n] + _z[j + i * n]) * half;
            _eigen.Decompose(_z, n, _w);
            for (int j = 0; j < h; j++)
            {
                int source = n - 1 - j; // eigenvalues ascend
                T root = T.Sqrt(T.Max(_w[source], T.Zero));
                TensorPrimitives.Multiply<T>(_z.AsSpan(source * n, n), root, _x.AsSpan(j * n, n));
            }
            return Move.Replace(_x);
        }
    }
}

/// <summary>The registry entry of <see cref="Svp{T}"/>.</summary>
internal sealed class SvpDescriptor : SolverDescriptor
{
    public override string Name => "svp";
    public override string DisplayName => "SVP";
    public override string Description => "singular value projection: a gradient step on UVᵀ, then the best rank-h approximation (Jain, Meka & Dhillon)";
    public override SolverKind? Kind => SolverKind.SVP;
    public override Solver<T> Create<T>(SolverSpecificOptions? options = null) => new Svp<T>();
}
