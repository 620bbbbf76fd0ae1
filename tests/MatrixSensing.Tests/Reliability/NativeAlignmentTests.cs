using MatrixSensing.Interop;
using MatrixSensing.LinearAlgebra;
using MatrixSensing.Random;

namespace MatrixSensing.Tests.Reliability;

/// <summary>
/// The OpenBLAS and LAPACK routines that stay on the solvers' path give bit-identical results wherever their
/// buffers sit: each routine runs on the same data copied to offsets 0..7 elements of a pinned buffer (every
/// residue of the address modulo 64 bytes) and the outputs are compared bit for bit.
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

    private static void Ok(int info) => Assert.That(info, Is.Zero, "LAPACK info");

    private static void AssertAllEqual(List<double[]> results, string what)
    {
        for (int k = 1; k < results.Count; k++)
            Assert.That(results[k], Is.EqualTo(results[0]), $"{what}: trial {k} differs from trial 0");
    }

    [TestCase(6, 5, 3)]
    [TestCase(40, 40, 4)]
    [TestCase(100, 100, 10)]
    [TestCase(37, 23, 5)]
    public void Gemm_does_not_depend_on_alignment(int m, int n, int k)
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
    public void Level1_routines_are_compared(int n)
    {
        var x = Normal(n, 4);
        var y = Normal(n, 5);
        AssertAllEqual(AtEveryOffset([x, y], 1, (p, c) => *c = Cblas.cblas_ddot(n, p[0], 1, p[1], 1)), "ddot");
        AssertAllEqual(AtEveryOffset([x], 1, (p, c) => *c = Cblas.cblas_dnrm2(n, p[0], 1)), "dnrm2");
        var a = Normal(n * 30, 6);
        AssertAllEqual(AtEveryOffset([a, x], 30, (p, c) =>
            Cblas.cblas_dgemv(CblasOrder.CblasColMajor, CblasTranspose.CblasTrans, n, 30, 1.0, p[0], n, p[1], 1, 0.0, c, 1)), "dgemv T");
    }

    [TestCase(2)]
    [TestCase(4)]
    [TestCase(10)]
    [TestCase(30)]
    public void Lapack_factorizations_are_compared(int h)
    {
        var x = Normal(3 * h * h, 6);
        var gram = new double[h * h];
        Blas.Gemm(Transpose.Transposed, Transpose.None, h, h, 3 * h, 1.0, x, 3 * h, x, 3 * h, 0.0, gram, h);
        var rhs = Normal(40 * h, 7);
        AssertAllEqual(AtEveryOffset([gram, rhs], h * h + 40 * h, (p, c) =>
        {
            Ok(Lapacke.LAPACKE_dpotrf_work(102, (byte)'U', h, p[0], h));
            Ok(Lapacke.LAPACKE_dpotrs_work(102, (byte)'U', h, 40, p[0], h, p[1], h));
            new Span<double>(p[0], h * h).CopyTo(new Span<double>(c, h * h));
            new Span<double>(p[1], 40 * h).CopyTo(new Span<double>(c + h * h, 40 * h));
        }), "potrf/potrs");
    }

    [TestCase(16, 16)]
    [TestCase(40, 40)]
    [TestCase(100, 60)]
    public void Lapack_decompositions_are_compared(int m, int n)
    {
        var a = Normal(m * n, 8);
        int k = Math.Min(m, n);
        double lw;
        var iwork = GC.AllocateArray<int>(8 * k, pinned: true);
        int* pi = (int*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref iwork[0]);
        {
            var copy = (double[])a.Clone();
            fixed (double* pa = copy)
                Ok(Lapacke.LAPACKE_dgesdd_work(102, (byte)'S', m, n, pa, m, null, null, m, null, k, &lw, -1, pi));
            int lwork = (int)lw + 64;
            var work = Normal(lwork, 9);
            AssertAllEqual(AtEveryOffset([a, work], k + m * k + k * n, (p, c) =>
                Ok(Lapacke.LAPACKE_dgesdd_work(102, (byte)'S', m, n, p[0], m, c, c + k, m, c + k + m * k, k, p[1], lwork, pi))), "gesdd");
            var tau = GC.AllocateArray<double>(k, pinned: true);
            double* pt = (double*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref tau[0]);
            AssertAllEqual(AtEveryOffset([a, work], m * n, (p, c) =>
            {
                {
                    Ok(Lapacke.LAPACKE_dgeqrf_work(102, m, n, p[0], m, pt, p[1], lwork));
                    Ok(Lapacke.LAPACKE_dorgqr_work(102, m, k, k, p[0], m, pt, p[1], lwork));
                }
                new Span<double>(p[0], m * k).CopyTo(new Span<double>(c, m * k));
            }), "geqrf/orgqr");
            GC.KeepAlive(tau);
        }
        var sym = new double[n * n];
        Blas.Gemm(Transpose.Transposed, Transpose.None, n, n, m, 1.0, a, m, a, m, 0.0, sym, n);
        var ework = Normal(4 * n * n + 64 * n, 10);
        var eiwork = GC.AllocateArray<int>(5 * n + 3, pinned: true);
        int* pe = (int*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref eiwork[0]);
            AssertAllEqual(AtEveryOffset([sym, ework], n + n * n, (p, c) =>
            {
                Ok(Lapacke.LAPACKE_dsyevd_work(102, (byte)'V', (byte)'U', n, p[0], n, c, p[1], 4 * n * n + 64 * n, pe, 5 * n + 3));
                new Span<double>(p[0], n * n).CopyTo(new Span<double>(c + n, n * n));
            }), "syevd");
        GC.KeepAlive(iwork);
        GC.KeepAlive(eiwork);
    }
}
