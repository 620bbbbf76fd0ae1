using System.Globalization;
using System.Text.Json;

namespace MatrixSensing.Cli.Sweeps;

/// <summary>
/// One value of a `msense run` option in a sweep (number, text or switch), kept in a canonical text form so that
/// the same value read from a grid file, a trial record or a flag hashes and compares the same.
/// </summary>
/// <param name="Text">Canonical text: integers without a decimal point, other numbers round-trip ("R"), switches true/false.</param>
/// <param name="Kind">Number, String, True or False (the JSON kind it is written as).</param>
internal readonly record struct ConfigValue(string Text, JsonValueKind Kind)
{
    /// <summary>A number in canonical form (integral values print without a fraction, others round-trip).</summary>
    public static ConfigValue Number(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentException($"grid: {value} is not a finite number");
        return new ConfigValue(Math.Abs(value) <= 9007199254740992.0 && value == Math.Round(value)
            ? ((long)value).ToString(CultureInfo.InvariantCulture)
            : value.ToString("R", CultureInfo.InvariantCulture), JsonValueKind.Number);
    }

    /// <summary>A text value.</summary>
    public static ConfigValue String(string value) => new(value, JsonValueKind.String);

    /// <summary>A switch.</summary>
    public static ConfigValue Bool(bool value) => new(value ? "true" : "false", value ? JsonValueKind.True : JsonValueKind.False);

    /// <summary>Reads a JSON scalar; <paramref name="where"/> names it in the error for anything else.</summary>
    public static ConfigValue From(JsonElement element, string where) => element.ValueKind switch
    {
        JsonValueKind.Number => Number(element.GetDouble()),
        JsonValueKind.String => String(element.GetString()!),
        JsonValueKind.True => Bool(true),
        JsonValueKind.False => Bool(false),
        _ => throw new ArgumentException($"grid: {where} must be a number, a string or true/false, not {element.ValueKind.ToString().ToLowerInvariant()}"),
    };

    /// <summary>The value as a number; <paramref name="name"/> names it in the error.</summary>
    public double AsNumber(string name) =>
        double.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : throw new ArgumentException($"grid: '{name}' = '{Text}' is not a number");

    /// <summary>Writes the value with its JSON kind.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        switch (Kind)
        {
            case JsonValueKind.Number:
                if (long.TryParse(Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer)) writer.WriteNumberValue(integer);
                else writer.WriteNumberValue(double.Parse(Text, CultureInfo.InvariantCulture));
                break;
            case JsonValueKind.True: writer.WriteBooleanValue(true); break;
            case JsonValueKind.False: writer.WriteBooleanValue(false); break;
            default: writer.WriteStringValue(Text); break;
        }
    }

    /// <summary>The canonical text.</summary>
    public override string ToString() => Text;
}
