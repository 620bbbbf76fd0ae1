using MatrixSensing.Interop;
using MatrixSensing.LinearAlgebra;
using MatrixSensing.Random;

namespace MatrixSensing.Tests.Reliability;

/// <summary>
/// The OpenBLAS and LAPACK routines that stay on the solvers' path give bit-identical results wherever the
/// caller's buffers sit: each runs on the same data copied to offsets 0..7 elements of pinned buffers (every residue
/// of the address modulo 64 bytes, each buffer at its own offset) and the outputs are compared bit for bit. GEMM,
/// SYRK, TRSM (packed operands) and the level-1 routines are called directly; the LAPACK routines through our
/// wrappers, which give LAPACK 64-byte-aligned copies (see AlignedScratch).
/// </summary>
[Category("Determinism")]
public unsafe class NativeAlignmentTests
{
    private const int Offsets = 8;
    private const int Trials = 24;
    private static readonly List<double[]> Keep = [];

    private delegate void Body(double*[] inputs, double* output);

    private static double[] Normal(int length, ulong seed)
    {
        var x = new double[length];
        new RandomStream(seed, 5).FillNormal<double>(x, 1.0);
        return x;
    }

    /// <summary>
    /// Runs <paramref name="body"/> on the inputs copied to pinned buffers at offsets 0..7 elements, each buffer at
    /// its own offset (so their relative alignment varies too), and returns the outputs of every trial.
    /// </summary>
    private static List<double[]> AtEveryOffset(double[][] inputs, int outputLength, Body body)
    {
        var results = new List<double[]>();
        var offsets = new System.Random(17);
        for (int trial = 0; trial < Trials; trial++)
        {
            var pointers = new double*[inputs.Length];
            for (int k = 0; k < inputs.Length; k++)
            {
                int offset = trial < Offsets ? trial : offsets.Next(Offsets);
                var buffer = GC.AllocateArray<double>(inputs[k].Length + Offsets, pinned: true);
                inputs[k].CopyTo(buffer, offset);
                pointers[k] = (double*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref buffer[offset]);
                Keep.Add(buffer);
            }
            int outputOffset = trial < Offsets ? Offsets - 1 - trial : offsets.Next(Offsets);
            var output = GC.AllocateArray<double>(outputLength + Offsets, pinned: true);
            body(pointers, (double*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref output[outputOffset]));
            results.Add(output.AsSpan(outputOffset, outputLength).ToArray());
            Keep.Clear();
        }
        return results;
    }

    private static void AssertAllEqual(List<double[]> results, string what)
    {
        for (int k = 1; k < results.Count; k++)
            Assert.That(results[k], Is.EqualTo(results[0]), $"{what}: trial {k} differs from trial 0");
    }

    [TestCase(6, 5, 3)]
    [TestCase(40, 40, 4)]
    [TestCase(100, 100, 10)]
    [TestCase(37, 23, 5)]
    public void Level3_routines_do_not_depend_on_alignment(int m, int n, int k)
    {
        var a = Normal(m * k, 1);
        var b = Normal(n * k, 2);
        AssertAllEqual(AtEveryOffset([a, b], m * n, (p, c) =>
            Cblas.cblas_dgemm(CblasOrder.CblasColMajor, CblasTranspose.CblasNoTrans, CblasTranspose.CblasTrans, m, n, k, 1.0, p[0], m, p[1], n, 0.0, c, m)), "gemm NT");
        var g = Normal(m * n, 3);
        AssertAllEqual(AtEveryOffset([g, b], m * k, (p, c) =>
            Cblas.cblas_dgemm(CblasOrder.CblasColMajor, CblasTranspose.CblasNoTrans, CblasTranspose.CblasNoTrans, m, k, n, 1.0, p[0], m, p[1], n, 0.0, c, m)), "gemm NN");
        AssertAllEqual(AtEveryOffset([g, a], n * k, (p, c) =>
            Cblas.cblas_dgemm(CblasOrder.CblasColMajor, CblasTranspose.CblasTrans, CblasTranspose.CblasNoTrans, n, k, m, 1.0, p[0], m, p[1], m, 0.0, c, n)), "gemm TN");
        AssertAllEqual(AtEveryOffset([a], k * k, (p, c) =>
            Cblas.cblas_dsyrk(CblasOrder.CblasColMajor, CblasUplo.CblasUpper, CblasTranspose.CblasTrans, k, m, 1.0, p[0], m, 0.0, c, k)), "syrk");
    }

