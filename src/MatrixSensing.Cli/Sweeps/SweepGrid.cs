using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MatrixSensing.Random;

namespace MatrixSensing.Cli.Sweeps;

/// <summary>One varied parameter and its values, in the order trials are laid out.</summary>
/// <param name="Name">A `msense run` option name (e.g. "m", "kappa", "solver") or a derived one (<see cref="SweepGrid.DerivedNames"/>).</param>
/// <param name="Values">The values, expanded from a list or a range.</param>
internal sealed record Axis(string Name, IReadOnlyList<ConfigValue> Values);

/// <summary>When a trial counts as a success: its final metric at most the threshold (and finite).</summary>
/// <param name="Metric">"relative-error" (needs a ground truth, which generated problems have) or "relative-residual".</param>
/// <param name="Threshold">The threshold, &gt; 0.</param>
internal sealed record SuccessCriterion(string Metric, double Threshold)
{
    /// <summary>Whether an outcome meets the criterion (failed and unknown metrics never do).</summary>
    public bool Met(double? relativeError, double? relativeResidual) =>
        (Metric == "relative-residual" ? relativeResidual : relativeError) is { } v && v <= Threshold;
}

/// <summary>How the sweep's figure is drawn.</summary>
/// <param name="X">The axis on the horizontal (default: the last numeric axis).</param>
/// <param name="Y">The axis on the vertical of a heatmap (default: the first other axis); with no y a line plot.</param>
/// <param name="Title">The figure's title (default: the solver and the fixed parameters).</param>
/// <param name="Figure">Whether to draw a figure at all (default true).</param>
internal sealed record SweepOutputs(string? X, string? Y, string? Title, bool Figure = true);

/// <summary>One trial of a sweep as planned: where it sits in the grid and what it runs.</summary>
/// <param name="Index">Position in the grid's order (axes nested first to last, replicates innermost).</param>
/// <param name="Cell">The value of each axis.</param>
/// <param name="Replicate">0 … trials−1 within the cell.</param>
/// <param name="Config">The `msense run` options, seeds included.</param>
/// <param name="Cost">Estimated work, for balancing shards.</param>
internal sealed record PlannedTrial(int Index, IReadOnlyList<ConfigValue> Cell, int Replicate, TrialConfig Config, double Cost);

/// <summary>
/// A sweep as described in a grid file (JSON): fixed settings, axes, trials per cell, the success criterion and the
/// figure. The sweep id hashes the canonical form, so shards and records can be matched to their sweep.
/// </summary>
internal sealed class SweepGrid
{
    /// <summary>Axis or base names that are not run options but set them: n (n1 = n2), dof-ratio, ratio, extra-rank.</summary>
    public static IReadOnlySet<string> DerivedNames { get; } = new HashSet<string>(["n", "dof-ratio", "ratio", "extra-rank"], StringComparer.Ordinal);

    /// <summary>Options a sweep sets itself or that do not describe a trial.</summary>
    private static readonly HashSet<string> s_notTrialOptions = new(["out", "quiet", "json", "threads", "help"], StringComparer.Ordinal);

    private SweepGrid(ulong seed, int trials, IReadOnlyDictionary<string, ConfigValue> fixedOptions, IReadOnlyList<Axis> axes, SuccessCriterion success, SweepOutputs outputs)
    {
        Seed = seed;
        Trials = trials;
        Base = fixedOptions;
        Axes = axes;
        Success = success;
        Outputs = outputs;
        Canonical = WriteCanonical();
        Id = TrialConfig.Hash(Canonical);
    }

    /// <summary>The sweep's seed, from which every trial's seeds derive (default 1).</summary>
    public ulong Seed { get; }

    /// <summary>Trials per cell (default 1).</summary>
    public int Trials { get; }

    /// <summary>Settings every trial shares (run option names, or derived names).</summary>
    public IReadOnlyDictionary<string, ConfigValue> Base { get; }

