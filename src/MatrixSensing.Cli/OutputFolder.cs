using System.Text.Json;
using System.Text.Json.Serialization;
using MatrixSensing.IO;

namespace MatrixSensing.Cli;

/// <summary>What a run wrote into its output folder (manifest.json, or manifest.partial.json for a cancelled run).</summary>
/// <param name="Command">The command line after `msense`.</param>
/// <param name="Complete">False when the run was cancelled: the files it lists then carry ".partial" in their names.</param>
/// <param name="ExitCode">The process's exit code (see `msense --help`).</param>
/// <param name="Finished">When the run finished (UTC, ISO 8601).</param>
/// <param name="Files">The files this run wrote, relative to the folder.</param>
/// <param name="NotThisRun">Other files in the folder, left from earlier runs or other tools; this run did not write them.</param>
internal sealed record Manifest(string Command, bool Complete, int ExitCode, string Finished, IReadOnlyList<string> Files, IReadOnlyList<string> NotThisRun);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Manifest))]
internal sealed partial class ManifestJson : JsonSerializerContext;

/// <summary>
/// The `--out` folder of one command: created and probed for writing before anything is computed, locked against a
/// second `msense` writing into it at the same time (an advisory lock on <c>.msense.lock</c>, released by the
/// kernel when the process ends, however it ends), and given a manifest of the files this run wrote. A cancelled run
/// writes its files as <c>NAME.partial.EXT</c>, so that a partial result never replaces a complete one.
/// </summary>
internal sealed class OutputFolder : IDisposable
{
    /// <summary>The lock file's name.</summary>
    public const string LockName = ".msense.lock";

    private readonly FileStream _lock;
    private readonly List<string> _files = [];

    private OutputFolder(string path, FileStream @lock)
    {
        FullPath = path;
        _lock = @lock;
    }

    /// <summary>The folder as given on the command line.</summary>
    public string FullPath { get; }

    /// <summary>This run was cancelled: files get ".partial" names and the manifest says complete = false.</summary>
    public bool Partial { get; set; }

    /// <summary>Creates, probes and locks the folder.</summary>
    /// <exception cref="CliException">Not creatable or writable (exit 1), or in use by another msense (exit 1).</exception>
    public static OutputFolder Open(string path)
    {
        if (System.IO.File.Exists(path)) throw new CliException(ExitCodes.Failed, $"--out '{path}' is a file, not a folder");
        FileStream? handle = null;
        bool created = false;
        try
        {
            Directory.CreateDirectory(path);
            created = true;
            // FileShare.None is an flock(LOCK_EX | LOCK_NB) on Unix: a second msense on the same folder fails here.
            handle = new FileStream(Path.Combine(path, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            handle.SetLength(0);
            handle.Write(System.Text.Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n"));
            handle.Flush(flushToDisk: true);
            return new OutputFolder(path, handle);
        }
        catch (IOException e) when (created && handle is null && System.IO.File.Exists(Path.Combine(path, LockName)))
        {
            throw new CliException(ExitCodes.Failed, $"--out '{path}' is in use by another msense (it holds {LockName}); wait for it to finish or choose another folder", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            handle?.Dispose();
            throw new CliException(ExitCodes.Failed, $"cannot write to --out '{path}': {e.Message.TrimEnd('.')}; nothing was computed", e);
        }
    }

    /// <summary>
    /// The path to write the file <paramref name="name"/> to (with ".partial" before the extension when
    /// <see cref="Partial"/>), recorded for the manifest.
    /// </summary>
    public string File(string name)
    {
        string actual = Partial ? PartialName(name) : name;
        if (!_files.Contains(actual)) _files.Add(actual);
        return Path.Combine(FullPath, actual);
    }

    /// <summary>The stem to give a figure renderer that appends ".png"/".svg" itself; records both names.</summary>
    public string FigureStem(string name, bool svg)
    {
        File(name + ".png");
        if (svg) File(name + ".svg");
        return Partial ? name + ".partial" : name;
    }

    /// <summary>"trace.csv" → "trace.partial.csv".</summary>
    public static string PartialName(string name) => Path.GetFileNameWithoutExtension(name) + ".partial" + Path.GetExtension(name);

    /// <summary>The files recorded so far, in the order first written.</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>
    /// Writes the manifest (manifest.json, or manifest.partial.json when partial) listing this run's files and every
    /// other file found in the folder as not from this run; returns those others.
    /// </summary>
    public IReadOnlyList<string> WriteManifest(string command, int exitCode)
    {
        string manifestName = Partial ? "manifest.partial.json" : "manifest.json";
        var others = Directory.EnumerateFiles(FullPath)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(f => f != LockName && f != manifestName && !_files.Contains(f) && !(f.StartsWith('.') && f.EndsWith(AtomicFile.TemporarySuffix, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .ToList();
        var manifest = new Manifest(command, !Partial, exitCode, DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture), [.. _files], others);
        AtomicFile.WriteAllText(Path.Combine(FullPath, manifestName), JsonSerializer.Serialize(manifest, ManifestJson.Default.Manifest) + "\n");
        return others;
    }

    public void Dispose() => _lock.Dispose();
}
