using System.Numerics;
using System.Numerics.Tensors;
using MatrixSensing.LinearAlgebra;
using MatrixSensing.Problems;
using MatrixSensing.Random;

namespace MatrixSensing.Solvers;

/// <summary>
/// Top singular triplets of A*(y) (or top eigenpairs of sym(A*(y)) for symmetric problems), used for σ̂₁ and for
/// spectral initialization. Small problems take a dense SVD; large ones (where n1·n2 would not fit comfortably)
/// use subspace iteration through the operator's factored adjoint, so no n1×n2 matrix is formed. Setup only.
/// </summary>
internal static class SpectralEstimate
{
    private const long DenseLimit = 1_000_000;
    private const int SubspaceIterations = 40;
    private const int Oversampling = 6;

    /// <summary>Top-k values (descending) with left vectors P (n1×k) and right vectors Q (n2×k).</summary>
    internal readonly record struct Triplets<T>(T[] Values, T[] Left, T[] Right, int K);

    internal static Triplets<T> Compute<T>(SensingProblem<T> problem, int k, ulong seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        k = Math.Min(k, Math.Min(problem.Rows, problem.Columns));
        return (long)problem.Rows * problem.Columns <= DenseLimit ? Dense(problem, k) : Subspace(problem, k, seed);
    }

    private static Triplets<T> Dense<T>(SensingProblem<T> problem, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n1 = problem.Rows, n2 = problem.Columns;
        var g = new T[n1 * n2];
        problem.Operator.ApplyAdjoint(problem.Measurements, g);
        if (problem.IsSymmetric)
        {
            Symmetrize(g, n1);
            var w = new T[n1];
            new SymmetricEigenWorkspace<T>(n1).Decompose(g, n1, w);
            return TopEigen(g, w, n1, k);
        }
        int rank = Math.Min(n1, n2);
        var s = new T[rank];
        var u = new T[n1 * rank];
        var vt = new T[rank * n2];
        new SvdWorkspace<T>(n1, n2).Decompose(g, n1, s, u, n1, vt, rank);
        var right = new T[n2 * k];
        for (int j = 0; j < k; j++)
            for (int i = 0; i < n2; i++)
                right[i + j * n2] = vt[j + i * rank];
        return new Triplets<T>(s[..k], u[..(n1 * k)], right, k);
    }

    private static Triplets<T> Subspace<T>(SensingProblem<T> problem, int k, ulong seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n1 = problem.Rows, n2 = problem.Columns;
        int b = Math.Min(k + Oversampling, Math.Min(n1, n2));
        var op = problem.Operator;
        var ws = op.CreateWorkspace(b);
        var p = new T[n1 * b];
        var q = new T[n2 * b];
        var gq = new T[n1 * b];
        var gtp = new T[n2 * b];
        var rng = new RandomStream(seed, 0x5EC7UL);
        rng.FillNormal<T>(p, T.One);
        if (problem.IsSymmetric) p.AsSpan().CopyTo(q);
        else rng.FillNormal<T>(q, T.One);
        var qrP = new QrWorkspace<T>(n1, b);
        var qrQ = new QrWorkspace<T>(n2, b);
        qrP.Orthonormalize(p, n1);
        qrQ.Orthonormalize(q, n2);
        for (int it = 0; it < SubspaceIterations; it++)
        {
            if (problem.IsSymmetric)
            {
                op.AdjointFactored(problem.Measurements, p, p, ws, gq, gtp);
                TensorPrimitives.Add<T>(gq, gtp, p);
                qrP.Orthonormalize(p, n1);
            }
            else
            {
                // One call gives G·Q and Gᵀ·P: two interleaved power iterations.
                op.AdjointFactored(problem.Measurements, p, q, ws, gq, gtp);
                gq.AsSpan().CopyTo(p);
                gtp.AsSpan().CopyTo(q);
                qrP.Orthonormalize(p, n1);
                qrQ.Orthonormalize(q, n2);
            }
        }
        var small = new T[b * b];
        if (problem.IsSymmetric)
        {
            op.AdjointFactored(problem.Measurements, p, p, ws, gq, gtp);
            TensorPrimitives.Add<T>(gq, gtp, gq);
            TensorPrimitives.Multiply<T>(gq, T.CreateTruncating(0.5), gq);
            Blas.Gemm(Transpose.Transposed, Transpose.None, b, b, n1, T.One, p, n1, gq, n1, T.Zero, small.AsSpan(), b);
            Symmetrize(small, b);
            var w = new T[b];
            new SymmetricEigenWorkspace<T>(b).Decompose(small, b, w);
            var x = new T[n1 * b];
            Blas.Gemm(Transpose.None, Transpose.None, n1, b, b, T.One, p, n1, small, b, T.Zero, x.AsSpan(), n1);
            return TopEigen(x, w, n1, k);
        }
        op.AdjointFactored(problem.Measurements, p, q, ws, gq, gtp);
        Blas.Gemm(Transpose.Transposed, Transpose.None, b, b, n1, T.One, p, n1, gq, n1, T.Zero, small.AsSpan(), b);
        var s = new T[b];
        var ub = new T[b * b];
        var vbt = new T[b * b];
        new SvdWorkspace<T>(b, b).Decompose(small, b, s, ub, b, vbt, b);
        var left = new T[n1 * k];
        var right = new T[n2 * k];
        Blas.Gemm(Transpose.None, Transpose.None, n1, k, b, T.One, p, n1, ub, b, T.Zero, left.AsSpan(), n1);
        Blas.Gemm(Transpose.None, Transpose.Transposed, n2, k, b, T.One, q, n2, vbt, b, T.Zero, right.AsSpan(), n2);
        return new Triplets<T>(s[..k], left, right, k);
    }

    /// <summary>The k largest eigenpairs (descending) from ascending LAPACK output; left and right vectors coincide.</summary>
    private static Triplets<T> TopEigen<T>(T[] vectors, T[] ascending, int n, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[k];
        var top = new T[n * k];
        int count = ascending.Length;
        for (int j = 0; j < k; j++)
        {
            values[j] = ascending[count - 1 - j];
            vectors.AsSpan((count - 1 - j) * n, n).CopyTo(top.AsSpan(j * n, n));
        }
        return new Triplets<T>(values, top, top, k);
    }

    private static void Symmetrize<T>(Span<T> a, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var half = T.CreateTruncating(0.5);
        for (int j = 0; j < n; j++)
            for (int i = j; i < n; i++)
            {
                T s = (a[i + j * n] + a[j + i * n]) * half;
                a[i + j * n] = s;
                a[j + i * n] = s;
            }
    }
}
