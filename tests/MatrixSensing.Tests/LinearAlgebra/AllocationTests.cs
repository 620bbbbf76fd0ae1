using System.Numerics;
using System.Runtime.CompilerServices;
using MatrixSensing.LinearAlgebra;

namespace MatrixSensing.Tests.LinearAlgebra;

/// <summary>
/// Every wrapper, called repeatedly with its buffers (and workspace) allocated once, allocates nothing:
/// bytes counted by <see cref="GC.GetAllocatedBytesForCurrentThread"/> over 1000 calls after a warm-up call.
/// </summary>
[TestFixture(typeof(float))]
[TestFixture(typeof(double))]
public class AllocationTests<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int Calls = 1000;
    private const int M = 12, N = 8;

    private T[] _tall = null!, _square = null!, _spd = null!, _symmetric = null!, _work = null!, _out = null!, _x = null!, _y = null!;

    [SetUp]
    public void CreateBuffers()
    {
        _tall = Dense.Pack<T>(Dense.Random<T>(M, N, 111), M);
        _square = Dense.Pack<T>(Dense.Random<T>(N, N, 112) + MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseIdentity(N) * 4, N);
        _spd = Dense.Pack<T>(Dense.SymmetricPositiveDefinite<T>(N, 113), N);
        var b = Dense.Random<T>(N, N, 114);
        _symmetric = Dense.Pack<T>(b + b.Transpose(), N);
        _work = new T[M * M];
        _out = new T[M * M];
        _x = Dense.Pack<T>(Dense.RandomVector<T>(M, 115));
        _y = Dense.Pack<T>(Dense.RandomVector<T>(M, 116));
    }

    /// <summary>Fully optimized at once, so no tiering or on-stack replacement of the loop runs during the count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static long AllocatedBytes(Action call)
    {
        call();
        return AllocationProbe.Measure(() =>
        {
            for (int i = 0; i < Calls; i++) call();
        });
    }

    private static void AssertNoAllocation(Action call) => Assert.That(AllocatedBytes(call), Is.Zero, "bytes allocated over 1000 calls");

    private static object? s_sink;

    [Test]
    public void The_probe_sees_an_allocation() =>
        Assert.That(AllocatedBytes(() => s_sink = new T[4]), Is.GreaterThanOrEqualTo(Calls * 4 * Unsafe.SizeOf<T>()));

    [Test]
    public void Gemm() => AssertNoAllocation(() =>
        Blas.Gemm(Transpose.Transposed, Transpose.None, N, N, M, T.One, _tall, M, _tall, M, T.Zero, _out, N));

    [Test]
    public void Gemv() => AssertNoAllocation(() => Blas.Gemv(Transpose.None, M, N, T.One, _tall, M, _x.AsSpan(0, N), T.Zero, _y));

    [Test]
    public void Gemv_with_empty_inner_dimension() => AssertNoAllocation(() => Blas.Gemv(Transpose.None, M, 0, T.One, [], M, [], T.One, _y));

    [Test]
    public void Syrk() => AssertNoAllocation(() => Blas.Syrk(Triangle.Lower, Transpose.Transposed, N, M, T.One, _tall, M, T.Zero, _out, N));

    [Test]
    public void Level1() => AssertNoAllocation(() =>
    {
        Blas.Axpy(T.One, _x, _y);
        Blas.Scal(T.CreateTruncating(0.5), _y);
        Blas.Copy<T>(_x, _work.AsSpan(0, M));
        _ = Blas.Dot<T>(_x, _y) + Blas.Nrm2<T>(_x);
    });

    [Test]
    public void CholeskyFactor_and_CholeskySolve() => AssertNoAllocation(() =>
    {
        _spd.CopyTo(_work, 0);
        Lapack.CholeskyFactor<T>(_work, N, N);
        _x.AsSpan(0, N).CopyTo(_y);
        Lapack.CholeskySolve<T>(_work, N, N, _y, 1, N);
    });

    [Test]
    public void TryCholeskyFactor() => AssertNoAllocation(() =>
    {
        _spd.CopyTo(_work, 0);
        _ = Lapack.TryCholeskyFactor<T>(_work, N, N, out _);
    });

    [Test]
    public void PositiveDefiniteSolve() => AssertNoAllocation(() =>
    {
        _spd.CopyTo(_work, 0);
        _x.AsSpan(0, N).CopyTo(_y);
        Lapack.PositiveDefiniteSolve<T>(_work, N, N, _y, 1, N);
    });

    [Test]
    public void Solve()
    {
        int[] pivots = new int[N];
        AssertNoAllocation(() =>
        {
            _square.CopyTo(_work, 0);
            _x.AsSpan(0, N).CopyTo(_y);
            Lapack.Solve<T>(_work, N, N, pivots, _y, 1, N);
        });
    }

    [TestCase(SvdAlgorithm.DivideAndConquer)]
    [TestCase(SvdAlgorithm.QrIteration)]
    public void Svd_Decompose_TryDecompose_and_SingularValues(SvdAlgorithm algorithm)
    {
        var svd = new SvdWorkspace<T>(M, N, algorithm);
        T[] s = new T[N], vt = new T[N * N];
        AssertNoAllocation(() =>
        {
            svd.Decompose(_tall, M, s, _out, M, vt, N);
            _ = svd.TryDecompose(_tall, M, s, _out, M, vt, N, out _);
            svd.SingularValues(_tall, M, s);
        });
    }

    [Test]
    public void Qr_Factor_FormQ_and_Orthonormalize()
    {
        var qr = new QrWorkspace<T>(M, N);
        AssertNoAllocation(() =>
        {
            _tall.CopyTo(_work, 0);
            qr.Factor(_work, M);
            qr.FormQ(_work, M);
            _tall.CopyTo(_work, 0);
            qr.Orthonormalize(_work, M);
        });
    }

    [Test]
    public void SymmetricEigen_Decompose()
    {
        var eig = new SymmetricEigenWorkspace<T>(N);
        T[] w = new T[N];
        AssertNoAllocation(() =>
        {
            _symmetric.CopyTo(_work, 0);
            eig.Decompose(_work, N, w);
        });
    }
}
