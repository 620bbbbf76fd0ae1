using System.CommandLine;
using System.Globalization;
using MatrixSensing.Cli.Experiments;
using MatrixSensing.Interop;

namespace MatrixSensing.Cli.Commands;

/// <summary>`msense info`: native configuration, threads, CPU, runtime.</summary>
internal static class InfoCommand
{
    public static Command Create(TextWriter stdout)
    {
        var command = new Command("info", "Show the loaded native libraries, their build, threads and the CPU");
        command.SetAction(_ =>
        {
            stdout.WriteLine(NativeLibraries.Describe());
            stdout.WriteLine($"cpu      : {CpuModel()}");
            stdout.WriteLine($"runtime  : .NET {Environment.Version} on {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
            return 0;
        });
        return command;
    }

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}

/// <summary>`msense demo`: GEMM and SVD through the native layer.</summary>
internal static class DemoCommand
{
    public static Command Create(TextWriter stdout)
    {
        var command = new Command("demo", "Multiply and decompose a random matrix through the native layer, with a reconstruction check");
        command.SetAction(_ => Demo.Run(stdout));
        return command;
    }
}

/// <summary>`msense reproduce NAME`: a paper experiment's figure and data.</summary>
internal static class ReproduceCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var name = new Argument<string>("name") { Description = "all, or one of: " + string.Join(", ", Experiment.All.Select(e => e.Name)) };
        var svg = new Option<bool>("--svg") { Description = "Also write SVG figures" };
        var command = new Command("reproduce", "Reproduce a paper's experiment: writes NAME.png and NAME.csv");
        command.Add(name);
        command.Add(svg);
        Cli.AddCommon(command);
        command.SetAction((parse, cancellation) =>
        {
            var output = Cli.Setup(parse, stdout, stderr);
            BlasThreads.Count = 1;
            string which = parse.GetValue(name)!;
            var experiments = which == "all" ? Experiment.All : Experiment.All.Where(e => e.Name == which).ToList();
            if (experiments.Count == 0)
                throw new ArgumentException($"unknown experiment '{which}'; one of: all, {string.Join(", ", Experiment.All.Select(e => e.Name))}");
            string outDir = parse.GetValue(Cli.Out)!;
            foreach (var experiment in experiments)
            {
                output.Say($"msense reproduce {experiment.Name}: {experiment.Description}");
                var started = System.Diagnostics.Stopwatch.StartNew();
                foreach (var figure in experiment.Run(new ExperimentContext(line => output.Say("  " + line), cancellation)))
                {
                    Directory.CreateDirectory(outDir);
                    MatrixSensing.IO.AtomicFile.WriteAllText(Path.Combine(outDir, figure.Name + ".csv"), figure.ToCsv());
                    string png = FigureRenderer.Save(figure, outDir, parse.GetValue(svg));
                    stdout.WriteLine($"{png}: {figure.Finding}");
                }
                output.Say(string.Create(CultureInfo.InvariantCulture, $"{experiment.Name}: {started.Elapsed.TotalSeconds:F0} s"));
            }
            return Task.FromResult(0);
        });
        return command;
    }
}
