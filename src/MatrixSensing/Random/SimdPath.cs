using System.Runtime.Intrinsics.X86;

namespace MatrixSensing.Random;

/// <summary>Which instruction set the bulk kernels use. Every path produces bit-identical output.</summary>
internal enum SimdPath
{
    /// <summary>Portable scalar code: the reference definition of every kernel.</summary>
    Scalar,

    /// <summary>AVX2: 256-bit vectors, table lookups by gather.</summary>
    Avx2,

    /// <summary>AVX-512F: 512-bit vectors, table lookups by two-source permutes held in registers.</summary>
    Avx512,
}

/// <summary>The kernel path in use; tests switch it to check that all paths agree bit for bit.</summary>
internal static class SimdSelector
{
    /// <summary>The best path the hardware supports.</summary>
    public static SimdPath Best { get; } =
        Avx512F.IsSupported ? SimdPath.Avx512 : Avx2.IsSupported ? SimdPath.Avx2 : SimdPath.Scalar;

    private static SimdPath s_current = Best;

    /// <summary>The path the kernels take; setting a path the hardware lacks falls back to the best one below it.</summary>
    public static SimdPath Current
    {
        get => s_current;
        set => s_current = value > Best ? Best : value;
    }
}
