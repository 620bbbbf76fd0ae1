using MathNet.Numerics;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace MatrixSensing.Tests.LinearAlgebra;

/// <summary>The oracle for every test in this namespace is MathNet.Numerics' managed provider, never a native one.</summary>
[SetUpFixture]
public sealed class LinearAlgebraSetup
{
    [OneTimeSetUp]
    public void UseManagedOracle()
    {
        Control.UseManaged();
        TestContext.Progress.WriteLine($"Oracle: MathNet.Numerics {LinearAlgebraControl.Provider}");
    }
}
