using System.Diagnostics;

namespace MatrixSensing.Tests.Interop;

/// <summary>
/// The start-up check linked into the x86-64-v3 NativeAOT executable (src/MatrixSensing.Cli/Aot/require_x86_64_v3.c),
/// compiled here into a one-line program and run on this CPU and, through QEMU's user-mode emulator, on an older
/// one (Nehalem: SSE4.2, no AVX), where it must stop with one line naming the missing extension.
/// </summary>
[Category("ChildProcess")]
public class AotCpuCheckTests
{
    private static string? s_program;

    [OneTimeSetUp]
    public void Compile()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
            Assert.Ignore("x86-64 Linux only");
        string source = Path.Combine(Root(), "src", "MatrixSensing.Cli", "Aot", "require_x86_64_v3.c");
        string dir = Directory.CreateTempSubdirectory("msense-v3check-").FullName;
        string main = Path.Combine(dir, "main.c");
        File.WriteAllText(main, "#include <stdio.h>\nint main(void) { puts(\"started\"); return 0; }\n");
        s_program = Path.Combine(dir, "check");
        var (code, _, stderr) = Run("gcc", ["-O2", "-o", s_program, main, source]);
        if (code != 0) Assert.Ignore($"no working gcc: {stderr}");
    }

    [Test]
    public void An_x86_64_v3_CPU_passes_the_check()
    {
        var flags = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal)).Split(' ');
        if (!new[] { "avx2", "fma", "bmi1", "bmi2", "movbe", "f16c", "abm" }.All(flags.Contains)) Assert.Ignore("this CPU is not x86-64-v3");
        var (code, stdout, stderr) = Run(s_program!, []);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout.Trim(), Is.EqualTo("started"));
    }

    [Test]
    public void An_older_CPU_gets_one_line_naming_the_missing_extension_and_exit_code_1()
    {
        string? qemu = new[] { "/usr/bin/qemu-x86_64-static", "/usr/bin/qemu-x86_64" }.FirstOrDefault(File.Exists);
        if (qemu is null) Assert.Ignore("no qemu-x86_64 (Debian: qemu-user-static) to emulate an older CPU");
        var (code, stdout, stderr) = Run(qemu, ["-cpu", "Nehalem", s_program!]);
        var lines = stderr.Split('\n').Where(l => l.StartsWith("msense:", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(stdout, Does.Not.Contain("started"), "the check runs before main");
            Assert.That(lines, Has.Count.EqualTo(1));
            Assert.That(lines.FirstOrDefault(), Does.Contain("x86-64-v3").And.Contain("lacks FMA").And.Contain("IlcInstructionSet=x86-64-v2"));
        });
    }

    private static (int Code, string Stdout, string Stderr) Run(string file, string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MatrixSensing.Native.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("repository root (MatrixSensing.Native.sln) not found above " + AppContext.BaseDirectory);
    }
}
