using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;

namespace MatrixSensing.Benchmarks.SideBySide;

/// <summary>
/// The GD iteration written as a competent MathNet.Numerics user would, on the managed provider
/// (<c>Control.UseManaged()</c>, set by the harness): the operator is bound without copying as an n1n2 × m
/// <see cref="DenseMatrix"/> whose column i is vec(A_i), and every product writes into preallocated results.
/// </summary>
internal sealed class MathNetGd
{
    private readonly DenseMatrix _at;
    private readonly DenseVector _y, _z, _r, _g;
    private readonly DenseMatrix _u, _v, _zMatrix, _gMatrix, _gv, _gtu;
    private readonly double _eta;
    private readonly double[] _u0, _v0;

    /// <summary>Binds the problem.</summary>
    /// <param name="n1">Rows.</param>
    /// <param name="n2">Columns.</param>
    /// <param name="count">m.</param>
    /// <param name="measurementMatrix">m rows of n1n2 values (row i = vec(A_i)); not copied.</param>
    /// <param name="y">Measurements.</param>
    /// <param name="u0">U₀, column-major n1×h.</param>
    /// <param name="v0">V₀, column-major n2×h.</param>
    /// <param name="eta">Absolute step.</param>
    public MathNetGd(int n1, int n2, int count, double[] measurementMatrix, double[] y, double[] u0, double[] v0, double eta)
    {
        int h = u0.Length / n1;
        _at = new DenseMatrix(n1 * n2, count, measurementMatrix);
        _y = new DenseVector(y);
        _zMatrix = new DenseMatrix(n1, n2);
        _z = new DenseVector(_zMatrix.Values);
        _r = new DenseVector(count);
        _gMatrix = new DenseMatrix(n1, n2);
        _g = new DenseVector(_gMatrix.Values);
        _u0 = u0;
        _v0 = v0;
        _u = new DenseMatrix(n1, h);
        _v = new DenseMatrix(n2, h);
        _gv = new DenseMatrix(n1, h);
        _gtu = new DenseMatrix(n2, h);
        _eta = eta;
        Reset();
    }

    /// <summary>The current U.</summary>
    public Matrix<double> U => _u;

    /// <summary>Back to U₀, V₀.</summary>
    public void Reset()
    {
        _u0.CopyTo(_u.Values, 0);
        _v0.CopyTo(_v.Values, 0);
    }

    /// <summary>‖r‖ of the last iteration.</summary>
    public double ResidualNorm { get; private set; }

    /// <summary>One GD iteration.</summary>
    public void Step()
    {
        _u.TransposeAndMultiply(_v, _zMatrix);     // Z = U Vᵀ
        _at.TransposeThisAndMultiply(_z, _r);      // r = A vec(Z)
        _r.Subtract(_y, _r);
        ResidualNorm = _r.L2Norm();
        _at.Multiply(_r, _g);                      // vec(G) = Aᵀ r
        _gMatrix.Multiply(_v, _gv);                // G V
        _gMatrix.TransposeThisAndMultiply(_u, _gtu); // Gᵀ U
        _gv.Multiply(_eta, _gv);
        _gtu.Multiply(_eta, _gtu);
        _u.Subtract(_gv, _u);
        _v.Subtract(_gtu, _v);
    }
}
