using MatrixSensing.IO;
using MatrixSensing.Tests.Cli;

namespace MatrixSensing.Tests.IO;

/// <summary>AtomicFile: readers see the old complete file or the new one, never a truncated one, whatever fails.</summary>
public class AtomicFileTests
{
    private string _dir = "";

    [SetUp]
    public void MakeDirectory() => _dir = Directory.CreateTempSubdirectory("msense-atomic-").FullName;

    [TearDown]
    public void RemoveDirectory()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static string[] FilesIn(string dir) => [.. Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    [Test]
    public void Writes_a_new_file_and_replaces_an_old_one_leaving_no_temporary_file()
    {
        string path = Path.Combine(_dir, "a.csv");
        AtomicFile.WriteAllText(path, "first\n");
        AtomicFile.WriteAllText(path, "second, longer\n");
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(path), Is.EqualTo("second, longer\n"));
            Assert.That(FilesIn(_dir), Is.EqualTo(new[] { "a.csv" }));
            Assert.That(File.ReadAllBytes(path)[0], Is.EqualTo((byte)'s'), "no byte-order mark");
        });
    }

    [Test]
    public void A_failing_writer_leaves_the_previous_file_intact()
    {
        string path = Path.Combine(_dir, "estimate.npz");
        File.WriteAllText(path, "valid");
        var thrown = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[1000]);
            throw new InvalidOperationException("writer failed half way");
        }));
        Assert.Multiple(() =>
        {
            Assert.That(thrown!.Message, Does.Contain("half way"));
            Assert.That(File.ReadAllText(path), Is.EqualTo("valid"));
            Assert.That(FilesIn(_dir), Is.EqualTo(new[] { "estimate.npz" }));
        });
    }

    [Test]
    public void A_directory_in_the_way_is_refused_with_its_name()
    {
        string path = Path.Combine(_dir, "trace.json");
        Directory.CreateDirectory(path);
        var e = Assert.Throws<IOException>(() => AtomicFile.WriteAllText(path, "{}"));
        Assert.That(e!.Message, Does.Contain("trace.json").And.Contain("directory"));
    }

    [Test]
    public void Pending_temporary_files_can_be_removed_by_a_process_about_to_exit()
    {
        string path = Path.Combine(_dir, "figure.png");
        int removed = -1;
        string[] during = [];
        Assert.Throws<FileNotFoundException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[10]);
            during = FilesIn(_dir);
            removed = AtomicFile.DeletePendingTemporaryFiles();
        }));
        Assert.Multiple(() =>
        {
            Assert.That(during, Has.Length.EqualTo(1));
            Assert.That(during[0], Does.StartWith(".figure.png.").And.EndWith(AtomicFile.TemporarySuffix));
            Assert.That(removed, Is.EqualTo(1));
            Assert.That(FilesIn(_dir), Is.Empty, "neither the target nor the temporary file");
        });
    }

    /// <summary>
    /// A real full disk: a 64 KiB tmpfs. Needs root and permission to mount (a container may forbid it); the test is
    /// skipped, saying why, when mounting fails.
    /// </summary>
    [Test]
    public void A_full_disk_fails_with_a_clear_message_and_keeps_the_previous_file()
    {
        string mount = Path.Combine(_dir, "tiny");
        Directory.CreateDirectory(mount);
        var (code, error) = ProbeHost.Tool("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount);
        if (code != 0) Assert.Ignore($"cannot mount a 64 KiB tmpfs here (needs root and mount permission): {error.Trim()}");
        try
        {
            string path = Path.Combine(mount, "estimate.npz");
            var previous = new byte[20_000];
            new System.Random(1).NextBytes(previous);
            AtomicFile.WriteAllBytes(path, previous);
            var e = Assert.Throws<IOException>(() => AtomicFile.WriteAllBytes(path, new byte[200_000]));
            Assert.Multiple(() =>
            {
                Assert.That(e!.Message, Does.Contain("estimate.npz").And.Contain("unchanged"));
                Assert.That(File.ReadAllBytes(path), Is.EqualTo(previous));
                Assert.That(FilesIn(mount), Is.EqualTo(new[] { "estimate.npz" }), "the temporary file is removed");
            });
        }
        finally
        {
            ProbeHost.Tool("umount", mount);
        }
    }
}
