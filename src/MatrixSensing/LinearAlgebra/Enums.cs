namespace MatrixSensing.LinearAlgebra;

/// <summary>Whether a BLAS operand is used as stored or transposed.</summary>
public enum Transpose
{
    /// <summary>Use the matrix as stored.</summary>
    None = 111,

    /// <summary>Use the transpose of the stored matrix.</summary>
    Transposed = 112,
}

/// <summary>Which triangle of a symmetric matrix a routine reads or writes.</summary>
public enum Triangle
{
    /// <summary>The upper triangle.</summary>
    Upper = 121,

    /// <summary>The lower triangle.</summary>
    Lower = 122,
}
