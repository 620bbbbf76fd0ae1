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

    /// <summary>
    /// The default relative rank cut-off for a dense matrix stored in <typeparamref name="TStored"/>: singular values
    /// σ_k ≤ max(n1, n2)·ε·σ₁ are rounding noise of the storage precision (NumPy's <c>matrix_rank</c> rule), so a
    /// float32 matrix of rank r, whose trailing singular values sit near 1e-7·σ₁, is read as rank r, not full rank.
    /// </summary>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    public static double RankCutoff<TStored>(int rows, int columns) where TStored : IFloatingPointIeee754<TStored> =>
        // ε = the spacing of the element type at 1 (TStored.Epsilon is the smallest subnormal, not this).
        Math.Max(rows, columns) * double.CreateTruncating(TStored.BitIncrement(TStored.One) - TStored.One);

    /// <summary>
    /// A target from a dense matrix (e.g. a ground truth that came as a plain array): its SVD truncated where
    /// σ_k ≤ <paramref name="relativeCutoff"/>·σ₁, so error metrics and r* exist for it. The factors are the singular
    /// vectors (for <paramref name="symmetric"/>, the left ones on both sides: meant for PSD matrices).
    /// </summary>
    /// <param name="columnMajor">The n1×n2 matrix, column-major; not modified.</param>
    /// <param name="rows">n1.</param>
    /// <param name="columns">n2.</param>
    /// <param name="symmetric">Build a symmetric PSD target U*·diag(σ)·U*ᵀ.</param>
    /// <param name="relativeCutoff">
    /// The rank cut-off relative to σ₁; null for <see cref="RankCutoff{TStored}"/> of <typeparamref name="T"/>. Pass the
    /// cut-off of the precision the matrix was stored in when it was widened (a float32 array read as double).
    /// </param>
    public static LowRankTarget<T> FromMatrix<T>(ReadOnlySpan<T> columnMajor, int rows, int columns, bool symmetric, double? relativeCutoff = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (columnMajor.Length != (long)rows * columns)
            throw new ArgumentException($"The matrix has {columnMajor.Length} elements; {rows}×{columns} needs {(long)rows * columns}.", nameof(columnMajor));
        if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll(columnMajor))
            throw new ArgumentException("M_star contains NaN or infinity.", nameof(columnMajor));
        double cutoff = relativeCutoff ?? RankCutoff<T>(rows, columns);
        if (!(cutoff >= 0 && cutoff < 1)) throw new ArgumentOutOfRangeException(nameof(relativeCutoff), cutoff, "The rank cut-off must be in [0, 1).");
        int k = Math.Min(rows, columns);
        var s = new T[k];
        var u = new T[rows * k];
        var vt = new T[k * columns];
        new SvdWorkspace<T>(rows, columns).Decompose(columnMajor, rows, s, u, rows, vt, k);
        if (!(s[0] > T.Zero)) throw new ArgumentException("M_star is zero; relative errors against it are undefined.", nameof(columnMajor));
        int rank = 0;
        T threshold = T.CreateTruncating(cutoff) * s[0];
        while (rank < k && s[rank] > threshold) rank++;
        var left = new Matrix<T>(rows, rank, u[..(rows * rank)]);
        if (symmetric) return FromFactors(left, left, s[..rank]);
        var right = new Matrix<T>(columns, rank);
        for (int j = 0; j < rank; j++)
            for (int i = 0; i < columns; i++)
                right[i, j] = vt[j + i * k];
        return FromFactors(left, right, s[..rank]);
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