    /// <summary>The varied parameters.</summary>
    public IReadOnlyList<Axis> Axes { get; }

    /// <summary>The success criterion (default relative error ≤ 1e-3).</summary>
    public SuccessCriterion Success { get; }

    /// <summary>The figure settings.</summary>
    public SweepOutputs Outputs { get; }

    /// <summary>The grid in canonical JSON (ranges expanded, names sorted): written as sweep.json, hashed into <see cref="Id"/>.</summary>
    public string Canonical { get; }

    /// <summary>16 hex digits identifying the sweep.</summary>
    public string Id { get; }

    /// <summary>Number of cells (product of the axis lengths).</summary>
    public int Cells => Axes.Aggregate(1, (n, a) => checked(n * a.Values.Count));

    /// <summary>Reads a grid file.</summary>
    public static SweepGrid Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--grid: cannot read '{path}': {e.Message}");
        }
        return Parse(text, path);
    }

    /// <summary>Parses a grid (see the README's schema); every mistake is a one-line ArgumentException naming <paramref name="source"/>.</summary>
    public static SweepGrid Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{source}: not valid JSON: {e.Message}");
        }
        try
        {
            return Parse(document.RootElement, source);
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException($"{source}: an entry has the wrong type: {e.Message}");
        }
        finally
        {
            document.Dispose();
        }
    }

    private static SweepGrid Parse(JsonElement root, string source)
    {
        {
            if (root.ValueKind != JsonValueKind.Object) throw new ArgumentException($"{source}: the grid must be a JSON object");
            // A sweep.json written by a sweep wraps the grid with its id: accept it as a grid file too.
            if (root.TryGetProperty("grid", out var wrapped) && wrapped.ValueKind == JsonValueKind.Object) return Parse(wrapped, source);
            foreach (var property in root.EnumerateObject())
                if (property.Name is not ("seed" or "trials" or "base" or "axes" or "success" or "outputs"))
                    throw new ArgumentException($"{source}: unknown entry '{property.Name}' (expected seed, trials, base, axes, success, outputs)");
            ulong seed = root.TryGetProperty("seed", out var s) ? s.ValueKind == JsonValueKind.Number && s.TryGetUInt64(out var u) ? u
                : throw new ArgumentException($"{source}: 'seed' must be a non-negative integer") : 1UL;
            int trials = root.TryGetProperty("trials", out var t) ? t.ValueKind == JsonValueKind.Number && t.TryGetInt32(out var k) && k >= 1 ? k
                : throw new ArgumentException($"{source}: 'trials' must be an integer ≥ 1") : 1;
            var fixedOptions = new Dictionary<string, ConfigValue>(StringComparer.Ordinal);
            if (root.TryGetProperty("base", out var b))
            {
                if (b.ValueKind != JsonValueKind.Object) throw new ArgumentException($"{source}: 'base' must be an object of run options");
                foreach (var p in b.EnumerateObject()) fixedOptions[CheckName(p.Name, source)] = ConfigValue.From(p.Value, $"{source}: base.{p.Name}");
            }
            var axes = new List<Axis>();
            if (root.TryGetProperty("axes", out var a))
            {
                if (a.ValueKind != JsonValueKind.Array) throw new ArgumentException($"{source}: 'axes' must be an array");
                foreach (var axis in a.EnumerateArray()) axes.Add(ReadAxis(axis, source));
            }
            foreach (var axis in axes)
            {
                if (axes.Count(x => x.Name == axis.Name) > 1) throw new ArgumentException($"{source}: axis '{axis.Name}' appears twice");
                if (fixedOptions.ContainsKey(axis.Name)) throw new ArgumentException($"{source}: '{axis.Name}' is both in base and an axis");
            }
            var success = new SuccessCriterion("relative-error", 1e-3);
            if (root.TryGetProperty("success", out var c))
            {
                string metric = c.TryGetProperty("metric", out var mm) ? mm.GetString() ?? "" : "relative-error";
                if (metric is not ("relative-error" or "relative-residual"))
                    throw new ArgumentException($"{source}: success.metric '{metric}' is neither relative-error nor relative-residual");
                double threshold = c.TryGetProperty("threshold", out var th) && th.ValueKind == JsonValueKind.Number ? th.GetDouble()
                    : throw new ArgumentException($"{source}: success.threshold must be a number");
                if (!(threshold > 0) || !double.IsFinite(threshold)) throw new ArgumentException($"{source}: success.threshold must be a positive number (got {threshold})");
                success = new SuccessCriterion(metric, threshold);
            }
            var outputs = new SweepOutputs(null, null, null);
            if (root.TryGetProperty("outputs", out var o))
            {
                string? Text(string name) => o.TryGetProperty(name, out var v) ? v.GetString() : null;
                outputs = new SweepOutputs(Text("x"), Text("y"), Text("title"), !o.TryGetProperty("figure", out var f) || f.ValueKind != JsonValueKind.False);
                foreach (var name in new[] { outputs.X, outputs.Y })
                    if (name is not null && axes.All(x => x.Name != name)) throw new ArgumentException($"{source}: outputs names '{name}', which is not an axis");
            }
            return new SweepGrid(seed, trials, fixedOptions, axes, success, outputs);
        }
    }

    /// <summary>The grid the shorthand flags of `msense sweep` describe (kept for the flags' users).</summary>
    public static SweepGrid Shorthand(int n, double[] ratios, int[] ranks, int trials, string solver, int extraRank, int maxIterations, double success, ulong seed)
    {
        if (n < 1) throw new ArgumentException($"--n must be at least 1 (got {n})");
        if (trials < 1) throw new ArgumentException($"--trials must be at least 1 (got {trials})");
        if (maxIterations < 1) throw new ArgumentException($"--max-iter must be at least 1 (got {maxIterations})");
        if (!(success > 0) || !double.IsFinite(success)) throw new ArgumentException($"--success must be a positive relative error (got {success.ToString(CultureInfo.InvariantCulture)})");
        if (extraRank < 0) throw new ArgumentException($"--extra-rank must be at least 0 (got {extraRank})");
        var fixedOptions = new Dictionary<string, ConfigValue>(StringComparer.Ordinal)
        {
            ["n"] = ConfigValue.Number(n),
            ["kappa"] = ConfigValue.Number(2),
            ["solver"] = ConfigValue.String(solver),
            ["extra-rank"] = ConfigValue.Number(extraRank),
            ["max-iter"] = ConfigValue.Number(maxIterations),
            ["tol-error"] = ConfigValue.Number(success / 10),
        };
        Axis[] axes = [new("rank", [.. ranks.Select(r => ConfigValue.Number(r))]), new("ratio", [.. ratios.Select(ConfigValue.Number)])];
        return new SweepGrid(seed, trials, fixedOptions, axes, new SuccessCriterion("relative-error", success), new SweepOutputs("ratio", "rank", null));
    }

    /// <summary>
    /// Every trial with its resolved run options and seeds, checked (bad combinations, m = 0, h &gt; n, … throw a
    /// one-line ArgumentException naming the cell) and costed.
    /// </summary>
    public IReadOnlyList<PlannedTrial> Plan()
    {
        var runner = new TrialRunner();
        var planned = new List<PlannedTrial>(checked(Cells * Trials));
        var cell = new ConfigValue[Axes.Count];
        void Walk(int depth)
        {
            if (depth == Axes.Count)
            {
                for (int replicate = 0; replicate < Trials; replicate++)
                {
                    var config = Resolve(cell, replicate, runner);
                    TrialRunner.Shape shape;
                    try
                    {
                        shape = runner.Check(config);
                    }
                    catch (ArgumentException e)
                    {
                        throw new ArgumentException($"sweep cell {Describe(cell)}: {e.Message}");
                    }
                    planned.Add(new PlannedTrial(planned.Count, [.. cell], replicate, config, shape.Cost));
                }
                return;
            }
            foreach (var value in Axes[depth].Values)
            {
                cell[depth] = value;
                Walk(depth + 1);
            }
        }
        Walk(0);
        return planned;
    }

    /// <summary>"rank = 2, dof-ratio = 1.5".</summary>
    public string Describe(IReadOnlyList<ConfigValue> cell) =>
        cell.Count == 0 ? "(the only cell)" : string.Join(", ", Axes.Select((a, i) => $"{a.Name} = {cell[i].Text}"));

    private TrialConfig Resolve(ConfigValue[] cell, int replicate, TrialRunner runner)
    {
        // A time budget would make results depend on the machine's speed, so sweeps have none unless asked; dense
        // ensembles are stored at full precision because the float32-stored ones do not yet give the same bits
        // on every run, and a sweep's results must (resume, shards and merge rely on it).
        var options = new Dictionary<string, ConfigValue>(StringComparer.Ordinal)
        {
            ["time-budget"] = ConfigValue.Number(0),
            ["storage"] = ConfigValue.String("full"),
            ["solver"] = ConfigValue.String("scaledgd-lambda"), // run's default pair, one solver per trial
            ["h"] = ConfigValue.Number(0), // h = r* (run's 20 would exceed the small n of many sweeps)
        };
        foreach (var (name, value) in Base) options[name] = value;
        for (int i = 0; i < Axes.Count; i++) options[Axes[i].Name] = cell[i];
        try
        {
            if (Take(options, "n") is { } n) options["n1"] = options["n2"] = n;
            var known = new TrialConfig(options.Where(p => !DerivedNames.Contains(p.Key)));
            int n1 = runner.IntValue(known, "n1"), rank = runner.IntValue(known, "rank");
            int n2 = known["symmetric"]?.Kind == JsonValueKind.True ? n1 : runner.IntValue(known, "n2");
            if (Take(options, "extra-rank") is { } extra) options["h"] = ConfigValue.Number(rank + extra.AsNumber("extra-rank"));
            if (Take(options, "dof-ratio") is { } dof) options["m"] = ConfigValue.Number(Math.Round(dof.AsNumber("dof-ratio") * rank * (n1 + n2 - rank)));
            if (Take(options, "ratio") is { } ratio) options["m"] = ConfigValue.Number(Math.Round(ratio.AsNumber("ratio") * n1 * rank));
            // Recording every iteration would cost time and memory for a value the sweep never reads.
            if (!options.ContainsKey("trace-every")) options["trace-every"] = ConfigValue.Number(runner.IntValue(known, "max-iter"));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"sweep cell {Describe(cell)}: {e.Message}");
        }
        ulong coordinates = CoordinateHash(cell, replicate);
        ulong problemSeed = RandomStream.DeriveSeed(Seed, coordinates);
        options.TryAdd("seed", ConfigValue.Number(problemSeed >> 11)); // 53 bits: exact in JSON readers that use doubles
        options.TryAdd("solver-seed", ConfigValue.Number(RandomStream.DeriveSeed(problemSeed, 0x736F6C766572UL) >> 11));
        return new TrialConfig(options);
    }

    /// <summary>64 bits of SHA-256 over "axis=value;…;replicate=k": the trial's coordinates, independent of the grid's other cells.</summary>
    private ulong CoordinateHash(ConfigValue[] cell, int replicate)
    {
        var text = new StringBuilder();
        for (int i = 0; i < Axes.Count; i++) text.Append(Axes[i].Name).Append('=').Append(cell[i].Text).Append(';');
        text.Append("replicate=").Append(replicate.ToString(CultureInfo.InvariantCulture));
        return BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static ConfigValue? Take(Dictionary<string, ConfigValue> options, string name) =>
        options.Remove(name, out var value) ? value : null;

    private static string CheckName(string name, string source)
    {
        if (DerivedNames.Contains(name)) return name;
        if (s_notTrialOptions.Contains(name) || !TrialRunner.OptionNames.Contains(name))
            throw new ArgumentException($"{source}: '{name}' is not an option of msense run (nor one of n, dof-ratio, ratio, extra-rank)");
        return name;
    }

    private static Axis ReadAxis(JsonElement axis, string source)
    {
        if (axis.ValueKind != JsonValueKind.Object || !axis.TryGetProperty("name", out var nameElement) || nameElement.GetString() is not { } rawName)
            throw new ArgumentException($"{source}: each axis is an object with a 'name'");
        string name = CheckName(rawName, source);
        if (axis.TryGetProperty("values", out var list))
        {
            if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0) throw new ArgumentException($"{source}: axis '{name}': 'values' must be a non-empty array");
            return new Axis(name, [.. list.EnumerateArray().Select(v => ConfigValue.From(v, $"{source}: axis '{name}'"))]);
        }
        double Number(string key) => axis.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number && double.IsFinite(v.GetDouble())
            ? v.GetDouble() : throw new ArgumentException($"{source}: axis '{name}' needs 'values' or numbers 'from', 'to' and 'count' (or 'step')");
        double from = Number("from"), to = Number("to");
        string scale = axis.TryGetProperty("scale", out var sc) ? sc.GetString() ?? "" : "lin";
        if (scale is not ("lin" or "log")) throw new ArgumentException($"{source}: axis '{name}': scale '{scale}' is neither lin nor log");
        int count;
        if (axis.TryGetProperty("step", out _))
        {
            if (scale == "log") throw new ArgumentException($"{source}: axis '{name}': a log range takes 'count', not 'step'");
            double step = Number("step");
            if (!(step > 0) || to < from) throw new ArgumentException($"{source}: axis '{name}': 'step' must be positive and 'to' ≥ 'from'");
            count = (int)Math.Floor((to - from) / step + 1e-9) + 1;
            return new Axis(name, [.. Enumerable.Range(0, count).Select(i => ConfigValue.Number(Math.Round(from + i * step, 12)))]);
        }
        double c = Number("count");
        if (c < 1 || c != Math.Floor(c) || c > 100_000) throw new ArgumentException($"{source}: axis '{name}': 'count' must be an integer between 1 and 100000");
        count = (int)c;
        if (scale == "log" && !(from > 0 && to > 0)) throw new ArgumentException($"{source}: axis '{name}': a log range needs positive 'from' and 'to'");
        double At(int i) => count == 1 ? from
            : scale == "lin" ? from + (to - from) * i / (count - 1)
            : Math.Exp(Math.Log(from) + (Math.Log(to) - Math.Log(from)) * i / (count - 1));
        // Rounded to 12 significant digits so that 0.1 + 0.2-style noise does not leak into names and seeds.
        return new Axis(name, [.. Enumerable.Range(0, count).Select(i => ConfigValue.Number(double.Parse(At(i).ToString("G12", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)))]);
    }

    private string WriteCanonical()
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("seed", Seed);
            writer.WriteNumber("trials", Trials);
            writer.WritePropertyName("base");
            new TrialConfig(Base).WriteTo(writer);
            writer.WriteStartArray("axes");
            foreach (var axis in Axes)
            {
                writer.WriteStartObject();
                writer.WriteString("name", axis.Name);
                writer.WriteStartArray("values");
                foreach (var value in axis.Values) value.WriteTo(writer);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteStartObject("success");
            writer.WriteString("metric", Success.Metric);
            writer.WriteNumber("threshold", Success.Threshold);
            writer.WriteEndObject();
            writer.WriteStartObject("outputs");
            if (Outputs.X is { } x) writer.WriteString("x", x);
            if (Outputs.Y is { } y) writer.WriteString("y", y);
            if (Outputs.Title is { } title) writer.WriteString("title", title);
            writer.WriteBoolean("figure", Outputs.Figure);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
