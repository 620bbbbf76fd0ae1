using MatrixSensing.Interop;

namespace MatrixSensing.Tests;

/// <summary>Prints the native configuration before any test and pins OpenBLAS to one thread for repeatability.</summary>
[SetUpFixture]
public sealed class NativeSetup
{
    [OneTimeSetUp]
    public void DescribeNativeLayer()
    {
        BlasThreads.Count = 1;
        TestContext.Progress.WriteLine("Native configuration:");
        TestContext.Progress.WriteLine(NativeLibraries.Describe().ToString());
    }
}
