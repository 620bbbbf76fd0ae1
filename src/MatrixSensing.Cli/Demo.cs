using System.Diagnostics;
using System.Globalization;
using MatrixSensing.Interop;
using MatrixSensing.LinearAlgebra;
using MatrixSensing.Random;

namespace MatrixSensing.Cli;

/// <summary>`msense demo`: multiplies and decomposes a random matrix through the native layer and checks the result.</summary>
internal static class Demo
{
    public static int Run(TextWriter stdout, bool json = false)
    {
        const int m = 400, n = 200;
        var a = new Matrix<double>(m, n);
        new RandomStream(1).FillNormal(a.Span, 1.0);
        var sw = Stopwatch.StartNew();
        var gram = new Matrix<double>(n, n);
        Blas.Gemm(Transpose.Transposed, Transpose.None, n, n, m, 1.0, a.Data, m, a.Data, m, 0.0, gram.Data, n);
        double gemmMs = sw.Elapsed.TotalMilliseconds;
        var s = new double[n];
        var u = new double[m * n];
        var vt = new double[n * n];
        sw.Restart();
        new SvdWorkspace<double>(m, n).Decompose(a.Data, m, s, u, m, vt, n);
        double svdMs = sw.Elapsed.TotalMilliseconds;
        // A = U·diag(s)·Vᵀ, and AᵀA's trace is the sum of squared singular values.
        for (int j = 0; j < n; j++) Blas.Scal(s[j], u.AsSpan(j * m, m));
        var rebuilt = new double[m * n];
        Blas.Gemm(Transpose.None, Transpose.None, m, n, n, 1.0, u, m, vt, n, 0.0, rebuilt, m);
        Blas.Axpy(-1.0, a.Data, rebuilt);
        double trace = 0, sumSquares = 0;
        for (int i = 0; i < n; i++) { trace += gram[i, i]; sumSquares += s[i] * s[i]; }
        double reconstruction = Blas.Nrm2<double>(rebuilt) / a.FrobeniusNorm();
        double mismatch = Math.Abs(trace - sumSquares) / trace;
        bool passed = reconstruction < 1e-12;
        if (json)
        {
            stdout.WriteLine(System.Text.Json.JsonSerializer.Serialize(new Commands.DemoReport(gemmMs, svdMs, s[0], s[^1], reconstruction, mismatch, passed), Commands.CommandJson.Default.DemoReport));
            return passed ? ExitCodes.Success : ExitCodes.Diverged;
        }
        stdout.WriteLine(NativeLibraries.Describe());
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"AᵀA of a {m}×{n} Gaussian matrix: {gemmMs:F2} ms; thin SVD: {svdMs:F2} ms"));
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"σ₁ = {s[0]:F3}, σ_min = {s[^1]:F3}; ‖A − UΣVᵀ‖/‖A‖ = {reconstruction:E2}; |tr(AᵀA) − Σσ²|/tr = {mismatch:E2}"));
        return passed ? ExitCodes.Success : ExitCodes.Diverged;
    }
}
