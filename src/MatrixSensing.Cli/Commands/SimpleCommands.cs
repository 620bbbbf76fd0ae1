using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using MatrixSensing.Cli.Experiments;
using MatrixSensing.Interop;
using MatrixSensing.IO;

namespace MatrixSensing.Cli.Commands;

/// <summary>`msense info`: native configuration, threads, CPU, runtime.</summary>
internal static class InfoCommand
{
    public static Command Create(TextWriter stdout)
    {
        var command = new Command("info", "Show the loaded native libraries, their build, threads and the CPU");
        command.Add(Cli.Json);
        command.SetAction(parse =>
        {
            var native = NativeLibraries.Describe();
            string runtime = $".NET {Environment.Version} on {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
            if (parse.GetValue(Cli.Json))
            {
                stdout.WriteLine(JsonSerializer.Serialize(new InfoReport(native, native.IsBundled, CpuModel(), runtime), CommandJson.Default.InfoReport));
                return ExitCodes.Success;
            }
            stdout.WriteLine(native);
            stdout.WriteLine($"cpu      : {CpuModel()}");
            stdout.WriteLine($"runtime  : {runtime}");
            return ExitCodes.Success;
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
        var command = new Command("demo", "Multiply and decompose a random matrix through the native layer, with a reconstruction check (exit 4 if it fails)");
        command.Add(Cli.Json);
        command.SetAction(parse => Demo.Run(stdout, parse.GetValue(Cli.Json)));
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
                throw CliException.Usage($"unknown experiment '{which}'; one of: all, {string.Join(", ", Experiment.All.Select(e => e.Name))}");
            using var folder = OutputFolder.Open(parse.GetValue(Cli.Out)!);
            var reports = new List<ExperimentReport>();
            string? cancelledIn = null;
            foreach (var experiment in experiments)
            {
                output.Say($"msense reproduce {experiment.Name}: {experiment.Description}");
                var started = System.Diagnostics.Stopwatch.StartNew();
                // An experiment cancelled part way has curves from runs that never iterated: none of its figures is
                // written, so the complete figures of an earlier run stay in place.
                var figures = Experiment.RunToCompletion(experiment, new ExperimentContext(line => output.Say("  " + line), cancellation));
                if (figures is null)
                {
                    cancelledIn = experiment.Name;
                    break;
                }
                var written = new List<FigureReport>();
                foreach (var figure in figures)
                {
                    string csv = folder.File(figure.Name + ".csv");
                    AtomicFile.WriteAllText(csv, figure.ToCsv());
                    folder.FigureStem(figure.Name, parse.GetValue(svg));
                    string png = FigureRenderer.Save(figure, folder.FullPath, parse.GetValue(svg));
                    written.Add(new FigureReport(png, csv, figure.Finding));
                    if (!output.Json) stdout.WriteLine($"{png}: {figure.Finding}");
                }
                double seconds = started.Elapsed.TotalSeconds;
                reports.Add(new ExperimentReport(experiment.Name, seconds, written));
                output.Say(string.Create(CultureInfo.InvariantCulture, $"{experiment.Name}: {seconds:F0} s"));
            }
            int code = cancelledIn is null ? ExitCodes.Success : Cli.CancelledCode;
            if (cancelledIn is not null)
            {
                folder.Partial = true;
                output.Say($"msense reproduce: cancelled during {cancelledIn}; its figures were not written (earlier files are kept); "
                    + $"complete: {(reports.Count == 0 ? "none" : string.Join(", ", reports.Select(r => r.Experiment)))}");
            }
            if (output.Json)
                stdout.WriteLine(JsonSerializer.Serialize(new ReproduceReport(cancelledIn is null, cancelledIn, reports), CommandJson.Default.ReproduceReport));
            Runner.Finish(folder, Runner.CommandLine(parse), code, output);
            return Task.FromResult(code);
        });
        return command;
    }
}

/// <summary>`msense info --json`.</summary>
/// <param name="Native">What was loaded, its build and threads.</param>
/// <param name="Bundled">The bundled library was loaded rather than the system's.</param>
/// <param name="Cpu">The CPU model from /proc/cpuinfo, or "unknown".</param>
/// <param name="Runtime">.NET version and operating system.</param>
internal sealed record InfoReport(NativeConfiguration Native, bool Bundled, string Cpu, string Runtime);

/// <summary>One figure written by `msense reproduce`.</summary>
/// <param name="Png">The PNG file.</param>
/// <param name="Csv">The data behind it.</param>
/// <param name="Finding">What it shows, measured on this run.</param>
internal sealed record FigureReport(string Png, string Csv, string Finding);

/// <summary>One experiment that ran to completion.</summary>
/// <param name="Experiment">Its name.</param>
/// <param name="Seconds">Wall-clock time.</param>
/// <param name="Figures">The figures it wrote.</param>
internal sealed record ExperimentReport(string Experiment, double Seconds, IReadOnlyList<FigureReport> Figures);

/// <summary>`msense reproduce --json`.</summary>
/// <param name="Complete">Every requested experiment ran to completion.</param>
/// <param name="CancelledDuring">The experiment that was cancelled (nothing of it written), or null.</param>
/// <param name="Experiments">The experiments completed and written.</param>
internal sealed record ReproduceReport(bool Complete, string? CancelledDuring, IReadOnlyList<ExperimentReport> Experiments);

/// <summary>Demo results (`msense demo --json`).</summary>
/// <param name="GemmMilliseconds">Time of AᵀA.</param>
/// <param name="SvdMilliseconds">Time of the thin SVD.</param>
/// <param name="LargestSingularValue">σ₁.</param>
/// <param name="SmallestSingularValue">σ_min.</param>
/// <param name="Reconstruction">‖A − UΣVᵀ‖/‖A‖.</param>
/// <param name="TraceMismatch">|tr(AᵀA) − Σσ²|/tr.</param>
/// <param name="Passed">The reconstruction is below 1e-12.</param>
internal sealed record DemoReport(double GemmMilliseconds, double SvdMilliseconds, double LargestSingularValue, double SmallestSingularValue,
    double Reconstruction, double TraceMismatch, bool Passed);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(InfoReport))]
[JsonSerializable(typeof(ReproduceReport))]
[JsonSerializable(typeof(DemoReport))]
internal sealed partial class CommandJson : JsonSerializerContext;
