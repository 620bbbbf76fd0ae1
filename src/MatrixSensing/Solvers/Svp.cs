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

    internal override void Validate(SensingProblem<T> problem, SolverOptions options, int rank) =>
        MemoryGuard.EnsureFits(4L * problem.Rows * problem.Columns * System.Runtime.CompilerServices.Unsafe.SizeOf<T>(),
            $"SVP's dense {problem.Rows}×{problem.Columns} iterate and SVD");

    internal override UpdateRule<T> CreateRule(SolverState<T> state, SolverOptions options) => new Rule(state);

    private sealed class Rule : UpdateRule<T>
    {
        private readonly T[] _z, _g, _s, _left, _vt, _w;
        private readonly SvdWorkspace<T>? _svd;
        private readonly SymmetricEigenWorkspace<T>? _eigen;

        internal Rule(SolverState<T> state)
        {
            int n1 = state.Rows, n2 = state.Columns, k = Math.Min(n1, n2);
            _z = new T[n1 * n2];
            _g = new T[n1 * n2];
            if (state.Symmetric)
            {
                _eigen = new SymmetricEigenWorkspace<T>(n1);
                _w = new T[n1];
                _s = _left = _vt = [];
            }
            else
            {
                _svd = new SvdWorkspace<T>(n1, n2);
                _s = new T[k];
                _left = new T[n1 * k];
                _vt = new T[k * n2];
                _w = [];
            }
        }

        internal override void Update(SolverState<T> s, int iteration)
        {
            int n1 = s.Rows, n2 = s.Columns, h = s.Rank;
            s.Operator.ApplyAdjoint(s.Residual, _g);
            Blas.Gemm(Transpose.None, Transpose.Transposed, n1, n2, h, T.One, s.U, n1, s.V, n2, T.Zero, _z.AsSpan(), n1);
            Blas.Axpy<T>(-s.Step, _g, _z);
            if (s.Symmetric) ProjectPsd(s, n1, h);
            else ProjectRank(s, n1, n2, h);
        }

        private void ProjectRank(SolverState<T> s, int n1, int n2, int h)
        {
            int k = Math.Min(n1, n2);
            _svd!.Decompose(_z, n1, _s, _left, n1, _vt, k);
            for (int j = 0; j < h; j++)
            {
                T root = T.Sqrt(_s[j]);
                TensorPrimitives.Multiply<T>(_left.AsSpan(j * n1, n1), root, s.U.AsSpan(j * n1, n1));
                for (int i = 0; i < n2; i++) s.V[i + j * n2] = _vt[j + i * k] * root;
            }
        }

        private void ProjectPsd(SolverState<T> s, int n, int h)
        {
            var half = T.CreateTruncating(0.5);
            for (int j = 0; j < n; j++)
                for (int i = j; i < n; i++)
                    _z[i + j * n] = (_z[i + j * n] + _z[j + i * n]) * half;
            _eigen!.Decompose(_z, n, _w);
            for (int j = 0; j < h; j++)
            {
                int source = n - 1 - j; // eigenvalues ascend
                T root = T.Sqrt(T.Max(_w[source], T.Zero));
                TensorPrimitives.Multiply<T>(_z.AsSpan(source * n, n), root, s.U.AsSpan(j * n, n));
            }
        }
    }
}
