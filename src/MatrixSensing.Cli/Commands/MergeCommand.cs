using System.CommandLine;
using System.Globalization;
using System.Text;
using MatrixSensing.Cli.Sweeps;

namespace MatrixSensing.Cli.Commands;

/// <summary>
/// `msense merge FOLDER…`: combines the --out folders of `msense sweep --shard i/N` runs of one sweep (their
/// sweep.json ids must agree) into the final trials.jsonl (in grid order), sweep.csv, summary.json and heatmap.png,
/// the same bytes an unsharded run writes. Missing trials make the result partial (*.partial.*), never complete.
/// </summary>
internal static class MergeCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var inputs = new Argument<string[]>("folders") { Description = "The --out folders of the shards", Arity = ArgumentArity.OneOrMore };
        var command = new Command("merge", "Combine the shard folders of one sweep into its table, summary and figure");
        command.Add(inputs);
        Cli.AddCommon(command);
        command.SetAction((parse, _) =>
        {
            var output = new Output(stdout, stderr, parse.GetValue(Cli.Quiet), parse.GetValue(Cli.Json));
            var folders = parse.GetValue(inputs)!;
            var grid = SweepFiles.LoadGrid(folders[0]);
            var records = new List<TrialRecord>();
            foreach (var shardFolder in folders)
            {
                var other = SweepFiles.LoadGrid(shardFolder);
                if (other.Id != grid.Id)
                    throw new ArgumentException($"{shardFolder} holds sweep {other.Id}, but {folders[0]} holds sweep {grid.Id}: they are not shards of one sweep");
                string log = Path.Combine(shardFolder, TrialLog.FileName);
                if (!File.Exists(log)) throw new ArgumentException($"{shardFolder}: no {TrialLog.FileName}");
                foreach (var record in TrialLog.Read(log, output.Say))
                    records.Add(record.Sweep == grid.Id ? record
                        : throw new ArgumentException($"{log}: a record of sweep {record.Sweep} in a folder of sweep {grid.Id}"));
            }
            var planned = grid.Plan();
            var summary = SweepResults.Summarize(grid, planned, records, output.Say);
            string outDir = parse.GetValue(Cli.Out)!;
            using var folder = OutputFolder.Open(outDir); // locked: a second msense on the same folder is refused
            var merged = new MemoryStream();
            foreach (var record in summary.Records.Values) merged.Write(record.ToLine());
            SweepResults.WriteBytes(Path.Combine(outDir, TrialLog.FileName), merged.ToArray());
            SweepResults.WriteBytes(Path.Combine(outDir, SweepFiles.Grid), Encoding.UTF8.GetBytes(SweepFiles.GridJson(grid, null)));
            output.Say(string.Create(CultureInfo.InvariantCulture,
                $"msense merge {grid.Id}: {folders.Length} folder(s), {records.Count} records, {summary.Records.Count} of {planned.Count} trials"));
            SweepCommand.Finish(summary, outDir, output);
            return Task.FromResult(summary.Complete ? ExitCodes.Success : ExitCodes.Failed);
        });
        return command;
    }
}
