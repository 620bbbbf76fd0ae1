using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MatrixSensing.Benchmarks.SideBySide;

/// <summary>
/// The long-lived NumPy process (perf/peers/numpy_iteration.py), driven one JSON line at a time over stdin/stdout so
/// that its timed rounds interleave with ours. It times itself around the iteration only.
/// </summary>
internal sealed class NumPyPeer : IDisposable
{
    private readonly Process _process;

    private NumPyPeer(Process process) => _process = process;

    /// <summary>Starts the peer with OpenBLAS pinned to <paramref name="threads"/> threads.</summary>
    /// <param name="python">The interpreter that has NumPy (/usr/bin/python3 on Debian).</param>
    /// <param name="script">numpy_iteration.py.</param>
    /// <param name="threads">OPENBLAS_NUM_THREADS.</param>
    public static NumPyPeer Start(string python, string script, int threads)
    {
        var info = new ProcessStartInfo(python, ["-u", script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        string t = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["OPENBLAS_NUM_THREADS"] = t;
        info.Environment["OMP_NUM_THREADS"] = t;
        return new NumPyPeer(Process.Start(info) ?? throw new InvalidOperationException($"Could not start {python} {script}."));
    }

    /// <summary>Sends one command and returns the answer; throws when the peer reports an error.</summary>
    /// <param name="command">The command object.</param>
    public JsonObject Send(JsonObject command)
    {
        _process.StandardInput.WriteLine(command.ToJsonString());
        _process.StandardInput.Flush();
        string? line = _process.StandardOutput.ReadLine()
            ?? throw new InvalidOperationException($"The NumPy peer exited (code {(_process.HasExited ? _process.ExitCode : -1)}) on {command["op"]}.");
        var answer = JsonNode.Parse(line)!.AsObject();
        if (answer["error"] is { } error) throw new InvalidOperationException($"NumPy peer: {error} (on {command.ToJsonString()})");
        return answer;
    }

    /// <summary>Runs <paramref name="iterations"/> iterations of a loaded problem; seconds per iteration.</summary>
    /// <param name="id">The problem's id.</param>
    /// <param name="iterations">How many.</param>
    public double[] Run(string id, int iterations) =>
        Times(Send(new JsonObject { ["op"] = "run", ["id"] = id, ["iterations"] = iterations }));

    /// <summary>The "times" array of an answer.</summary>
    /// <param name="answer">The answer.</param>
    public static double[] Times(JsonObject answer) => answer["times"]!.AsArray().Select(n => n!.GetValue<double>()).ToArray();

    /// <summary>Reads a flat array of doubles from an answer.</summary>
    /// <param name="answer">The answer.</param>
    /// <param name="name">Field.</param>
    public static double[] Doubles(JsonObject answer, string name) => answer[name]!.AsArray().Select(n => n!.GetValue<double>()).ToArray();

    /// <summary>Asks the peer to quit and waits for it.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                Send(new JsonObject { ["op"] = "quit" });
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException) { }
        catch (IOException) { }
        finally
        {
            if (!_process.HasExited) _process.Kill();
            _process.Dispose();
        }
    }

    /// <summary>Serializer options for the report.</summary>
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
