namespace MatrixSensing.Operators;

/// <summary>
/// The observed entries of a completion operator in the two storage orders its kernels stream: sorted by row
/// (CSR-like, for A*(r)·V) and by column (CSC-like, for A*(r)ᵀ·U). Measurement k is the caller's k-th entry whatever
/// the storage order: <see cref="CsrMeasurement"/> maps each CSR position to its measurement (null when the two
/// orders agree), and <see cref="CscPosition"/> maps each CSC position to its CSR position, so the column pass reads
/// the coefficients the row pass wrote.
/// </summary>
internal sealed class EntryLayout
{
    /// <summary>Entries per chunk of the row and column passes; chunks split whole rows (columns) only.</summary>
    private const int ChunkEntries = 1 << 15;

    private EntryLayout(int[] rowStart, int[] csrColumn, int[]? csrMeasurement, int[] columnStart, int[] cscRow, int[] cscPosition)
    {
        RowStart = rowStart;
        CsrColumn = csrColumn;
        CsrMeasurement = csrMeasurement;
        ColumnStart = columnStart;
        CscRow = cscRow;
        CscPosition = cscPosition;
        RowChunks = Chunks(rowStart);
        ColumnChunks = Chunks(columnStart);
    }

    /// <summary>n1 + 1 offsets: the entries of row i are the CSR positions [RowStart[i], RowStart[i + 1]).</summary>
    internal int[] RowStart { get; }

    /// <summary>Column of each CSR position (ascending within a row).</summary>
    internal int[] CsrColumn { get; }

    /// <summary>Measurement index of each CSR position, or null when CSR position q is measurement q.</summary>
    internal int[]? CsrMeasurement { get; }

    /// <summary>n2 + 1 offsets: the entries of column j are the CSC positions [ColumnStart[j], ColumnStart[j + 1]).</summary>
    internal int[] ColumnStart { get; }

    /// <summary>Row of each CSC position (ascending within a column).</summary>
    internal int[] CscRow { get; }

    /// <summary>CSR position of each CSC position.</summary>
    internal int[] CscPosition { get; }

    /// <summary>
    /// Row boundaries of the chunks of the row pass (about <see cref="ChunkEntries"/> entries each, whole rows): fixed
    /// by the data alone, and each output row is summed by one chunk in storage order, so results do not depend on
    /// how many threads run the chunks.
    /// </summary>
    internal int[] RowChunks { get; }

    /// <summary>Column boundaries of the chunks of the column pass.</summary>
    internal int[] ColumnChunks { get; }

    /// <summary>Bytes of the index arrays.</summary>
    internal long Bytes => sizeof(int) * ((long)RowStart.Length + CsrColumn.Length + (CsrMeasurement?.Length ?? 0)
        + ColumnStart.Length + CscRow.Length + CscPosition.Length + RowChunks.Length + ColumnChunks.Length);

    /// <summary>
    /// Validates the entries (in range, no entry twice) and builds both orders. Measurement k is
    /// (<paramref name="observedRows"/>[k], <paramref name="observedColumns"/>[k]).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index lies outside the matrix (the message names the measurement).</exception>
    /// <exception cref="ArgumentException">An entry appears twice (the message names the entry and both measurements).</exception>
    internal static EntryLayout Build(int rows, int columns, ReadOnlySpan<int> observedRows, ReadOnlySpan<int> observedColumns)
    {
        int count = observedRows.Length;
        var key = new long[count];
        bool sorted = true;
        for (int k = 0; k < count; k++)
        {
            int i = observedRows[k], j = observedColumns[k];
            if ((uint)i >= (uint)rows)
                throw new ArgumentOutOfRangeException(nameof(observedRows), i, $"Observation {k}: row index {i} of entry ({i}, {j}) lies outside [0, {rows}).");
            if ((uint)j >= (uint)columns)
                throw new ArgumentOutOfRangeException(nameof(observedColumns), j, $"Observation {k}: column index {j} of entry ({i}, {j}) lies outside [0, {columns}).");
            key[k] = (long)i * columns + j;
            if (k > 0 && key[k] <= key[k - 1]) sorted = false;
        }

        int[]? measurement = null;
        if (!sorted)
        {
            measurement = new int[count];
            for (int k = 0; k < count; k++) measurement[k] = k;
            Array.Sort(key, measurement);
            for (int q = 1; q < count; q++)
            {
                if (key[q] != key[q - 1]) continue;
                int a = Math.Min(measurement[q], measurement[q - 1]), b = Math.Max(measurement[q], measurement[q - 1]);
                throw new ArgumentException(
                    $"Entry ({observedRows[a]}, {observedColumns[a]}) is observed twice (observations {a} and {b}); each entry may appear once.", nameof(observedRows));
            }
        }

        var rowStart = new int[rows + 1];
        var csrColumn = new int[count];
        var columnStart = new int[columns + 1];
        for (int q = 0; q < count; q++)
        {
            rowStart[(int)(key[q] / columns) + 1]++;
            int j = (int)(key[q] % columns);
            csrColumn[q] = j;
            columnStart[j + 1]++;
        }
        for (int i = 0; i < rows; i++) rowStart[i + 1] += rowStart[i];
        for (int j = 0; j < columns; j++) columnStart[j + 1] += columnStart[j];

        // Counting sort by column, walking the CSR order: rows stay ascending within each column.
        var next = columnStart.AsSpan(0, columns).ToArray();
        var cscRow = new int[count];
        var cscPosition = new int[count];
        for (int i = 0; i < rows; i++)
            for (int q = rowStart[i]; q < rowStart[i + 1]; q++)
            {
                int p = next[csrColumn[q]]++;
                cscRow[p] = i;
                cscPosition[p] = q;
            }
        return new EntryLayout(rowStart, csrColumn, measurement, columnStart, cscRow, cscPosition);
    }

    private static int[] Chunks(int[] start)
    {
        var bounds = new List<int> { 0 };
        int lines = start.Length - 1, begin = 0;
        for (int i = 1; i <= lines; i++)
            if (start[i] - start[begin] >= ChunkEntries || i == lines)
            {
                bounds.Add(i);
                begin = i;
            }
        return [.. bounds];
    }
}
