using System.Collections.Concurrent;
using System.Text;

namespace MatrixSensing.IO;

/// <summary>
/// Writes a file so that readers only ever see the previous complete file or the new complete one: the content goes
/// to a temporary file in the same folder (<c>.NAME.PID.RANDOM.tmp</c>), is flushed to the disk (fsync), and is then
/// renamed over the target, which POSIX makes atomic within one file system. A failure at any point — a full disk,
/// an exception from the writer, a killed process — leaves the target untouched; the temporary file is removed
/// unless the process itself dies.
/// </summary>
/// <remarks>
/// The folder itself is not fsynced, so after a power loss the rename may be lost (the old file is then still
/// there, complete). Temporary files of writes still in progress can be removed with
/// <see cref="DeletePendingTemporaryFiles"/> by a process about to exit without finishing them.
/// </remarks>
public static class AtomicFile
{
    /// <summary>The ending of every temporary file name, so that a folder listing can skip them.</summary>
    public const string TemporarySuffix = ".tmp";

    private static readonly ConcurrentDictionary<string, byte> Pending = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();
    private static bool _refusing;

    /// <summary>Writes <paramref name="path"/> atomically with what <paramref name="write"/> puts into the stream.</summary>
    /// <param name="path">The file to create or replace; its folder must exist.</param>
    /// <param name="write">Writes the whole content; the stream is positioned at 0, seekable, and closed afterwards by this method.</param>
    /// <exception cref="IOException">The file cannot be written (message names the file and says the previous one is unchanged).</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string target = Path.GetFullPath(path);
        if (Directory.Exists(target)) throw new IOException($"cannot write '{path}': it is a directory.");
        string folder = Path.GetDirectoryName(target)!;
        string temporary = Path.Combine(folder, $".{Path.GetFileName(target)}.{Environment.ProcessId}.{System.Random.Shared.Next():x8}{TemporarySuffix}");
        FileStream created;
        // Created and registered under the gate, so that DeletePendingTemporaryFiles sees every file that exists.
        lock (Gate)
        {
            if (_refusing) throw new IOException($"cannot write '{path}': the process is exiting; any previous '{Path.GetFileName(target)}' is unchanged.");
            created = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
            Pending[temporary] = 0;
        }
        try
        {
            using (var stream = created)
            {
                write(stream);
                // fsync before the rename: otherwise a crash could leave the new name pointing at unwritten blocks.
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
        }
        catch (Exception e)
        {
            created.Dispose();
            TryDelete(temporary);
            if (e is IOException && e is not FileNotFoundException and not DirectoryNotFoundException)
                throw new IOException($"cannot write '{path}': {e.Message.TrimEnd('.')}; any previous '{Path.GetFileName(target)}' is unchanged.", e);
            throw;
        }
        finally
        {
            Pending.TryRemove(temporary, out _);
        }
    }

    /// <summary>Writes <paramref name="contents"/> atomically as UTF-8 without a byte-order mark.</summary>
    /// <param name="path">The file to create or replace; its folder must exist.</param>
    /// <param name="contents">The text.</param>
    /// <exception cref="IOException">The file cannot be written; any previous file is unchanged.</exception>
    public static void WriteAllText(string path, string contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        WriteAllBytes(path, new UTF8Encoding(false).GetBytes(contents));
    }

    /// <summary>Writes <paramref name="bytes"/> atomically.</summary>
    /// <param name="path">The file to create or replace; its folder must exist.</param>
    /// <param name="bytes">The content.</param>
    /// <exception cref="IOException">The file cannot be written; any previous file is unchanged.</exception>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, stream => stream.Write(bytes));
    }

    /// <summary>
    /// Deletes the temporary files of writes still in progress in this process, for a process that is about to exit
    /// without letting them finish (their targets keep their previous content). Safe to call from any thread.
    /// </summary>
    /// <param name="refuseNewWrites">
    /// From now on every write in this process fails with <see cref="IOException"/> before creating anything, so that
    /// no temporary file appears between this call and the exit. Default false.
    /// </param>
    /// <returns>How many files were removed.</returns>
    public static int DeletePendingTemporaryFiles(bool refuseNewWrites = false)
    {
        lock (Gate)
        {
            _refusing |= refuseNewWrites;
            int removed = 0;
            foreach (var temporary in Pending.Keys)
                if (TryDelete(temporary)) removed++;
            return removed;
        }
    }

    private static bool TryDelete(string file)
    {
        try
        {
            if (!File.Exists(file)) return false;
            File.Delete(file);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
