namespace MatrixSensing.IO;

/// <summary>The form in which a problem bundle gives its measurement operator (see <see cref="ProblemBundle"/>).</summary>
public enum BundleKind
{
    /// <summary>A dense ensemble <c>A</c>, m×n1×n2 or flattened m×(n1·n2).</summary>
    Dense,

    /// <summary>Observed entries of the matrix: <c>rows</c>, <c>cols</c>, <c>values</c> (matrix completion).</summary>
    Completion,

    /// <summary>Rank-one measurements a_iᵀ M b_i: <c>a</c> (m×n1) and <c>b</c> (m×n2), or <c>a</c> alone for the symmetric form.</summary>
    RankOne,
}
