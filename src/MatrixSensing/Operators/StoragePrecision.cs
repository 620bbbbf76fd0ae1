namespace MatrixSensing.Operators;

/// <summary>How a generated dense ensemble is stored, independent of the precision the solver computes in.</summary>
public enum StoragePrecision
{
    /// <summary>Stored in the compute precision T.</summary>
    Compute,

    /// <summary>
    /// Stored in float32 while computing in T = double. Measurements are taken from the stored values, so the
    /// problem stays exact; each pass streams half the bytes of a float64 ensemble.
    /// </summary>
    Reduced,
}
