using MatrixSensing.Random;

namespace MatrixSensing.Tests.Random;

public class DeterminismTests
{
    [Test]
    public void Xoshiro256PlusPlus_matches_the_reference_output()
    {
        // Blackman & Vigna's xoshiro256plusplus.c from state {1, 2, 3, 4}.
        var g = new Xoshiro256 { S0 = 1, S1 = 2, S2 = 3, S3 = 4 };
        Assert.That(new[] { g.Next(), g.Next(), g.Next(), g.Next() },
            Is.EqualTo(new ulong[] { 0x2800001, 0x3800067, 0xcc00003800067, 0xcc201994400b2 }));
    }

    [TestCase(42UL, 0UL, 0x66ee6bfe74d93a33UL, 0xbd5f022e7d473e65UL, 0x1614515cbc97ff9eUL, 0xcc80ea79fb171e91UL)]
    [TestCase(0UL, 0UL, 0xd8002d8dda22c524UL, 0xeea16f0664c6d542UL, 0x159321c65151082aUL, 0xcd4ce76bf882f860UL)]
    [TestCase(12345UL, 7UL, 0x4535bfec99e5eb9cUL, 0xddf71cbc00521455UL, 0x04a06897ddc617dbUL, 0xb12ef38d8d54f79eUL)]
    public void RandomStream_output_is_pinned(ulong seed, ulong stream, ulong a, ulong b, ulong c, ulong d)
    {
        // Values from an independent Python implementation of SplitMix64 seeding + xoshiro256++.
        var r = new RandomStream(seed, stream);
        Assert.That(new[] { r.NextUInt64(), r.NextUInt64(), r.NextUInt64(), r.NextUInt64() }, Is.EqualTo(new[] { a, b, c, d }));
    }