    [TestCase(1000)]
    [TestCase(1003)]
    public void Level1_routines_do_not_depend_on_alignment(int n)
    {
        var x = Normal(n, 4);
        var y = Normal(n, 5);
        AssertAllEqual(AtEveryOffset([x, y], 1, (p, c) => *c = Cblas.cblas_ddot(n, p[0], 1, p[1], 1)), "ddot");
        AssertAllEqual(AtEveryOffset([x], 1, (p, c) => *c = Cblas.cblas_dnrm2(n, p[0], 1)), "dnrm2");
        AssertAllEqual(AtEveryOffset([x, y], n, (p, c) =>
        {
            new Span<double>(p[1], n).CopyTo(new Span<double>(c, n));
            Cblas.cblas_daxpy(n, 0.3, p[0], 1, c, 1);
        }), "daxpy");
    }

    [TestCase(2, 16)]
    [TestCase(10, 100)]
    [TestCase(30, 37)]
    public void Cholesky_and_triangular_solves_do_not_depend_on_alignment(int h, int rows)
    {
        var x = Normal(3 * h * h, 6);
        var gram = new double[h * h];
        Blas.Gemm(Transpose.Transposed, Transpose.None, h, h, 3 * h, 1.0, x, 3 * h, x, 3 * h, 0.0, gram, h);
        var rhs = Normal(rows * h, 7);
        AssertAllEqual(AtEveryOffset([gram, rhs], h * h + rows * h, (p, c) =>
        {
            var factor = new Span<double>(p[0], h * h);
            var b = new Span<double>(p[1], rows * h);
            Lapack.CholeskyFactor<double>(factor, h, h);
            Blas.TriangularSolve<double>(Side.Right, Triangle.Lower, Transpose.Transposed, Diagonal.NonUnit, rows, h, 1.0, factor, h, b, rows);
            Blas.TriangularSolve<double>(Side.Right, Triangle.Lower, Transpose.None, Diagonal.NonUnit, rows, h, 1.0, factor, h, b, rows);
            factor.CopyTo(new Span<double>(c, h * h));
            b.CopyTo(new Span<double>(c + h * h, rows * h));
        }), "potrf + trsm");
    }

    [TestCase(16, 16)]
    [TestCase(40, 40)]
    [TestCase(100, 60)]
    public void Decompositions_do_not_depend_on_where_the_callers_buffers_sit(int m, int n)
    {
        // Through our workspaces, which hand LAPACK buffers at a fixed alignment: raw gesdd, syevd and geqrf on
        // OpenBLAS's SSE3 kernels give different last bits at different addresses.
        var a = Normal(m * n, 8);
        int k = Math.Min(m, n);
        var svd = new SvdWorkspace<double>(m, n);
        AssertAllEqual(AtEveryOffset([a], k + m * k + k * n, (p, c) =>
            svd.Decompose(new ReadOnlySpan<double>(p[0], m * n), m, new Span<double>(c, k), new Span<double>(c + k, m * k), m, new Span<double>(c + k + m * k, k * n), k)), "gesdd");
        AssertAllEqual(AtEveryOffset([a], k, (p, c) => svd.SingularValues(new ReadOnlySpan<double>(p[0], m * n), m, new Span<double>(c, k))), "gesdd values");
        var qr = new QrWorkspace<double>(m, n);
        AssertAllEqual(AtEveryOffset([a], m * n, (p, c) =>
        {
            var q = new Span<double>(p[0], m * n);
            qr.Orthonormalize(q, m);
            q.CopyTo(new Span<double>(c, m * n));
        }), "geqrf/orgqr");
        var sym = new double[n * n];
        Blas.Gemm(Transpose.Transposed, Transpose.None, n, n, m, 1.0, a, m, a, m, 0.0, sym, n);
        var eigen = new SymmetricEigenWorkspace<double>(n);
        AssertAllEqual(AtEveryOffset([sym], n + n * n, (p, c) =>
        {
            var vectors = new Span<double>(p[0], n * n);
            eigen.Decompose(vectors, n, new Span<double>(c, n));
            vectors.CopyTo(new Span<double>(c + n, n * n));
        }), "syevd");
    }
}
