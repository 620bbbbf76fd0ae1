namespace MatrixSensing.Interop;

/// <summary>
/// OpenBLAS's thread count. The setting is process-wide: a <see cref="Scope"/> is for a program's main flow,
/// not for code that runs on several threads at once.
/// </summary>
public static class BlasThreads
{
    /// <summary>The number of threads OpenBLAS uses for one call.</summary>
    public static int Count
    {
        get { NativeLibraries.EnsureLoaded(); return OpenBlas.openblas_get_num_threads(); }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            NativeLibraries.EnsureLoaded();
            OpenBlas.openblas_set_num_threads(value);
        }
    }

    /// <summary>Sets the thread count until the returned scope is disposed, then restores the previous one.</summary>
    public static ThreadScope Scope(int threads)
    {
        int previous = Count;
        Count = threads;
        return new ThreadScope(previous);
    }

    /// <summary>Restores the previous OpenBLAS thread count when disposed.</summary>
    public readonly struct ThreadScope : IDisposable
    {
        private readonly int _previous;
        internal ThreadScope(int previous) => _previous = previous;

        /// <summary>Restores the thread count in force before the scope began.</summary>
        public void Dispose() { if (_previous > 0) Count = _previous; }
    }
}
