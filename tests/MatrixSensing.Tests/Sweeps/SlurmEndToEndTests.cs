using System.Diagnostics;

namespace MatrixSensing.Tests.Sweeps;

/// <summary>
/// The Slurm route for real: docs/cluster/test-one-node.sh starts munged, slurmctld and slurmd for a one-node
/// cluster, submits the sweep as a 4-task array with a dependent merge job (docs/cluster/submit.sh), compares the
/// merged result with an unsharded run, and stops the daemons it started. Ignored (with the script's reason) where
/// it cannot run: not root, Slurm not installed, or a Slurm daemon already running.
/// </summary>
public class SlurmEndToEndTests
{
    [Test]
    [CancelAfter(600_000)]
    public void A_four_task_array_and_its_merge_job_reproduce_the_unsharded_sweep()
    {
        string script = Path.Combine(RepositoryRoot(), "docs", "cluster", "test-one-node.sh");
        string work = Directory.CreateTempSubdirectory("msense-slurm-").FullName;
        try
        {
            string grid = Path.Combine(work, "grid.json");
            File.WriteAllText(grid, SweepTestSupport.SmallGrid);
            var start = new ProcessStartInfo("bash", [script, grid, Path.Combine(work, "run")]) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["MSENSE"] = "dotnet " + Path.Combine(AppContext.BaseDirectory, "msense.dll");
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd() + stderr.Result;
            process.WaitForExit();
            TestContext.Out.WriteLine(output);
            if (process.ExitCode == 77) Assert.Ignore(output.Trim().Split('\n').Last());
            Assert.That(process.ExitCode, Is.Zero, output);
            Assert.That(output, Does.Contain("slurm-e2e: OK"));
            Assert.That(Process.GetProcessesByName("slurmctld").Concat(Process.GetProcessesByName("slurmd")), Is.Empty, "no Slurm daemon left running");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "docs", "cluster", "test-one-node.sh"))) return dir.FullName;
        throw new InvalidOperationException("docs/cluster/test-one-node.sh not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>The cluster recipes in docs/cluster agree with the command line they drive.</summary>
public class ClusterRecipeTests
{
    [Test]
    public void The_Kubernetes_manifest_holds_a_valid_grid_and_one_shard_per_completion_index()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "docs", "cluster", "k8s-indexed-job.yaml"))) root = Path.GetDirectoryName(root)!;
        var lines = File.ReadAllLines(Path.Combine(root, "docs", "cluster", "k8s-indexed-job.yaml"));
        int start = Array.FindIndex(lines, l => l.Trim() == "grid.json: |") + 1;
        var grid = string.Join('\n', lines.Skip(start).TakeWhile(l => l.StartsWith("    ", StringComparison.Ordinal)));
        var planned = MatrixSensing.Cli.Sweeps.SweepGrid.Parse(grid, "k8s-indexed-job.yaml").Plan();
        string completions = lines.Single(l => l.TrimStart().StartsWith("completions:", StringComparison.Ordinal)).Split(':')[1].Split('#')[0].Trim();
        Assert.That(planned, Is.Not.Empty);
        Assert.That(string.Join('\n', lines), Does.Contain($"--shard \"$JOB_COMPLETION_INDEX/{completions}\""));
    }
}