    [Test]
    public void Same_seed_gives_the_same_draws()
    {
        static (ulong, double, int, float[], double[], ulong[], int[]) Run()
        {
            var r = new RandomStream(77, 3);
            var f = new float[5000];
            var d = new double[5000];
            var bits = new ulong[777];
            var sample = new int[50];
            ulong u = r.NextUInt64();
            double n = r.NextNormal();
            int i = r.NextInt(1000);
            r.FillNormal<float>(f, 2f);
            r.FillUniform<double>(d);
            r.FillRademacherBits(bits);
            r.SampleWithoutReplacement(10_000, sample);
            return (u, n, i, f, d, bits, sample);
        }

        var first = Run();
        var second = Run();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(second.Item1, Is.EqualTo(first.Item1));
            Assert.That(second.Item2, Is.EqualTo(first.Item2));
            Assert.That(second.Item3, Is.EqualTo(first.Item3));
            Assert.That(second.Item4, Is.EqualTo(first.Item4));
            Assert.That(second.Item5, Is.EqualTo(first.Item5));
            Assert.That(second.Item6, Is.EqualTo(first.Item6));
            Assert.That(second.Item7, Is.EqualTo(first.Item7));
        }
    }

    [Test]
    public void Different_seeds_and_streams_differ()
    {
        static ulong[] Words(RandomStream r) => Enumerable.Range(0, 8).Select(_ => r.NextUInt64()).ToArray();
        var baseline = Words(new RandomStream(1, 0));
        var normalsA = new double[1000];
        var normalsB = new double[1000];
        ParallelNormal.Fill<double>(normalsA, 1, 1.0);
        ParallelNormal.Fill<double>(normalsB, 2, 1.0);
        var parent = new RandomStream(1, 0);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Words(new RandomStream(2, 0)), Is.Not.EqualTo(baseline), "seed");
            Assert.That(Words(new RandomStream(1, 1)), Is.Not.EqualTo(baseline), "stream");
            Assert.That(Words(new RandomStream(0, 1)), Is.Not.EqualTo(Words(new RandomStream(1, 0))), "swapped seed and stream");
            Assert.That(Words(parent.Split()), Is.Not.EqualTo(Words(parent)), "split");
            Assert.That(normalsB, Is.Not.EqualTo(normalsA), "ParallelNormal seeds");
            Assert.That(RandomStream.DeriveSeed(1, 0), Is.Not.EqualTo(RandomStream.DeriveSeed(1, 1)));
        }
    }

    [Test]
    public void Substreams_are_uncorrelated()
    {
        // Normals from streams 0 and 1 of one seed: sample correlation within 5 standard errors of 0.
        const int n = 1_000_000;
        var a = new double[n];
        var b = new double[n];
        new RandomStream(5, 0).FillNormal<double>(a, 1.0);
        new RandomStream(5, 1).FillNormal<double>(b, 1.0);
        double dot = 0;
        for (int i = 0; i < n; i++)
        {
            dot += a[i] * b[i];
        }

        Assert.That(dot / n, Is.EqualTo(0).Within(5 / Math.Sqrt(n)));
    }

    private static T[] Filled<T>(int length, ulong seed, T sigma, int degree)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var x = new T[length];
        ParallelNormal.Fill<T>(x, seed, sigma, degree);
        return x;
    }

    private static T[] Pieces<T>(int length, ulong seed, T sigma, int[] cuts)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var x = new T[length];
        int start = 0;
        foreach (int end in cuts.Append(length))
        {
            ParallelNormal.FillRange<T>(x.AsSpan(start, end - start), seed, start, sigma);
            start = end;
        }

        return x;
    }

    [Test]
    public void Parallel_fill_is_identical_for_every_thread_count_and_equals_the_block_definition()
    {
        const int length = (3 * ParallelNormal.BlockLength) + 12345;
        int[] cuts = [1, 17, ParallelNormal.BlockLength - 3, ParallelNormal.BlockLength + 2048, (2 * ParallelNormal.BlockLength) + 1, (3 * ParallelNormal.BlockLength) + 5];
        float[] f1 = Filled(length, 99, 0.5f, 1);
        double[] d1 = Filled(length, 99, 0.5, 1);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Filled(length, 99, 0.5f, 2), Is.EqualTo(f1), "float, 2 threads");
            Assert.That(Filled(length, 99, 0.5f, -1), Is.EqualTo(f1), "float, all processors");
            Assert.That(Filled(length, 99, 0.5f, 7), Is.EqualTo(f1), "float, 7 threads");
            Assert.That(Pieces(length, 99, 0.5f, cuts), Is.EqualTo(f1), "float, sequential windows");
            Assert.That(Filled(length, 99, 0.5, 2), Is.EqualTo(d1), "double, 2 threads");
            Assert.That(Filled(length, 99, 0.5, 7), Is.EqualTo(d1), "double, 7 threads");
            Assert.That(Pieces(length, 99, 0.5, cuts), Is.EqualTo(d1), "double, sequential windows");
        }
    }

    [Test]
    public void A_shorter_fill_is_a_prefix_of_a_longer_one()
    {
        float[] longer = Filled(100_000, 5, 1f, 2);
        double[] longerD = Filled(100_000, 5, 1.0, 2);
        using (Assert.EnterMultipleScope())
        {
            foreach (int n in new[] { 1, 15, 16, 17, 1000, 2049, 65_537 })
            {
                Assert.That(Filled(n, 5, 1f, 1), Is.EqualTo(longer[..n]), $"float, {n}");
                Assert.That(Filled(n, 5, 1.0, 1), Is.EqualTo(longerD[..n]), $"double, {n}");
            }
        }
    }

    [Test]
    public void RandomStream_fills_equal_the_parallel_fill_of_their_drawn_seed()
    {
        var a = new RandomStream(8);
        ulong key = new RandomStream(8).NextUInt64();
        var x = new double[70_000];
        a.FillNormal<double>(x, 3.0, 2);
        Assert.That(x, Is.EqualTo(Filled(70_000, key, 3.0, 1)));
    }

    [Test]
    public void Every_instruction_set_path_gives_the_same_bits()
    {
        const int length = ParallelNormal.BlockLength + 4099;
        static (float[], double[], float[], double[], ulong[], float[]) Run()
        {
            var r = new RandomStream(2024);
            var uf = new float[4099];
            var ud = new double[4099];
            var bits = new ulong[4099];
            r.FillUniform<float>(uf);
            r.FillUniform<double>(ud);
            r.FillRademacherBits(bits);
            var window = new float[3000];
            ParallelNormal.FillRange<float>(window, 6, 12_345, 1.5f);
            return (Filled(length, 6, 1.5f, 1), Filled(length, 6, 1.5, 1), uf, ud, bits, window);
        }

        var reference = Paths.With(SimdPath.Scalar, Run);
        foreach (SimdPath path in Paths.Supported())
        {
            var other = Paths.With(path, Run);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(other.Item1, Is.EqualTo(reference.Item1), $"{path}: float normals");
                Assert.That(other.Item2, Is.EqualTo(reference.Item2), $"{path}: double normals");
                Assert.That(other.Item3, Is.EqualTo(reference.Item3), $"{path}: float uniforms");
                Assert.That(other.Item4, Is.EqualTo(reference.Item4), $"{path}: double uniforms");
                Assert.That(other.Item5, Is.EqualTo(reference.Item5), $"{path}: bits");
                Assert.That(other.Item6, Is.EqualTo(reference.Item6), $"{path}: float window");
            }
        }

        Assert.That(Paths.Supported(), Does.Contain(SimdPath.Scalar));
        TestContext.Out.WriteLine($"Paths compared: {string.Join(", ", Paths.Supported())}");
    }

    [Test]
    public void Normal_values_are_finite_and_spread()
    {
        float[] f = Filled(1_000_000, 17, 1f, 2);
        Assert.That(f.All(float.IsFinite));
        Assert.That(f.Distinct().Count(), Is.GreaterThan(990_000));
    }
}
