using System.Globalization;
using Diml.IO;
using Parquet;
using Parquet.Schema;
using static Diml.Data.TrajectoryAssembly;

namespace Diml.Data;

/// <summary>
/// Reads and writes trajectories as Apache Parquet files (through Parquet.Net), for logs too large for CSV to be
/// comfortable: the long CSV's columns <c>episode,t,agent,action</c> and optionally <c>group</c>, as integer columns
/// (32- or 64-bit, nullable or not), one row per (episode, step, agent) in any order; other columns are ignored with a
/// warning; the file's key-value metadata is the data's metadata (the CSV's <c>#key=value</c> lines).
/// </summary>
/// <remarks>
/// The rules are the CSV's (<see cref="TrajectoryCsv"/>, <c>docs/formats.md</c>), checked by the same code: value
/// ranges, duplicates, gaps, groups and absent agents. Errors name the file, the row group and the row within it (both
/// numbered from 0, as Parquet tools number them), the column, what was expected and what was found. Reading is all or
/// nothing; writing is atomic (<see cref="AtomicFile"/>).
/// </remarks>
public static class TrajectoryParquet
{
    /// <summary>Rows per row group the writer uses.</summary>
    public const int DefaultRowGroupSize = 1 << 20;

    /// <summary>
    /// Reads the trajectory Parquet file at <paramref name="path"/>; the game shape is inferred unless
    /// <paramref name="expectedShape"/> is given, exactly as <see cref="TrajectoryCsv.Read(string, GameShape?)"/>.
    /// </summary>
    /// <exception cref="DataFormatException">The file is not Parquet or breaks the format; nothing is returned.</exception>
    /// <exception cref="InsufficientMemoryException">The rows cannot fit in the memory available (checked before reading them).</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static TrajectoryCsvReadResult Read(string path, GameShape? expectedShape = null) =>
        ReadAsync(path, expectedShape).GetAwaiter().GetResult();

    /// <inheritdoc cref="Read(string, GameShape?)"/>
    public static async Task<TrajectoryCsvReadResult> ReadAsync(string path, GameShape? expectedShape = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (expectedShape is { Agents: < 1 })
            throw new ArgumentException($"{nameof(expectedShape)}: expected a valid GameShape (at least 1 agent, 2 actions) or null, found {expectedShape.Value}.", nameof(expectedShape));
        if (!File.Exists(path)) throw new FileNotFoundException($"Cannot read trajectories: expected a file '{path}', found none.", path);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using var reader = await Open(stream, path, cancellationToken).ConfigureAwait(false);

        var warnings = new List<string>();
        DataField[] fields;
        long total = 0;
        long[] starts;
        try
        {
            fields = reader.Schema.GetDataFields();
            starts = new long[reader.RowGroupCount + 1];
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var rowGroup = reader.OpenRowGroupReader(g);
                total += rowGroup.RowCount;
                starts[g + 1] = total;
            }
        }
        catch (Exception e) when (IsDecodingFailure(e))
        {
            throw NotParquet(path, e);
        }
        var columns = FindColumns(fields, path, warnings);
        if (total == 0)
            throw DataFormatException.At(path, null, null, null, "the file has a schema but no rows", "at least one row", "none");
        if (total >= Array.MaxLength)
            throw DataFormatException.At(path, null, null, null, "the file has too many rows",
                string.Create(CultureInfo.InvariantCulture, $"fewer than {Array.MaxLength:N0} rows"), string.Create(CultureInfo.InvariantCulture, $"{total:N0}"));
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        double needed = (double)total * TrajectoryCsv.MemoryBytesPerRow;
        if (available > 0 && needed > available)
            throw new InsufficientMemoryException(string.Create(CultureInfo.InvariantCulture,
                $"Cannot load '{path}': its {total:N0} rows need about {needed / (1L << 30):0.0} GiB of memory while loading, but only {available / (double)(1L << 30):0.0} GiB is available to this process. Split the file by episode, or load it on a machine with more memory."));

