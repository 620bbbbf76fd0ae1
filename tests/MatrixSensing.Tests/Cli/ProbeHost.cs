using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace MatrixSensing.Tests.Cli;

/// <summary>What one probe's child process did.</summary>
/// <param name="ExitCode">The process exit code.</param>
/// <param name="Stdout">Everything written to stdout.</param>
/// <param name="Stderr">Everything written to stderr.</param>
/// <param name="SecondsAfterLastSignal">From the last signal sent to the exit, or null when no signal was sent.</param>
public sealed record ProbeResult(int ExitCode, string Stdout, string Stderr, double? SecondsAfterLastSignal);

/// <summary>
/// Runs the built `msense` (copied beside the tests) in a child process, optionally sending it signals once a given
/// line has appeared on its stderr, and never waits for ever: a child that hangs is killed and the probe fails.
/// </summary>
internal static partial class ProbeHost
{
    /// <summary>Longest a probe may run before it counts as hanging.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static ProbeResult Run(IReadOnlyList<string> args, Probe probe)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "msense.dll");
        Assert.That(File.Exists(cli), Is.True, $"the CLI is copied beside the tests: {cli}");
        var start = SignalsIgnored() && probe.Signals.Length > 0
            // A shell starts background jobs with SIGINT ignored, and an ignored signal stays ignored across exec:
            // reset it so that the child sees Ctrl-C as a terminal would deliver it.
            ? new ProcessStartInfo("/usr/bin/python3", ["-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])", "dotnet", cli, .. args])
            : new ProcessStartInfo("dotnet", [cli, .. args]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.Environment["OPENBLAS_NUM_THREADS"] = "1";
        foreach (var (name, value) in probe.Environment) start.Environment[name] = value;

        using var process = new Process { StartInfo = start };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var seen = new ManualResetEventSlim(probe.WaitFor.Length == 0);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) stderr.AppendLine(e.Data);
            if (probe.WaitFor.Length > 0 && e.Data.Contains(probe.WaitFor, StringComparison.Ordinal)) seen.Set();
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        Stopwatch? sinceSignal = null;
        if (probe.Signals.Length > 0)
        {
            if (!seen.Wait(Timeout))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"'{probe.WaitFor}' never appeared on stderr:\n{stderr}");
            }
            Thread.Sleep(probe.Delay);
            foreach (var signal in probe.Signals)
            {
                if (Kill(process.Id, signal == PosixSignal.SIGTERM ? 15 : 2) != 0)
                {
                    // The first signal may already have ended the process (a build is abandoned within ~0.2 s), and a
                    // reaped child has no pid left to signal: that is the outcome, not a failure to deliver.
                    Assert.That(process.WaitForExit(2000), Is.True, "kill(2) failed although the process is still running");
                    break;
                }
                sinceSignal = Stopwatch.StartNew();
                Thread.Sleep(50); // "twice within a second"
            }
        }
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"msense {string.Join(' ', args)} did not exit within {Timeout.TotalMinutes} minutes (hung):\n{stderr}");
        }
        process.WaitForExit(); // drains the asynchronous readers
        double? seconds = sinceSignal is null ? null : sinceSignal.Elapsed.TotalSeconds + 0.05;
        lock (stdout) lock (stderr) return new ProbeResult(process.ExitCode, stdout.ToString(), stderr.ToString(), seconds);
    }

    /// <summary>Runs a tool (mount, mkfifo, …) and returns its exit code and stderr; -1 when it cannot start.</summary>
    public static (int Code, string Stderr) Tool(string tool, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(tool, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            string error = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }

    /// <summary>SIGINT is ignored in this process (and so would be in a child started directly).</summary>
    private static bool SignalsIgnored()
    {
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line[7..].Trim(), 16) & (1UL << (2 - 1))) != 0;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
