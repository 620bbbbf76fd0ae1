using System.Numerics;
using MatrixSensing.LinearAlgebra;
using MatrixSensing.Random;

namespace MatrixSensing.Problems;

/// <summary>How the singular values of a synthetic target fall from σ₁ = 1 to σ_r = 1/κ.</summary>
public enum Spectrum
{
    /// <summary>Evenly spaced (the convention of Tong, Ma and Chi).</summary>
    Linear,

    /// <summary>Evenly spaced on a log scale.</summary>
    Geometric,
}

/// <summary>
/// A known low-rank matrix M* = U*·diag(σ)·V*ᵀ with orthonormal U* (n1×r) and V* (n2×r); for a symmetric PSD
/// target V* = U*. Keeps the factors so that metrics and diagnostics never need the dense matrix.
/// </summary>
/// <typeparam name="T">Precision.</typeparam>
public sealed class LowRankTarget<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _singularValues;

    internal LowRankTarget(Matrix<T> left, Matrix<T> right, T[] singularValues, bool symmetric)
    {
        Left = left;
        Right = right;
        _singularValues = singularValues;
        IsSymmetric = symmetric;
    }

    /// <summary>n1.</summary>
    public int Rows => Left.Rows;

    /// <summary>n2.</summary>
    public int Columns => Right.Rows;

    /// <summary>r*, the rank.</summary>
    public int Rank => _singularValues.Length;

    /// <summary>True for M* = U*·diag(σ)·U*ᵀ (PSD).</summary>
    public bool IsSymmetric { get; }

    /// <summary>U*, n1×r with orthonormal columns.</summary>
    public Matrix<T> Left { get; }

    /// <summary>V*, n2×r with orthonormal columns (the same object as <see cref="Left"/> when symmetric).</summary>
    public Matrix<T> Right { get; }

    /// <summary>σ₁ ≥ … ≥ σ_r &gt; 0.</summary>
    public IReadOnlyList<T> SingularValues => _singularValues;

    /// <summary>κ = σ₁/σ_r.</summary>
    public T ConditionNumber => SingularValues[0] / SingularValues[^1];

    /// <summary>‖M*‖_F = ‖σ‖₂, computed with scaling (BLAS nrm2), so σ beyond 1e±154 neither overflows nor underflows.</summary>
    public T FrobeniusNorm => Blas.Nrm2<T>(_singularValues);

    /// <summary>U*·diag(σ) (n1×r): the left factor whose product with V*ᵀ is M*.</summary>
    public Matrix<T> ScaledLeft()
    {
        var scaled = Left.Clone();
        for (int k = 0; k < Rank; k++)
            System.Numerics.Tensors.TensorPrimitives.Multiply<T>(scaled.Column(k), SingularValues[k], scaled.Column(k));
        return scaled;
    }

    /// <summary>The dense n1×n2 matrix M* (allocates it).</summary>
    public Matrix<T> ToMatrix()
    {
        var m = new Matrix<T>(Rows, Columns);
        Blas.Gemm(Transpose.None, Transpose.Transposed, Rows, Columns, Rank, T.One, ScaledLeft().Data, Rows, Right.Data, Columns, T.Zero, m.Data, Rows);
        return m;
    }
}

/// <summary>Seeded synthetic targets (SPEC §1): orthonormal factors from the QR of Gaussian matrices.</summary>
public static class LowRankTarget
{
    /// <summary>An asymmetric n1×n2 target of rank r with condition number κ.</summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="rank">r* (1 ≤ r* ≤ min(n1, n2)).</param>
    /// <param name="conditionNumber">κ ≥ 1.</param>
    /// <param name="seed">Seed of the factors.</param>
    /// <param name="spectrum">Spacing of the singular values.</param>
    public static LowRankTarget<T> Asymmetric<T>(int rows, int columns, int rank, double conditionNumber = 1, ulong seed = 0, Spectrum spectrum = Spectrum.Linear)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(rows, columns, rank, conditionNumber);
        var left = OrthonormalFactor<T>(rows, rank, seed, stream: 1);
        var right = OrthonormalFactor<T>(columns, rank, seed, stream: 2);
        return new LowRankTarget<T>(left, right, SingularValues<T>(rank, conditionNumber, spectrum), symmetric: false);
    }

    /// <summary>A symmetric positive semidefinite n×n target U*·diag(σ)·U*ᵀ of rank r with condition number κ.</summary>
    /// <param name="order">n.</param>
    /// <param name="rank">r* (1 ≤ r* ≤ n).</param>
    /// <param name="conditionNumber">κ ≥ 1.</param>
    /// <param name="seed">Seed of the factor.</param>
    /// <param name="spectrum">Spacing of the singular values.</param>
    public static LowRankTarget<T> Symmetric<T>(int order, int rank, double conditionNumber = 1, ulong seed = 0, Spectrum spectrum = Spectrum.Linear)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(order, order, rank, conditionNumber);
        var factor = OrthonormalFactor<T>(order, rank, seed, stream: 1);
        return new LowRankTarget<T>(factor, factor, SingularValues<T>(rank, conditionNumber, spectrum), symmetric: true);
    }

    /// <summary>A target from given factors and singular values (the factors' columns must be orthonormal).</summary>
    /// <param name="left">U*, n1×r.</param>
    /// <param name="right">V*, n2×r; pass <paramref name="left"/> again for a symmetric target.</param>
    /// <param name="singularValues">σ, r positive values in descending order.</param>
    public static LowRankTarget<T> FromFactors<T>(Matrix<T> left, Matrix<T> right, T[] singularValues)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        ArgumentNullException.ThrowIfNull(singularValues);
        if (left.Columns != singularValues.Length || right.Columns != singularValues.Length)
            throw new ArgumentException($"The factors have {left.Columns} and {right.Columns} columns but there are {singularValues.Length} singular values.", nameof(singularValues));
        for (int k = 0; k < singularValues.Length; k++)
            if (!(singularValues[k] > T.Zero) || !T.IsFinite(singularValues[k]) || (k > 0 && singularValues[k] > singularValues[k - 1]))
                throw new ArgumentException("Singular values must be finite, positive and in descending order.", nameof(singularValues));
        return new LowRankTarget<T>(left, right, singularValues, ReferenceEquals(left, right));
    }

    private static void Validate(int rows, int columns, int rank, double conditionNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        if (rank > Math.Min(rows, columns))
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"The rank r* = {rank} cannot exceed min(n1, n2) = {Math.Min(rows, columns)}.");
        if (!(conditionNumber >= 1) || double.IsInfinity(conditionNumber))
            throw new ArgumentOutOfRangeException(nameof(conditionNumber), conditionNumber, "The condition number κ must be a finite number ≥ 1.");
    }

    private static T[] SingularValues<T>(int rank, double kappa, Spectrum spacing) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sigma = new T[rank];
        for (int k = 0; k < rank; k++)
        {
            double t = rank == 1 ? 0 : (double)k / (rank - 1);
            double value = spacing == Problems.Spectrum.Linear ? 1 - t * (1 - 1 / kappa) : Math.Pow(kappa, -t);
            sigma[k] = T.CreateTruncating(value);
        }
        return sigma;
    }

    private static Matrix<T> OrthonormalFactor<T>(int rows, int rank, ulong seed, ulong stream) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var factor = new Matrix<T>(rows, rank);
        new RandomStream(seed, stream).FillNormal(factor.Span, T.One);
        new QrWorkspace<T>(rows, rank).Orthonormalize(factor.Span, rows);
        return factor;
    }
}