        var rows = new TrajectoryRow[total];
        bool grouped = columns[GroupColumn] >= 0;
        int maxAgent = -1, maxAction = -1;
        var values = new int[ColumnNames.Length][];
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var rowGroup = reader.OpenRowGroupReader(g);
            int count = checked((int)rowGroup.RowCount);
            for (int which = 0; which < ColumnNames.Length; which++)
            {
                if (columns[which] < 0) continue;
                if (values[which] is null || values[which].Length < count) values[which] = new int[count];
                try
                {
                    await ReadColumn(rowGroup, fields[columns[which]], which, columns[which], count, expectedShape, path, g, values[which], cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (IsDecodingFailure(e))
                {
                    throw DataFormatException.At(path, string.Create(CultureInfo.InvariantCulture, $"row group {g}"), ColumnNames[which], columns[which] + 1,
                        "the column cannot be decoded (the file is damaged or truncated)", "a readable Parquet column chunk", MessageText.Escape(e.Message));
                }
            }
            int first = (int)starts[g];
            for (int r = 0; r < count; r++)
            {
                int agent = values[AgentColumn][r], action = values[ActionColumn][r];
                // The row's number in the file, 1-based as TrajectoryRow's lines are; the locator turns it back into (row group, row).
                rows[first + r] = new TrajectoryRow(values[EpisodeColumn][r], values[TColumn][r], agent, action, grouped ? values[GroupColumn][r] : 0, first + r + 1);
                maxAgent = Math.Max(maxAgent, agent);
                maxAction = Math.Max(maxAction, action);
            }
        }

        GameShape shape;
        if (expectedShape is GameShape given) shape = given;
        else
        {
            if (maxAction < 1)
                throw DataFormatException.At(path, null, ColumnNames[ActionColumn], columns[ActionColumn] + 1,
                    "cannot infer the number of actions (largest action + 1) from data that only use action 0",
                    "at least 2 actions (pass the expected game shape)", "only action 0");
            shape = new GameShape(maxAgent + 1, maxAction + 1);
        }
        var metadata = new Dictionary<string, string>(reader.CustomMetadata, StringComparer.Ordinal);
        var locator = new RowGroupLocator(starts);
        var data = grouped
            ? AssembleGrouped(rows, path, shape, columns, metadata, locator)
            : Assemble(rows, path, shape, columns, metadata, locator);
        return new TrajectoryCsvReadResult(data, warnings.AsReadOnly());
    }

