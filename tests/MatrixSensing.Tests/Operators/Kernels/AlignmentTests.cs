using MatrixSensing.Operators;
using MatrixSensing.Random;

namespace MatrixSensing.Tests.Operators.Kernels;

/// <summary>
/// Every dense kernel gives the same bits wherever its data sits. The same ensemble is placed at offsets 0..7
/// elements of a pinned array (every residue of its address modulo 64 bytes), the vectors passed in and out at
/// other offsets, and every pass is compared bit for bit with placement 0, on 1, 2 and 3 threads. A kernel with an
/// alignment prologue (OpenBLAS's SSE3 GEMV, <c>TensorPrimitives.Dot</c>) fails this test; ours never look at
/// addresses. Lengths are not multiples of any vector width, and the larger shapes run several chunks.
/// </summary>
[Category("Determinism")]
[Category("Kernels")]
public unsafe class AlignmentTests
{
    private const int Placements = 8;
    private const int Rank = 3;
    private static readonly List<Array> Keep = [];

    public static IEnumerable<TestCaseData> Shapes()
    {
        foreach (var storage in new[] { "float64", "float32-stored", "rademacher", "float32" })
        {
            yield return new TestCaseData(storage, 6, 5, 601).SetArgDisplayNames(storage, "6x5", "m=601");
            yield return new TestCaseData(storage, 37, 23, 203).SetArgDisplayNames(storage, "37x23", "m=203");
            yield return new TestCaseData(storage, 41, 43, 803).SetArgDisplayNames(storage, "41x43", "m=803");
        }
    }

    private static ArraySegment<TElement> At<TElement>(TElement[] values, int offset) where TElement : unmanaged
    {
        var buffer = GC.AllocateArray<TElement>(values.Length + Placements, pinned: true);
        Keep.Add(buffer);
        values.CopyTo(buffer, offset);
        return new ArraySegment<TElement>(buffer, offset, values.Length);
    }

