using System.Globalization;
using System.Text;
using MatrixSensing.IO;
using CommandLine = MatrixSensing.Cli.Cli;

namespace MatrixSensing.Tests.IO;

/// <summary>`msense solve --problem ratings.csv`: row,col,value triples in, the low-rank matrix they sample out.</summary>
public class TripletCsvTests
{
    private const int N1 = 30, N2 = 25, Rank = 2;

    /// <summary>A rank-2 M (column-major) from a fixed seed, and the triples of about 60 % of its entries, in random order.</summary>
    private static (double[] M, List<(int Row, int Col, double Value)> Triples) Sample()
    {
        var random = new System.Random(7);
        var u = Enumerable.Range(0, N1 * Rank).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var v = Enumerable.Range(0, N2 * Rank).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var m = new double[N1 * N2];
        var triples = new List<(int, int, double)>();
        for (int j = 0; j < N2; j++)
            for (int i = 0; i < N1; i++)
            {
                for (int k = 0; k < Rank; k++) m[i + j * N1] += u[i + k * N1] * v[j + k * N2];
                if (random.NextDouble() < 0.6 || (i == N1 - 1 && j == N2 - 1)) triples.Add((i, j, m[i + j * N1]));
            }
        return (m, [.. triples.OrderBy(_ => random.Next())]);
    }

    private static (int Code, string Stderr) Msense(params string[] args)
    {
        var stderr = new StringWriter();
        int code = CommandLine.RunAsync([.. args, "--threads", "1", "--quiet"], new StringWriter(), stderr, CancellationToken.None).GetAwaiter().GetResult();
        return (code, stderr.ToString());
    }

    private static string Csv(IEnumerable<(int Row, int Col, double Value)> triples, string header = "row,col,value\n") =>
        header + string.Concat(triples.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Row},{t.Col},{t.Value:R}\n")));

    [Test]
    public void Solving_the_triples_of_a_rank_two_matrix_recovers_it()
    {
        var (m, triples) = Sample();
        using var dir = new NpyTestSupport.TempDirectory();
        string csv = Path.Combine(dir.Path, "ratings.csv");
        File.WriteAllText(csv, Csv(triples));
        string outDir = Path.Combine(dir.Path, "out");
        var (code, stderr) = Msense("solve", "--problem", csv, "--solver", "scaledgd", "--h", "2", "--max-iter", "3000", "--tol-residual", "1e-12", "--out", outDir);
        Assert.That(code, Is.Zero, stderr);
        var estimate = Npz.Read(Path.Combine(outDir, "estimate-scaledgd.npz"))["estimate"];
        Assert.That(estimate.Shape, Is.EqualTo(new long[] { N1, N2 }), "shape from the largest indices");
        var e = estimate.ToColumnMajor<double>();
        double error = Math.Sqrt(e.Zip(m, (a, b) => (a - b) * (a - b)).Sum() / m.Sum(x => x * x));
        Assert.That(error, Is.LessThan(1e-4));
    }

    [Test]
    public void The_header_is_optional_and_the_values_stay_with_their_entries()
    {
        var (_, triples) = Sample();
        using var dir = new NpyTestSupport.TempDirectory();
        string with = Path.Combine(dir.Path, "a.csv"), without = Path.Combine(dir.Path, "b.csv");
        File.WriteAllText(with, Csv(triples));
        File.WriteAllText(without, Csv(triples, header: ""));
        var a = TripletCsv.Load<double>(with).Problem;
        var b = TripletCsv.Load<double>(without).Problem;
        Assert.That(b.Measurements.ToArray(), Is.EqualTo(a.Measurements.ToArray()));
        Assert.That((a.Rows, a.Columns), Is.EqualTo((N1, N2)));
    }

    [TestCase("0,0,1\n1,x,2\n", "line 2: col 'x'")]
    [TestCase("0,0,1\n1,1\n", "line 2: expected 3 fields")]
    [TestCase("row,col,value\n0,0,1\n2,-1,3\n", "line 3: col '-1'")]
    [TestCase("0,0,1\n1,1,abc\n", "line 2: value 'abc'")]
    public void A_malformed_line_is_one_error_naming_it_with_exit_code_3(string content, string expected)
    {
        using var dir = new NpyTestSupport.TempDirectory();
        string csv = Path.Combine(dir.Path, "bad.csv");
        File.WriteAllText(csv, content, new UTF8Encoding(false));
        var (code, stderr) = Msense("solve", "--problem", csv, "--h", "1", "--out", Path.Combine(dir.Path, "out"));
        Assert.That(code, Is.EqualTo(3), stderr);
        Assert.That(stderr, Does.Contain(expected));
        Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(1), stderr);
    }

    [Test]
    public void A_duplicate_entry_is_refused_in_one_line()
    {
        using var dir = new NpyTestSupport.TempDirectory();
        string csv = Path.Combine(dir.Path, "dup.csv");
        File.WriteAllText(csv, "0,0,1\n1,1,2\n0,0,3\n");
        var (code, stderr) = Msense("solve", "--problem", csv, "--h", "1", "--out", Path.Combine(dir.Path, "out"));
        Assert.That(code, Is.EqualTo(3), stderr);
        Assert.That(stderr, Does.Contain("(0, 0) is observed twice"));
        Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(1), stderr);
    }
}
