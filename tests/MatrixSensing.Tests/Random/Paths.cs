using MatrixSensing.Random;

namespace MatrixSensing.Tests.Random;

/// <summary>Runs code with the bulk kernels forced onto one instruction-set path.</summary>
internal static class Paths
{
    /// <summary>Every path this machine supports, best last.</summary>
    public static IEnumerable<SimdPath> Supported()
    {
        foreach (SimdPath p in Enum.GetValues<SimdPath>())
        {
            if (p <= SimdSelector.Best)
            {
                yield return p;
            }
        }
    }

    /// <summary>Runs <paramref name="action"/> on <paramref name="path"/>, then restores the best path.</summary>
    public static T With<T>(SimdPath path, Func<T> action)
    {
        SimdSelector.Current = path;
        try
        {
            return action();
        }
        finally
        {
            SimdSelector.Current = SimdSelector.Best;
        }
    }
}
