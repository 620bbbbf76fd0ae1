using MatrixSensing.Interop;

namespace MatrixSensing.Tests.Interop;

public class NativeLibrariesTests
{
    [Test]
    public void Every_bound_entry_point_resolves()
    {
        Assert.Multiple(() =>
        {
            Assert.That(NativeLibraries.MissingEntryPoints(Cblas.LibraryName, Cblas.EntryPoints), Is.Empty);
            Assert.That(NativeLibraries.MissingEntryPoints(Cblas.LibraryName, OpenBlas.EntryPoints), Is.Empty);
            Assert.That(NativeLibraries.MissingEntryPoints(Lapacke.LibraryName, Lapacke.EntryPoints), Is.Empty);
        });
    }

    [Test]
    public void Describe_names_loaded_files_and_threads()
    {
        var d = NativeLibraries.Describe();
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(d.OpenBlasPath) || !Path.IsPathRooted(d.OpenBlasPath), d.OpenBlasPath);
            Assert.That(d.CoreName, Is.Not.Empty);
            Assert.That(d.Threads, Is.GreaterThanOrEqualTo(1));
            Assert.That(d.ToString(), Does.Contain("openblas"));
        });
    }

    [Test]
    public void Thread_scope_restores_previous_count()
    {
        int before = BlasThreads.Count;
        using (BlasThreads.Scope(2))
            Assert.That(BlasThreads.Count, Is.EqualTo(2));
        Assert.That(BlasThreads.Count, Is.EqualTo(before));
    }

    [Test]
    public void Thread_count_below_one_is_rejected() =>
        Assert.That(() => BlasThreads.Count = 0, Throws.TypeOf<ArgumentOutOfRangeException>());

    [Test]
    public void Unknown_logical_name_is_rejected() =>
        Assert.That(() => NativeLibraries.SetOverride("mkl", "/x"), Throws.ArgumentException);
}
