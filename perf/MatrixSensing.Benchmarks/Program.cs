using BenchmarkDotNet.Running;
using MatrixSensing.Benchmarks.SideBySide;

// `side-by-side [options]` runs the interleaved comparison with NumPy and MathNet (./build.sh --target=Perf);
// anything else goes to BenchmarkDotNet (./build.sh --target=Bench --filter=...).
if (args.Length > 0 && args[0] == "side-by-side")
    return Harness.Run(args[1..]);
if (args.Length > 0 && args[0] == PlatformChild.Verb) return PlatformChild.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Harness).Assembly).Run(args);
return 0;
