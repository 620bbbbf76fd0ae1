using System.Numerics;
using MatrixSensing.LinearAlgebra;

namespace MatrixSensing.Tests.LinearAlgebra;

/// <summary>Axpy, Dot, Nrm2, Scal and Copy against MathNet's managed vectors.</summary>
[TestFixture(typeof(float))]
[TestFixture(typeof(double))]
public class BlasLevel1Tests<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static double Tolerance(int length) => Dense.BlasTolerance<T>() * Math.Max(1, Math.Sqrt(length));

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(1000)]
    public void Axpy_matches_MathNet(int length)
    {
        var x = Dense.RandomVector<T>(length, 31);
        var y0 = Dense.RandomVector<T>(length, 32);
        T[] y = Dense.Pack<T>(y0);
        Blas.Axpy(T.CreateTruncating(-0.75), Dense.Pack<T>(x), y);
        Dense.AssertClose(Dense.Unpack<T>(y), y0 - 0.75 * x, Tolerance(1));
    }

    [Test]
    public void Axpy_in_place_doubles_and_scales()
    {
        var x0 = Dense.RandomVector<T>(9, 33);
        T[] x = Dense.Pack<T>(x0);
        Blas.Axpy(T.CreateTruncating(2), x, x);
        Dense.AssertClose(Dense.Unpack<T>(x), 3 * x0, Tolerance(1));
    }

    [Test]
    public void Axpy_on_halves_of_one_buffer_is_allowed()
    {
        T[] buffer = [T.One, T.One, T.CreateTruncating(5), T.CreateTruncating(7)];
        Blas.Axpy(T.CreateTruncating(2), buffer.AsSpan(0, 2), buffer.AsSpan(2, 2));
        Assert.That(buffer, Is.EqualTo(new[] { T.One, T.One, T.CreateTruncating(7), T.CreateTruncating(9) }));
    }

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(1000)]
    public void Dot_matches_MathNet(int length)
    {
        var x = Dense.RandomVector<T>(length, 34);
        var y = Dense.RandomVector<T>(length, 35);
        double dot = double.CreateTruncating(Blas.Dot<T>(Dense.Pack<T>(x), Dense.Pack<T>(y)));
        Assert.That(dot, Is.EqualTo(x.DotProduct(y)).Within(Tolerance(length) * x.L2Norm() * y.L2Norm()));
    }

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(1000)]
    public void Nrm2_matches_MathNet(int length)
    {
        var x = Dense.RandomVector<T>(length, 36);
        double norm = double.CreateTruncating(Blas.Nrm2<T>(Dense.Pack<T>(x)));
        Assert.That(norm, Is.EqualTo(x.L2Norm()).Within(Tolerance(length) * x.L2Norm()));
    }

    [Test]
    public void Nrm2_does_not_overflow_where_the_sum_of_squares_would()
    {
        // Each square exceeds T.MaxValue, the norm does not.
        T big = T.CreateTruncating(Dense.IsSingle<T>() ? 1e30 : 1e200);
        T norm = Blas.Nrm2<T>([big, big, big, big]);
        Assert.That(double.CreateTruncating(norm / big), Is.EqualTo(2.0).Within(Dense.BlasTolerance<T>() * 4));
    }

    [Test]
    public void Empty_vectors_give_zero_and_change_nothing()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Blas.Dot<T>([], []), Is.EqualTo(T.Zero));
            Assert.That(Blas.Nrm2<T>([]), Is.EqualTo(T.Zero));
            Assert.That(() => Blas.Axpy<T>(T.One, [], []), Throws.Nothing);
            Assert.That(() => Blas.Scal<T>(T.One, []), Throws.Nothing);
            Assert.That(() => Blas.Copy<T>([], []), Throws.Nothing);
        });
    }

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(1000)]
    public void Scal_matches_MathNet(int length)
    {
        var x0 = Dense.RandomVector<T>(length, 37);
        T[] x = Dense.Pack<T>(x0);
        Blas.Scal(T.CreateTruncating(-3.5), x);
        Dense.AssertClose(Dense.Unpack<T>(x), -3.5 * x0, Tolerance(1));
    }

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(1000)]
    public void Copy_copies_exactly(int length)
    {
        T[] x = Dense.Pack<T>(Dense.RandomVector<T>(length, 38));
        T[] y = new T[length];
        Blas.Copy<T>(x, y);
        Assert.That(y, Is.EqualTo(x));
    }

    [TestCase("Axpy length mismatch", "y")]
    [TestCase("Axpy shifted overlap", "y")]
    [TestCase("Axpy shifted overlap backwards", "y")]
    [TestCase("Dot length mismatch", "y")]
    [TestCase("Copy length mismatch", "y")]
    [TestCase("Copy in place", "y")]
    [TestCase("Copy shifted overlap", "y")]
    public void Level1_rejects_invalid_arguments(string @case, string parameter)
    {
        T[] x = new T[5], y = new T[4], shared = new T[10];
        Action call = @case switch
        {
            "Axpy length mismatch" => () => Blas.Axpy<T>(T.One, x, y),
            "Axpy shifted overlap" => () => Blas.Axpy<T>(T.One, shared.AsSpan(0, 6), shared.AsSpan(1, 6)),
            "Axpy shifted overlap backwards" => () => Blas.Axpy<T>(T.One, shared.AsSpan(3, 6), shared.AsSpan(0, 6)),
            "Dot length mismatch" => () => Blas.Dot<T>(x, y),
            "Copy length mismatch" => () => Blas.Copy<T>(x, y),
            "Copy in place" => () => Blas.Copy<T>(shared, shared),
            "Copy shifted overlap" => () => Blas.Copy<T>(shared.AsSpan(0, 6), shared.AsSpan(2, 6)),
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };
        Dense.AssertRejects(call, typeof(ArgumentException), parameter);
    }
}