    private static T[] Normal<T>(int length, ulong seed) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var x = new T[length];
        new RandomStream(seed, 3).FillNormal<T>(x, T.One);
        return x;
    }

    /// <summary>The pass of a storage over rows stored from element <paramref name="offset"/> of a pinned array.</summary>
    private static RowPass<T> Pass<T>(string storage, int n, int m, int offset) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        switch (storage)
        {
            case "float32-stored":
            {
                var data = GC.AllocateArray<float>(n * m + Placements, pinned: true);
                Normal<float>(n * m, 11).CopyTo(data, offset);
                Keep.Add(data);
                return (RowPass<T>)(object)new WidenedRowPass(data, m, n, offset);
            }
            case "rademacher":
            {
                int words = (n + 63) / 64 * m;
                var bits = GC.AllocateArray<ulong>(words + Placements, pinned: true);
                new RandomStream(11, 4).FillRademacherBits(bits.AsSpan(offset, words));
                Keep.Add(bits);
                return new SignRowPass<T>(bits, m, n, T.One / T.Sqrt(T.CreateTruncating(m)), offset);
            }
            default:
            {
                var data = GC.AllocateArray<T>(n * m + Placements, pinned: true);
                Normal<T>(n * m, 11).CopyTo(data, offset);
                Keep.Add(data);
                return new StoredRowPass<T>(data, m, n, offset);
            }
        }
    }

    [TestCaseSource(nameof(Shapes))]
    public void Every_route_gives_the_same_bits_at_every_alignment(string storage, int n1, int n2, int m)
    {
        if (storage == "float32") Compare<float>(storage, n1, n2, m);
        else Compare<double>(storage, n1, n2, m);
    }

    private static void Compare<T>(string storage, int n1, int n2, int m) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int n = n1 * n2;
        var z = Normal<T>(n, 1);
        var y = Normal<T>(m, 2);
        int[] rows = [.. Enumerable.Range(0, m).Where(i => i % 5 == 2)];
        List<T[]>? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var _ = MatrixSensing.Interop.BlasThreads.Scope(threads);
            for (int placement = 0; placement < Placements; placement++)
            {
                var pass = Pass<T>(storage, n, m, placement);
                var outputs = new List<T[]>();
                T[] Run(int length, SpanAction<T> body)
                {
                    var output = At(new T[length], Placements - 1 - placement);
                    body(output);
                    return [.. output];
                }
                var zs = At(z, (placement + 3) % Placements);
                var ys = At(y, (placement + 5) % Placements);
                var residual = At(new T[m], (placement + 1) % Placements);
                var partials = At(new T[pass.PartialsLength], (placement + 6) % Placements);
                outputs.Add(Run(m, r => pass.Forward(zs, r)));
                outputs.Add(Run(n, g => pass.ResidualAndAdjoint(zs, ys, residual, g, partials)));
                outputs.Add([.. residual]);
                outputs.Add(Run(n, g => pass.Adjoint(ys, g)));
                outputs.Add(Run(rows.Length, r => pass.ForwardRows(rows, zs, r)));
                outputs.Add(Run(n, g => pass.AdjointRows(rows, ys.AsSpan(0, rows.Length), g)));
                first ??= outputs;
                for (int k = 0; k < outputs.Count; k++)
                    Assert.That(outputs[k], Is.EqualTo(first[k]), $"{storage}: output {k} at placement {placement}, {threads} threads, differs from placement 0, 1 thread");
                Keep.Clear();
            }
        }
    }

    /// <summary>
    /// A large (LOH, never moved) array of <paramref name="length"/> doubles whose data start at byte residue
    /// <paramref name="residue"/> modulo 64: large objects are placed one after another, so a pad of the right size
    /// in front shifts the next one to any residue.
    /// </summary>
    private static double[] LargeAt(int length, int residue)
    {
        for (int attempt = 0; attempt < 64; attempt++)
        {
            var array = new double[length];
            fixed (double* p = array)
                if ((nint)p % 64 == residue)
                {
                    Keep.Add(array);
                    return array;
                }
            Keep.Add(array);
            Keep.Add(new byte[100_000 + 8 * (attempt % 8)]);
        }
        throw new InvalidOperationException($"Could not place an array at residue {residue}.");
    }

    [Test]
    public void Dense_operators_give_the_same_bits_wherever_their_matrix_and_vectors_sit()
    {
        const int n1 = 13, n2 = 11, m = 401;
        int n = n1 * n2;
        var data = new double[n * m];
        new RandomStream(5, 6).FillNormal<double>(data, 1 / Math.Sqrt(m));
        var z = Normal<double>(n, 1);
        var y = Normal<double>(m, 2);
        var u = Normal<double>(n1 * Rank, 3);
        var v = Normal<double>(n2 * Rank, 4);
        List<double[]>? first = null;
        for (int placement = 0; placement < Placements; placement++)
        {
            var matrix = LargeAt(data.Length, placement * 8);
            data.CopyTo(matrix, 0);
            var op = new DenseOperator<double>(n1, n2, m, matrix);
            var ws = op.CreateWorkspace(Rank);
            var zs = At(z, placement);
            var ys = At(y, (placement + 3) % Placements);
            var us = At(u, (placement + 5) % Placements);
            var vs = At(v, (placement + 1) % Placements);
            var r = At(new double[m], (placement + 2) % Placements);
            var g = At(new double[n], (placement + 4) % Placements);
            var gv = At(new double[n1 * Rank], (placement + 6) % Placements);
            var gtu = At(new double[n2 * Rank], (placement + 7) % Placements);
            var outputs = new List<double[]>();
            op.Apply(zs, r); outputs.Add([.. r]);
            op.ApplyAdjoint(ys, g); outputs.Add([.. g]);
            op.ApplyFactored(us, vs, ws, r); outputs.Add([.. r]);
            op.ResidualAndAdjointFactored(us, vs, ys, ws, r, gv, gtu); outputs.Add([.. r]); outputs.Add([.. gv]); outputs.Add([.. gtu]);
            op.AdjointFactored(ys, us, vs, ws, gv, gtu); outputs.Add([.. gv]); outputs.Add([.. gtu]);
            first ??= outputs;
            for (int k = 0; k < outputs.Count; k++)
                Assert.That(outputs[k], Is.EqualTo(first[k]), $"output {k} with the matrix at residue {placement * 8} differs from residue 0");
        }
        Keep.Clear();
    }

    private delegate void SpanAction<T>(ArraySegment<T> output);
}
