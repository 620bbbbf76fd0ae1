using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MatrixSensing.Cli.Sweeps;

/// <summary>
/// Everything one trial runs: a set of `msense run` options (names without the leading dashes, e.g. "n1",
/// "max-iter", "solver") with their values, seeds included. The one type that describes a trial, so that the
/// run-description file of `msense run --config` can replace its serialized form without touching the sweep.
/// </summary>
internal sealed class TrialConfig
{
    private readonly SortedDictionary<string, ConfigValue> _options;

    /// <summary>Copies the options (sorted by name, ordinal).</summary>
    public TrialConfig(IEnumerable<KeyValuePair<string, ConfigValue>> options) =>
        _options = new SortedDictionary<string, ConfigValue>(options.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>The options, sorted by name.</summary>
    public IReadOnlyDictionary<string, ConfigValue> Options => _options;

    /// <summary>One option's value, or null when the trial leaves it at run's default.</summary>
    public ConfigValue? this[string name] => _options.TryGetValue(name, out var v) ? v : null;

    /// <summary>
    /// The `msense run` arguments: "--name value" per option; a switch appears as "--name" when true and not at all
    /// when false.
    /// </summary>
    public IEnumerable<string> ToArguments()
    {
        foreach (var (name, value) in _options)
        {
            if (value.Kind == JsonValueKind.False) continue;
            yield return "--" + name;
            if (value.Kind != JsonValueKind.True) yield return value.Text;
        }
    }

    /// <summary>
    /// A shell command that reruns this trial alone (one BLAS thread, as in the sweep, so the numbers are the same
    /// bit for bit).
    /// </summary>
    public string CommandLine => "msense run " + string.Join(' ', ToArguments().Select(Quote)) + " --threads 1";

    /// <summary>"name=value" lines in name order: what <see cref="Key"/> hashes.</summary>
    public string Canonical => string.Concat(_options.Select(p => $"{p.Key}={p.Value.Text}\n"));

    /// <summary>16 hex digits of SHA-256 over <see cref="Canonical"/>: equal keys mean the same parameters and seeds.</summary>
    public string Key => Hash(Canonical);

    /// <summary>Writes the options as a JSON object (numbers as numbers, switches as booleans).</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        foreach (var (name, value) in _options)
        {
            writer.WritePropertyName(name);
            value.WriteTo(writer);
        }
        writer.WriteEndObject();
    }

    /// <summary>Reads what <see cref="WriteTo"/> wrote.</summary>
    public static TrialConfig Read(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new ArgumentException($"{where}: 'config' must be an object");
        return new TrialConfig(element.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, ConfigValue.From(p.Value, $"{where}: config.{p.Name}"))));
    }

    /// <summary>16 hex digits of SHA-256 of the text (UTF-8).</summary>
    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ',' or ':' or '+' or '/')
            ? argument : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
