using MatrixSensing.Cli.Experiments;
using MatrixSensing.Interop;

// Interim entry point: `msense info` and `msense reproduce NAME [--out DIR]` until the full command set lands.
try
{
    return Run(args);
}
catch (Exception e) when (e is NativeLibraryException or ArgumentException or InsufficientMemoryException or IOException)
{
    Console.Error.WriteLine("msense: error: " + e.Message);
    return e is ArgumentException ? 2 : 1;
}

static int Run(string[] args)
{
if (args.Length > 0 && args[0] == "info")
{
    Console.WriteLine(NativeLibraries.Describe());
    return 0;
}
if (args.Length > 0 && args[0] == "demo") return MatrixSensing.Cli.Demo.Run(Console.Out);
if (args.Length > 0 && args[0] == "run")
{
    string dir = args.Length > 2 && args[1] == "--out" ? args[2] : "msense-out";
    using var cts = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
    return MatrixSensing.Cli.MainJob.Run(dir, Console.Out, Console.Error, cts.Token);
}
if (args.Length > 1 && args[0] == "reproduce")
{
    var experiment = Experiment.All.FirstOrDefault(e => e.Name == args[1]);
    if (experiment is null)
    {
        Console.Error.WriteLine($"msense: error: unknown experiment '{args[1]}'; one of: {string.Join(", ", Experiment.All.Select(e => e.Name))}");
        return 2;
    }
    string outDir = args.Length > 3 && args[2] == "--out" ? args[3] : "msense-out";
    BlasThreads.Count = 1;
    var sw = System.Diagnostics.Stopwatch.StartNew();
    foreach (var figure in experiment.Run(new ExperimentContext(Console.Error.WriteLine, CancellationToken.None)))
    {
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, figure.Name + ".csv"), figure.ToCsv());
        Console.WriteLine($"{FigureRenderer.Save(figure, outDir)}: {figure.Finding}");
    }
    Console.WriteLine($"{experiment.Name}: {sw.Elapsed.TotalSeconds:F0} s");
    return 0;
}
Console.Error.WriteLine("usage: msense run [--out DIR] | msense info | msense demo | msense reproduce NAME [--out DIR]");
return 2;
}
