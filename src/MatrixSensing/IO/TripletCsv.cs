using System.Globalization;
using System.Numerics;
using CsvHelper;
using MatrixSensing.Operators;
using MatrixSensing.Problems;

namespace MatrixSensing.IO;

/// <summary>
/// A completion problem from a CSV of <c>row,col,value</c> triples, the form rating data comes in: 0-based indices
/// (as NumPy's), one observed entry per line, an optional header line (a first line whose first field is not an
/// integer), the shape the smallest matrix holding every entry. Parsed by CsvHelper (quoting, CRLF, BOM).
/// </summary>
public static class TripletCsv
{
    /// <summary>Reads the triples into an entry-sampling problem with the observed values themselves as data.</summary>
    /// <param name="path">The .csv file.</param>
    /// <param name="symmetric">Fit X·Xᵀ (the matrix must then be square).</param>
    /// <exception cref="ArgumentException">A malformed line (the message names it), no entries, or a duplicate entry.</exception>
    public static ProblemBundle.Loaded<T> Load<T>(string path, bool symmetric = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var rows = new List<int>();
        var cols = new List<int>();
        var values = new List<T>();
        // The separator is fixed (CsvHelper would otherwise guess one from the first lines); line numbers name bad lines.
        var options = new CsvReaderOptions { HasHeader = false, Separator = ',', TrimWhitespace = true, TrackLineNumbers = true };
        using (var reader = CsvReader.FromFile(path, options))
        {
            bool first = true;
            while (reader.Read())
            {
                int line = (int)reader.LineNumber;
                int fields = reader.FieldCount;
                // A header is recognised by its first field not being an index; anything after it must be data.
                if (first && fields == 3 && !int.TryParse(reader.GetString(0), NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                {
                    first = false;
                    continue;
                }
                first = false;
                if (fields != 3)
                    throw new ArgumentException($"line {line}: expected 3 fields row,col,value; got {fields}");
                rows.Add(Index(reader.GetString(0), "row", line));
                cols.Add(Index(reader.GetString(1), "col", line));
                string text = reader.GetString(2);
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
                    throw new ArgumentException($"line {line}: value '{text}' is not a finite number");
                values.Add(T.CreateChecked(value));
            }
        }
        if (values.Count == 0) throw new ArgumentException("no row,col,value lines");
        int n1 = rows.Max() + 1, n2 = cols.Max() + 1;
        var op = MeasurementOperators.EntrySampling<T>(n1, n2, [.. rows], [.. cols]);
        var problem = SensingProblem.FromObservations<T>(op, [.. values], symmetric, target: null);
        return new ProblemBundle.Loaded<T>(problem, null, BundleKind.Completion, NpyDType.Name(NpyDType.Require<T>()));
    }

    private static int Index(string text, string name, int line) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int index) && index >= 0
            ? index
            : throw new ArgumentException($"line {line}: {name} '{text}' is not a 0-based index (an integer ≥ 0)");
}
