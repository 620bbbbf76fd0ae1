using System.Text.Json;

namespace MatrixSensing.Cli.Sweeps;

/// <summary>
/// sweep.json: the canonical grid with its id (and the shard, when one): what `msense merge` checks shard folders
/// against, and a grid file that `msense sweep --grid` accepts again.
/// </summary>
internal static class SweepFiles
{
    /// <summary>The file name inside a sweep's output folder.</summary>
    public const string Grid = "sweep.json";

    /// <summary>{"id": …, "shard": "i/N" | null, "version": …, "grid": {canonical grid}}.</summary>
    public static string GridJson(SweepGrid grid, ShardSpec? shard)
    {
        string indented = grid.Canonical.Replace("\n", "\n  ", StringComparison.Ordinal);
        return $"{{\n  \"id\": \"{grid.Id}\",\n  \"shard\": {(shard is { } s ? $"\"{s}\"" : "null")},\n  \"grid\": {indented}\n}}\n";
    }

    /// <summary>Reads a sweep folder's sweep.json; the stored id must match the grid it holds.</summary>
    public static SweepGrid LoadGrid(string folder)
    {
        string path = Path.Combine(folder, Grid);
        if (!File.Exists(path)) throw new ArgumentException($"{folder}: no {Grid} (is it the --out folder of a msense sweep?)");
        var grid = SweepGrid.Load(path);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        string? stored = doc.RootElement.TryGetProperty("id", out var id) ? id.GetString() : null;
        if (stored != grid.Id) throw new ArgumentException($"{path}: the stored id {stored} does not match its grid ({grid.Id}); the file was edited");
        return grid;
    }
}
