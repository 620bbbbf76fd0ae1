using System.Numerics;
using MathNet.Numerics.LinearAlgebra;
using MatrixSensing.Operators;
using MatrixSensing.Problems;
using MatrixSensing.Random;
using MatrixSensing.Solvers;
using Ref = MathNet.Numerics.LinearAlgebra.Matrix<double>;

namespace MatrixSensing.Tests.Solvers;

/// <summary>
/// One update of every solver, asymmetric and symmetric, in float and double, against the SPEC §3–§4 formulas written
/// here with MathNet's managed matrices from the measurement matrices A_i themselves (G = Σ r_i A_i, never our factored
/// products): the move X⁺ − X must agree to 1e-12 relative (float: 1e-5). The measurement matrices are not symmetric,
/// so a symmetric update that used G·X or Gᵀ·X instead of sym(G)·X fails as well.
/// </summary>
[TestFixture(typeof(double))]
[TestFixture(typeof(float))]
public class OneStepOracleTests<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int N1 = 9, N2 = 7, H = 3, M = 160;
    private const double Eta = 0.05, Lambda = 0.3, PrecGdC = 0.7;
    private static double Tolerance => typeof(T) == typeof(float) ? 1e-5 : 1e-12;

    /// <summary>One seeded problem: A_i with entries N(0, 1/m) (not symmetric), y and the starting factors, all rounded to T.</summary>
    private sealed record Case(SensingProblem<T> Problem, Ref[] A, double[] Y, Ref U, Ref V, bool Symmetric)
    {
        public static Case Build(bool symmetric)
        {
            int n2 = symmetric ? N1 : N2;
            var data = new T[M * N1 * n2];
            var rng = new RandomStream(21, symmetric ? 5UL : 6UL);
            rng.FillNormal<T>(data, T.CreateTruncating(1 / Math.Sqrt(M)));
            var y = new T[M];
            rng.FillNormal<T>(y, T.One);
            var u = new T[N1 * H];
            var v = new T[n2 * H];
            rng.FillNormal<T>(u, T.CreateTruncating(0.6));
            rng.FillNormal<T>(v, T.CreateTruncating(0.6));
            var op = new DenseOperator<T>(N1, n2, M, data);
            var problem = SensingProblem.FromMeasurements(op, y, symmetric);
            var a = Enumerable.Range(0, M).Select(i => Ref.Build.Dense(N1, n2, (r, c) => D(data[i * N1 * n2 + r + c * N1]))).ToArray();
            var refU = Ref.Build.Dense(N1, H, (r, c) => D(u[r + c * N1]));
            var refV = symmetric ? refU : Ref.Build.Dense(n2, H, (r, c) => D(v[r + c * n2]));
            return new Case(problem, a, [.. y.Select(D)], refU, refV, symmetric);
        }

        public Initialization Start => Symmetric
            ? Initialization.Given(ToMatrix(U))
            : Initialization.Given(ToMatrix(U), ToMatrix(V));

        /// <summary>r_i = ⟨A_i, UVᵀ⟩ − y_i.</summary>
        public double[] Residual(Ref u, Ref v)
        {
            var z = u * v.Transpose();
            return [.. A.Select((ai, i) => ai.PointwiseMultiply(z).Enumerate().Sum() - Y[i])];
        }

        /// <summary>G = Σ_{i∈rows} weight·r_i A_i.</summary>
        public Ref Adjoint(double[] r, IEnumerable<int>? rows = null, double weight = 1)
        {
            var g = Ref.Build.Dense(A[0].RowCount, A[0].ColumnCount);
            foreach (int i in rows ?? Enumerable.Range(0, M)) g += A[i] * (weight * r[i]);
            return g;
        }
    }

    private static double D(T value) => double.CreateTruncating(value);

    private static MatrixSensing.LinearAlgebra.Matrix<T> ToMatrix(Ref m)
    {
        var result = new MatrixSensing.LinearAlgebra.Matrix<T>(m.RowCount, m.ColumnCount);
        for (int j = 0; j < m.ColumnCount; j++)
            for (int i = 0; i < m.RowCount; i++)
                result[i, j] = T.CreateTruncating(m[i, j]);
        return result;
    }

    private static Ref FromSpan(ReadOnlySpan<T> data, int rows)
    {
        var values = new double[data.Length];
        for (int k = 0; k < data.Length; k++) values[k] = D(data[k]);
        return Ref.Build.Dense(rows, data.Length / rows, values);
    }

    private static Ref Sym(Ref g) => (g + g.Transpose()) / 2;

    private static Ref Damped(Ref f, double lambda) => f.TransposeThisAndMultiply(f) + Ref.Build.DenseIdentity(f.ColumnCount) * lambda;

    /// <summary>The SPEC update, computed here: returns (U⁺, V⁺) (V⁺ = U⁺ for the symmetric model).</summary>
    private static (Ref U, Ref V) Spec(string solver, Case c, SolverOptions options)
    {
        Ref u = c.U, v = c.V;
        double[] r = c.Residual(u, v);
        double residualNorm = Math.Sqrt(r.Sum(x => x * x));
        switch (solver)
        {
            case "gd":
            {
                var g = c.Adjoint(r);
                if (c.Symmetric) { var x = u - Sym(g) * u * Eta; return (x, x); }
                return (u - g * v * Eta, v - g.Transpose() * u * Eta);
            }
            case "sgd":
            {
                int b = options.BatchSize!.Value;
                var batch = new EpochSampler(M, new RandomStream(options.Seed, 0x5CD0UL), dropIncompleteBatch: true).NextBatch(b).ToArray();
                var g = c.Adjoint(r, batch, (double)M / b);
                if (c.Symmetric) { var x = u - Sym(g) * u * Eta; return (x, x); }
                return (u - g * v * Eta, v - g.Transpose() * u * Eta);
            }
            case "scaledgd-lambda" or "scaledgd" or "precgd":
            {
                double lambda = solver switch { "scaledgd" => 0, "precgd" => PrecGdC * residualNorm, _ => Lambda };
                var g = c.Adjoint(r);
                if (c.Symmetric)
                {
                    var x = u - Sym(g) * u * Damped(u, lambda).Inverse() * Eta;
                    return (x, x);
                }
                return (u - g * v * Damped(v, lambda).Inverse() * Eta, v - g.Transpose() * u * Damped(u, lambda).Inverse() * Eta);
            }
            case "svp":
            {
                var z = u * v.Transpose() - c.Adjoint(r) * Eta;
                if (c.Symmetric)
                {
                    var evd = Sym(z).Evd(Symmetricity.Symmetric);
                    var order = Enumerable.Range(0, z.RowCount).OrderByDescending(k => evd.EigenValues[k].Real).Take(H).ToArray();
                    var x = Ref.Build.Dense(z.RowCount, H, (i, j) => evd.EigenVectors[i, order[j]] * Math.Sqrt(Math.Max(evd.EigenValues[order[j]].Real, 0)));
                    return (x, x);
                }
                var svd = z.Svd();
                var left = Ref.Build.Dense(z.RowCount, H, (i, j) => svd.U[i, j] * Math.Sqrt(svd.S[j]));
                var right = Ref.Build.Dense(z.ColumnCount, H, (i, j) => svd.VT[j, i] * Math.Sqrt(svd.S[j]));
                return (left, right);
            }
            case "agn":
            {
                // SPEC §10, alternating: U⁺ = U − η·G·V·(VᵀV)^†, then G at (U⁺, V), V⁺ = V − η·Gᵀ·U⁺·(U⁺ᵀU⁺)^†.
                var g = c.Adjoint(r);
                var u1 = u - g * v * v.TransposeThisAndMultiply(v).PseudoInverse() * Eta;
                var g1 = c.Adjoint(c.Residual(u1, v));
                return (u1, v - g1.Transpose() * u1 * u1.TransposeThisAndMultiply(u1).PseudoInverse() * Eta);
            }
            default: throw new ArgumentException($"no SPEC formula for {solver} in this test: add it", nameof(solver));
        }
    }

    private static IEnumerable<TestCaseData> Cases() =>
        from descriptor in SolverRegistry.All
        from symmetric in new[] { false, true }
        // Sensing solvers on a dense operator; the completion-only ones (per-entry updates) are tested with their own operator.
        where !descriptor.NeedsEntrySampling && (!symmetric || descriptor.SupportsSymmetric)
        select new TestCaseData(descriptor.Name, symmetric).SetArgDisplayNames(descriptor.Name, symmetric ? "symmetric" : "asymmetric");

    [TestCaseSource(nameof(Cases))]
    public void One_step_equals_the_SPEC_formula(string solver, bool symmetric)
    {
        var c = Case.Build(symmetric);
        var options = new SolverOptions
        {
            Rank = H, MaxIterations = 5, Step = Magnitude.Absolute(Eta), Lambda = solver == "scaledgd" ? null : Magnitude.Absolute(Lambda),
            PrecGdConstant = PrecGdC, BatchSize = solver == "sgd" ? M / 4 : null, Seed = 9, Initialization = c.Start,
        };
        var session = SolverFactory.Create<T>(solver).Start(c.Problem, options);
        Assert.That(session.Step(), Is.True, $"{session.Status}: {session.Failure?.Message}");

        var (expectedU, expectedV) = Spec(solver, c, options);
        var u = FromSpan(session.Left, N1);
        var v = FromSpan(session.Right, c.V.RowCount);
        if (solver == "svp")
        {
            // Factors of a truncated SVD are unique only up to column signs: compare the estimates, and their moves.
            var before = c.U * c.V.Transpose();
            AssertMove(u * v.Transpose() - before, expectedU * expectedV.Transpose() - before, "UVᵀ");
            return;
        }
        AssertMove(u - c.U, expectedU - c.U, symmetric ? "X" : "U");
        if (!symmetric) AssertMove(v - c.V, expectedV - c.V, "V");
    }

    /// <summary>
    /// The test's power, on the same state: the symmetric update this library computed before (the preconditioned
    /// direction averaged with the raw Gᵀ·X), X⁺ = X − (η/2)·[sym(G)X(XᵀX + λI)⁻¹ + GᵀX], is far outside the tolerance.
    /// </summary>
    [Test]
    public void The_old_mixed_symmetric_update_is_far_outside_the_tolerance()
    {
        var c = Case.Build(symmetric: true);
        var options = new SolverOptions { Rank = H, Step = Magnitude.Absolute(Eta), Lambda = Magnitude.Absolute(Lambda), Initialization = c.Start };
        var (spec, _) = Spec("scaledgd-lambda", c, options);
        var x = c.U;
        var g = c.Adjoint(c.Residual(x, x));
        var mixed = x - (Sym(g) * x * Damped(x, Lambda).Inverse() + g.Transpose() * x) * (Eta / 2);
        double relative = ((mixed - x) - (spec - x)).FrobeniusNorm() / (spec - x).FrobeniusNorm();
        Assert.That(relative, Is.GreaterThan(1e4 * Tolerance), $"the mixed update differs by {relative:E2} only");
    }

    private static void AssertMove(Ref actual, Ref expected, string what)
    {
        double relative = (actual - expected).FrobeniusNorm() / expected.FrobeniusNorm();
        Assert.That(relative, Is.LessThanOrEqualTo(Tolerance), $"{what}: the move differs from the SPEC formula by {relative:E2} (relative)");
    }
}
