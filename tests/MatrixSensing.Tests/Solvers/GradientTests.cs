namespace MatrixSensing.Tests.Solvers;

/// <summary>The gradient products the solvers use equal finite differences of the SPEC §3 losses.</summary>
public class GradientTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void Factored_gradient_matches_central_differences(bool symmetric)
    {
        int n = 8, h = 3, m = 120;
        var op = TestProblems.Gaussian(n, n, m, 11, symmetric);
        var rng = new MatrixSensing.Random.RandomStream(5);
        var u = new double[n * h];
        var v = symmetric ? u : new double[n * h];
        var y = new double[m];
        rng.FillNormal<double>(u, 1);
        if (!symmetric) rng.FillNormal<double>(v, 1);
        rng.FillNormal<double>(y, 1);
        var ws = op.CreateWorkspace(h);

        double Loss()
        {
            var r = new double[m];
            op.ApplyFactored(u, v, ws, r);
            double s = 0;
            for (int i = 0; i < m; i++) s += (r[i] - y[i]) * (r[i] - y[i]);
            return (symmetric ? 0.25 : 0.5) * s;
        }

        var residual = new double[m];
        op.ApplyFactored(u, v, ws, residual);
        for (int i = 0; i < m; i++) residual[i] -= y[i];
        var gv = new double[n * h];
        var gtu = new double[n * h];
        op.AdjointFactored(residual, u, v, ws, gv, gtu);
        var gradU = symmetric ? gv.Zip(gtu, (a, b) => (a + b) / 2).ToArray() : gv;

        const double eps = 1e-6;
        for (int k = 0; k < u.Length; k += 5)
        {
            double saved = u[k];
            u[k] = saved + eps; double plus = Loss();
            u[k] = saved - eps; double minus = Loss();
            u[k] = saved;
            AssertClose(gradU[k], (plus - minus) / (2 * eps), $"∂f/∂U[{k}]");
        }
        if (!symmetric)
        {
            for (int k = 0; k < v.Length; k += 5)
            {
                double saved = v[k];
                v[k] = saved + eps; double plus = Loss();
                v[k] = saved - eps; double minus = Loss();
                v[k] = saved;
                AssertClose(gtu[k], (plus - minus) / (2 * eps), $"∂f/∂V[{k}]");
            }
        }
    }

    private static void AssertClose(double analytic, double numeric, string what) =>
        Assert.That(Math.Abs(analytic - numeric), Is.LessThanOrEqualTo(1e-6 * (1 + Math.Abs(numeric))), $"{what}: {analytic} vs {numeric}");
}
