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

/// <summary>Which side of B a triangular matrix multiplies in a solve.</summary>
public enum Side
{
    /// <summary>op(A)·X = α·B.</summary>
    Left = 141,

    /// <summary>X·op(A) = α·B: the form that right-multiplies a tall n×h factor by an h×h inverse without transposes.</summary>
    Right = 142,
}

/// <summary>Whether a triangular matrix has an implicit unit diagonal.</summary>
public enum Diagonal
{
    /// <summary>The stored diagonal is used.</summary>
    NonUnit = 131,

    /// <summary>The diagonal is taken as ones and never read.</summary>
    Unit = 132,
}