    /// <summary>
    /// Writes <paramref name="data"/> to <paramref name="path"/> atomically: 32-bit integer columns
    /// <c>episode,t,agent,action</c> (and <c>group</c> for data with groups or absent agents, whose absent cells have no
    /// row), rows sorted by episode, t, agent, in row groups of <paramref name="rowGroupSize"/> rows, Snappy-compressed,
    /// the metadata as the file's key-value metadata. If anything fails, an existing file at <paramref name="path"/> is
    /// left as it was.
    /// </summary>
    public static void Write(string path, Trajectories data, int rowGroupSize = DefaultRowGroupSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupSize, 1);
        AtomicFile.Write(path, stream => WriteAsync(stream, data, rowGroupSize).GetAwaiter().GetResult());
    }

    private static async Task WriteAsync(Stream stream, Trajectories data, int rowGroupSize)
    {
        bool grouped = !data.IsFullPlay;
        var fields = ColumnNames.Take(grouped ? ColumnNames.Length : RequiredColumns).Select(name => new DataField<int>(name)).ToArray();
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream).ConfigureAwait(false);
        writer.CustomMetadata = data.Metadata.ToDictionary(pair => pair.Key, pair => pair.Value);
        var buffers = fields.Select(_ => new int[rowGroupSize]).ToArray();
        var actions = data.AsSpan().ToArray();
        var labels = data.GroupLabels.ToArray();
        int agents = data.Agents, k = 0, filled = 0;
        for (int e = 0; e < data.Episodes; e++)
            for (int t = 0; t < data.Steps; t++)
                for (int i = 0; i < agents; i++, k++)
                {
                    if (actions[k] == Trajectories.Absent) continue;
                    buffers[EpisodeColumn][filled] = e;
                    buffers[TColumn][filled] = t;
                    buffers[AgentColumn][filled] = i;
                    buffers[ActionColumn][filled] = actions[k];
                    if (grouped) buffers[GroupColumn][filled] = labels[k];
                    if (++filled == rowGroupSize)
                    {
                        await WriteRowGroup(writer, fields, buffers, filled).ConfigureAwait(false);
                        filled = 0;
                    }
                }
        if (filled > 0) await WriteRowGroup(writer, fields, buffers, filled).ConfigureAwait(false);
    }

    private static async Task WriteRowGroup(ParquetWriter writer, DataField<int>[] fields, int[][] buffers, int rows)
    {
        using var rowGroup = writer.CreateRowGroup();
        for (int c = 0; c < fields.Length; c++)
            await rowGroup.WriteAsync<int>(fields[c], buffers[c].AsMemory(0, rows)).ConfigureAwait(false);
    }

    private static async Task<ParquetReader> Open(Stream stream, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await ParquetReader.CreateAsync(stream, leaveStreamOpen: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsDecodingFailure(e))
        {
            throw NotParquet(path, e);
        }
    }

    private static DataFormatException NotParquet(string path, Exception e) =>
        DataFormatException.At(path, null, null, null, "the file cannot be read as Parquet",
            "an Apache Parquet file (it starts and ends with 'PAR1')", MessageText.Escape(e.Message));

    /// <summary>
    /// Whatever the Parquet library throws on bytes it cannot decode (its exception types are not part of its contract):
    /// every exception but our own located errors, cancellation and running out of memory.
    /// </summary>
    private static bool IsDecodingFailure(Exception e) => e is not (DataFormatException or OperationCanceledException or OutOfMemoryException);

    /// <summary>The schema position of each column (index: <see cref="TrajectoryAssembly.ColumnNames"/>), or −1 for an absent optional one.</summary>
    private static int[] FindColumns(DataField[] fields, string path, List<string> warnings)
    {
        int[] columns = [-1, -1, -1, -1, -1];
        for (int f = 0; f < fields.Length; f++)
        {
            int which = Array.FindIndex(ColumnNames, name => string.Equals(name, fields[f].Name, StringComparison.OrdinalIgnoreCase));
            if (which < 0)
            {
                warnings.Add(MessageText.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"{path}: column {f + 1} '{fields[f].Name}' is not one of {TrajectoryCsv.GroupedHeader} and was ignored.")));
                continue;
            }
            if (columns[which] >= 0)
                throw DataFormatException.At(path, null, ColumnNames[which], f + 1, $"column '{ColumnNames[which]}' appears twice in the schema",
                    $"each of {TrajectoryCsv.Header} once", string.Create(CultureInfo.InvariantCulture, $"it at columns {columns[which] + 1} and {f + 1}"));
            var type = fields[f].ClrType;
            if (type != typeof(int) && type != typeof(long) && type != typeof(short) && type != typeof(sbyte) && type != typeof(byte) && type != typeof(ushort))
                throw DataFormatException.At(path, null, ColumnNames[which], f + 1, null,
                    "an integer column (32- or 64-bit, or narrower)", $"a column of {Describe(type)}");
            if (fields[f].IsArray)
                throw DataFormatException.At(path, null, ColumnNames[which], f + 1, null, "one integer per row", "a repeated (list) column");
            columns[which] = f;
        }
        for (int which = 0; which < RequiredColumns; which++)
            if (columns[which] < 0)
                throw DataFormatException.At(path, null, ColumnNames[which], null, $"the schema has no column '{ColumnNames[which]}'",
                    $"columns named {TrajectoryCsv.Header}", string.Join(", ", fields.Select(f => f.Name)));
        return columns;
    }

    private static string Describe(Type type) =>
        type == typeof(string) || type == typeof(ReadOnlyMemory<char>) ? "strings"
        : type == typeof(double) || type == typeof(float) || type == typeof(decimal) ? "decimal numbers"
        : type == typeof(bool) ? "booleans"
        : type.Name;

    /// <summary>Reads one column of a row group into <paramref name="destination"/>, checking every value (nulls, range).</summary>
    private static async Task ReadColumn(ParquetRowGroupReader rowGroup, DataField field, int which, int position, int count, GameShape? shape,
        string path, int group, int[] destination, CancellationToken cancellationToken)
    {
        long limit = Limit(which, shape);
        var type = field.ClrType;
        if (type == typeof(int) && !field.IsNullable)
        {
            // The writer's layout: decoded straight into place, then checked.
            await rowGroup.ReadAsync<int>(field, destination.AsMemory(0, count), null, cancellationToken).ConfigureAwait(false);
            for (int r = 0; r < count; r++)
                if (destination[r] < 0 || destination[r] >= limit) throw OutOfRange(destination[r], r);
            return;
        }
        var values = new long?[count];
        if (type == typeof(int)) Copy(await ReadAs<int>(rowGroup, field, count, cancellationToken).ConfigureAwait(false), values);
        else if (type == typeof(long)) Copy(await ReadAs<long>(rowGroup, field, count, cancellationToken).ConfigureAwait(false), values);
        else if (type == typeof(short)) Copy(await ReadAs<short>(rowGroup, field, count, cancellationToken).ConfigureAwait(false), values);
        else if (type == typeof(sbyte)) Copy(await ReadAs<sbyte>(rowGroup, field, count, cancellationToken).ConfigureAwait(false), values);
        else if (type == typeof(byte)) Copy(await ReadAs<byte>(rowGroup, field, count, cancellationToken).ConfigureAwait(false), values);
        else Copy(await ReadAs<ushort>(rowGroup, field, count, cancellationToken).ConfigureAwait(false), values);
        for (int r = 0; r < count; r++)
        {
            if (values[r] is not long value)
                throw DataFormatException.At(path, RowGroupLocator.Describe(group, r), ColumnNames[which], position + 1, null, Expected(false), "null");
            if (value < 0 || value >= limit) throw OutOfRange(value, r);
            destination[r] = (int)value;
        }

        string Expected(bool tooLarge) => tooLarge && which is AgentColumn or ActionColumn
            ? ExpectedValue(which, shape)
            : string.Create(CultureInfo.InvariantCulture, $"a non-negative integer of at most {int.MaxValue}");

        DataFormatException OutOfRange(long value, int row) =>
            DataFormatException.At(path, RowGroupLocator.Describe(group, row), ColumnNames[which], position + 1, null,
                Expected(value >= limit), value.ToString(CultureInfo.InvariantCulture));
    }

    private static async Task<T?[]> ReadAs<T>(ParquetRowGroupReader rowGroup, DataField field, int count, CancellationToken cancellationToken) where T : struct
    {
        var values = new T?[count];
        if (field.IsNullable) await rowGroup.ReadAsync<T>(field, values.AsMemory(), null, cancellationToken).ConfigureAwait(false);
        else
        {
            var dense = new T[count];
            await rowGroup.ReadAsync<T>(field, dense.AsMemory(), null, cancellationToken).ConfigureAwait(false);
            for (int r = 0; r < count; r++) values[r] = dense[r];
        }
        return values;
    }

    private static void Copy<T>(T?[] from, long?[] to) where T : struct, IConvertible
    {
        for (int r = 0; r < from.Length; r++)
            to[r] = from[r] is T value ? value.ToInt64(CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Rows numbered 1.. through the file, located as (row group, row) both from 0.</summary>
    private sealed class RowGroupLocator(long[] starts) : RowLocator
    {
        public static string Describe(int group, long row) => string.Create(CultureInfo.InvariantCulture, $"row group {group}, row {row}");

        private string Place(int number)
        {
            long index = number - 1;
            int group = Array.BinarySearch(starts, index);
            // An exact hit is the first row of group `group` (or of a later one when groups are empty); else the insertion point − 1.
            if (group < 0) group = ~group - 1;
            while (group + 1 < starts.Length - 1 && starts[group + 1] == index) group++;
            return Describe(group, index - starts[group]);
        }

        public override DataFormatException Duplicate(string source, int first, int second, string problem, string expected) =>
            DataFormatException.At(source, Place(second), null, null, $"{problem} ({Place(first)} and {Place(second)})", expected,
                $"a second one at {Place(second)}, the first at {Place(first)}");
    }
}
