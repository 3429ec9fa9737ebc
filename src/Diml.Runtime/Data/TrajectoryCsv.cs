using System.Globalization;
using System.Text;
using Diml.IO;
using static Diml.Data.TrajectoryAssembly;

namespace Diml.Data;

/// <summary>
/// Reads and writes trajectories in the long CSV format: a header naming the columns <c>episode,t,agent,action</c>
/// and optionally <c>group</c> (in any order, extra columns ignored with a warning), then one row per (episode, step,
/// agent) in any order. Without a <c>group</c> column every agent acts at every step in one group of all agents; with
/// it, the rows of an (episode, t, group) form a group and an agent without a row at a step is absent there.
/// Lines starting with <c>#</c> are comments; <c>#key=value</c> comments before the header carry metadata.
/// The full rules, with an example of every error, are in <c>docs/formats.md</c>.
/// </summary>
/// <remarks>
/// Reading is all or nothing: the whole file is validated before a <see cref="Trajectories"/> exists, and any problem
/// is a <see cref="DataFormatException"/> that names the file, line, column, what was expected and what was found.
/// Writing is atomic (see <see cref="AtomicFile"/>).
/// </remarks>
public static class TrajectoryCsv
{
    /// <summary>The header the writer emits (and the column names the reader looks for).</summary>
    public const string Header = "episode,t,agent,action";

    /// <summary>The header the writer emits for data with groups or absent agents.</summary>
    public const string GroupedHeader = "episode,t,agent,action,group";

    /// <summary>The shortest possible data row, <c>0,0,0,0\n</c>: the most rows a file of a given length can hold.</summary>
    internal const int MinimumBytesPerRow = 8;

    /// <summary>
    /// Memory per row while loading: the parsed row (kept for error reporting and ordering) plus its slot in the
    /// final action array.
    /// </summary>
    internal const int MemoryBytesPerRow = TrajectoryRow.SizeInBytes + sizeof(int);

    /// <summary>
    /// Reads the trajectory CSV at <paramref name="path"/>. The game shape is inferred (agents = largest agent + 1,
    /// actions = largest action + 1) unless <paramref name="expectedShape"/> is given, in which case agents and
    /// actions beyond it are errors and agents missing from the data are reported as missing rows.
    /// </summary>
    /// <exception cref="DataFormatException">The file breaks the format; nothing is returned.</exception>
    /// <exception cref="InsufficientMemoryException">The file is too large to load into the memory available to this process (checked before reading).</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static TrajectoryCsvReadResult Read(string path, GameShape? expectedShape = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckShape(expectedShape);
        var file = new FileInfo(path);
        if (!file.Exists) throw new FileNotFoundException($"Cannot read trajectories: expected a file '{path}', found none.", path);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        // Zero would mean the runtime does not know its limit; refusing every file then would be wrong.
        if (available > 0) CheckFitsInMemory(path, file.Length, available);

        var options = new FileStreamOptions { Access = FileAccess.Read, Mode = FileMode.Open, Share = FileShare.Read, BufferSize = 1 << 16, Options = FileOptions.SequentialScan };
        using var stream = new FileStream(path, options);
        CheckUtf8(stream, path);
        // Encoding.UTF8 skips a UTF-8 byte-order mark; other marks were refused above, and nothing else is guessed.
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
        // Pre-size for typical rows (~12 bytes) so that a large file does not regrow the row buffer many times.
        int capacity = (int)Math.Clamp(file.Length / 12, 1024, Array.MaxLength);
        return ReadCore(reader, path, expectedShape, capacity);
    }

    /// <summary>
    /// Reads trajectories from <paramref name="reader"/>; <paramref name="sourceName"/> names the source in errors and
    /// warnings. Otherwise as <see cref="Read(string, GameShape?)"/> (no memory check: the length is unknown).
    /// </summary>
    /// <exception cref="DataFormatException">The text breaks the format; nothing is returned.</exception>
    public static TrajectoryCsvReadResult Read(TextReader reader, string sourceName, GameShape? expectedShape = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        CheckShape(expectedShape);
        return ReadCore(reader, sourceName, expectedShape, 1024);
    }

    /// <summary>
    /// Writes <paramref name="data"/> to <paramref name="path"/> atomically: metadata as <c>#key=value</c> lines, the
    /// header, then rows sorted by episode, t, agent; invariant culture, UTF-8 without BOM, <c>\n</c> line ends.
    /// If anything fails, an existing file at <paramref name="path"/> is left as it was.
    /// </summary>
    /// <exception cref="ArgumentException">A metadata key or value cannot be written as a comment line.</exception>
    public static void Write(string path, Trajectories data)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(data);
        CheckMetadataWritable(data.Metadata);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, AtomicFile.Utf8NoBom, bufferSize: 1 << 16, leaveOpen: true);
            WriteCore(writer, data);
        });
    }

    /// <summary>Writes <paramref name="data"/> to <paramref name="writer"/> in the same layout as <see cref="Write(string, Trajectories)"/>.</summary>
    /// <exception cref="ArgumentException">A metadata key or value cannot be written as a comment line.</exception>
    public static void Write(TextWriter writer, Trajectories data)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(data);
        CheckMetadataWritable(data.Metadata);
        WriteCore(writer, data);
    }

    /// <summary>
    /// Refuses, before reading a byte, a file whose rows could need more memory than the process can have: the file
    /// may hold up to <c>length / 8</c> rows, each needing <see cref="MemoryBytesPerRow"/> bytes while loading.
    /// </summary>
    internal static void CheckFitsInMemory(string path, long fileLength, long availableBytes)
    {
        long maxRows = fileLength / MinimumBytesPerRow;
        // Doubles: the product can exceed long for absurd inputs, and the comparison needs no exactness.
        double needed = (double)maxRows * MemoryBytesPerRow;
        if (needed <= availableBytes) return;
        throw new InsufficientMemoryException(string.Create(CultureInfo.InvariantCulture,
            $"Cannot load '{path}': the file is {FormatBytes(fileLength)}, which can hold up to {maxRows:N0} rows " +
            $"({MinimumBytesPerRow} bytes per row at the shortest); loading needs about {MemoryBytesPerRow} bytes of memory per row, " +
            $"{FormatBytes(needed)} in all, but only {FormatBytes(availableBytes)} is available to this process. " +
            $"Split the file by episode, or load it on a machine with more memory."));
    }

    /// <summary>Refuses a UTF-16 or UTF-32 byte-order mark (the format is UTF-8), then rewinds.</summary>
    private static void CheckUtf8(Stream stream, string path)
    {
        Span<byte> head = stackalloc byte[4];
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        head = head[..read];
        string? found = head switch
        {
            [0xFF, 0xFE, 0, 0] => "a UTF-32 LE byte-order mark",
            [0, 0, 0xFE, 0xFF] => "a UTF-32 BE byte-order mark",
            [0xFF, 0xFE, ..] => "a UTF-16 LE byte-order mark",
            [0xFE, 0xFF, ..] => "a UTF-16 BE byte-order mark",
            _ => null,
        };
        if (found is not null)
            throw new DataFormatException(path, 1, null, null, "the file is not UTF-8", "UTF-8 text (save it as UTF-8)", found);
    }

    private static string FormatBytes(double bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 30):0.0} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 20):0.0} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes:0} bytes"),
    };

    private static void CheckShape(GameShape? shape)
    {
        if (shape is { Agents: < 1 }) ThrowHelper.ThrowArgument("expectedShape", "a valid GameShape (at least 1 agent, 2 actions) or null", shape.Value);
    }

    private static TrajectoryCsvReadResult ReadCore(TextReader reader, string source, GameShape? expectedShape, int capacity)
    {
        var warnings = new List<string>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);

        // Header: the first line that is neither blank nor a comment. Comments before it may carry metadata.
        var lines = new CsvLineReader(reader, source);
        string? text;
        int line = 0;
        while ((text = lines.ReadLine()) is not null)
        {
            line = lines.Line;
            var trimmed = text.AsSpan().Trim();
            if (trimmed.IsEmpty) continue;
            if (trimmed[0] != '#') break;
            if (TryParseMetadata(trimmed[1..], out string? key, out string? value)) metadata[key] = value;
        }
        if (text is null)
            throw new DataFormatException(source, Math.Max(line, 1), null, null, "the file has no header",
                $"a header line '{Header}'", line == 0 ? "an empty file" : "only blank and comment lines");
        int headerLine = line;
        var columns = ParseHeader(text, source, headerLine, warnings, out int fieldCount);
        // Field position -> required column (or -1), so each row needs no search.
        var fieldColumns = new int[fieldCount];
        for (int f = 0; f < fieldCount; f++) fieldColumns[f] = Array.IndexOf(columns, f);

        // Data rows: parsed and range-checked as they stream past; structure is checked once all are in.
        var rows = new TrajectoryRow[capacity];
        int count = 0;
        int maxAgent = -1, maxAction = -1, maxEpisode = -1;
        Span<int> values = stackalloc int[ColumnNames.Length];
        bool grouped = columns[GroupColumn] >= 0;
        while ((text = lines.ReadLine()) is not null)
        {
            line = lines.Line;
            var trimmed = text.AsSpan().Trim();
            if (trimmed.IsEmpty || trimmed[0] == '#') continue;
            ParseRow(text, source, line, fieldColumns, fieldCount, expectedShape, values);
            if (count == rows.Length)
            {
                if (count == Array.MaxLength)
                    throw new DataFormatException(source, line, null, null, "the file has too many rows",
                        string.Create(CultureInfo.InvariantCulture, $"at most {Array.MaxLength:N0} data rows"), "more");
                Array.Resize(ref rows, (int)Math.Min(2L * rows.Length, Array.MaxLength));
            }
            rows[count++] = new TrajectoryRow(values[EpisodeColumn], values[TColumn], values[AgentColumn], values[ActionColumn],
                grouped ? values[GroupColumn] : 0, line);
            maxEpisode = Math.Max(maxEpisode, values[EpisodeColumn]);
            maxAgent = Math.Max(maxAgent, values[AgentColumn]);
            maxAction = Math.Max(maxAction, values[ActionColumn]);
        }
        if (count == 0)
            throw new DataFormatException(source, line + 1, null, null, "the file has a header but no data",
                "at least one data row after the header", "end of file");

        GameShape shape;
        if (expectedShape is GameShape given) shape = given;
        else
        {
            if (maxAction < 1)
                throw new DataFormatException(source, null, ColumnNames[ActionColumn], columns[ActionColumn] + 1,
                    "cannot infer the number of actions (largest action + 1) from data that only use action 0",
                    "at least 2 actions (pass the expected game shape)", "only action 0");
            shape = new GameShape(maxAgent + 1, maxAction + 1);
        }

        var data = grouped
            ? AssembleGrouped(rows.AsSpan(0, count), source, shape, columns, metadata, RowLocator.Lines)
            : Assemble(rows.AsSpan(0, count), source, shape, columns, metadata, RowLocator.Lines);
        return new TrajectoryCsvReadResult(data, warnings.AsReadOnly());
    }

    /// <summary>Locates the four required columns and the optional group column (index = field position) and warns about the others.</summary>
    private static int[] ParseHeader(string text, string source, int line, List<string> warnings, out int fieldCount)
    {
        int[] columns = [-1, -1, -1, -1, -1];
        var names = new List<string>();
        int start = 0;
        while (true)
        {
            int end = FieldEnd(text, start);
            names.Add(Unquote(text.AsSpan(start, end - start)).ToString());
            if (end == text.Length) break;
            start = end + 1;
        }
        fieldCount = names.Count;

        for (int f = 0; f < names.Count; f++)
        {
            int which = Array.FindIndex(ColumnNames, name => string.Equals(name, names[f], StringComparison.OrdinalIgnoreCase));
            if (which < 0) continue;
            if (columns[which] >= 0)
                throw new DataFormatException(source, line, ColumnNames[which], f + 1, $"column '{ColumnNames[which]}' appears twice in the header",
                    $"each of {Header} once", string.Create(CultureInfo.InvariantCulture, $"it at columns {columns[which] + 1} and {f + 1}"));
            columns[which] = f;
        }

        for (int which = 0; which < RequiredColumns; which++)
        {
            if (columns[which] >= 0) continue;
            // A first line of numbers is data without a header, which deserves a clearer message than a missing column.
            bool allNumbers = names.TrueForAll(name => int.TryParse(name, NumberStyles.Integer, CultureInfo.InvariantCulture, out _));
            if (allNumbers)
                throw new DataFormatException(source, line, null, null, "the header is missing",
                    $"a header line '{Header}' before the data", $"'{Shorten(text)}'");
            throw new DataFormatException(source, line, ColumnNames[which], null, $"the header has no column '{ColumnNames[which]}'",
                $"a header naming the columns {Header}", $"'{Shorten(text)}'");
        }

        for (int f = 0; f < names.Count; f++)
            if (Array.IndexOf(columns, f) < 0)
                warnings.Add(Diml.IO.MessageText.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"{source}, line {line}: column {f + 1} '{names[f]}' is not one of {GroupedHeader} and was ignored.")));
        return columns;
    }

    /// <summary>Parses the four required fields of one data row into <paramref name="values"/>, checking each.</summary>
    private static void ParseRow(string text, string source, int line, int[] fieldColumns, int fieldCount, GameShape? shape, Span<int> values)
    {
        int field = 0, start = 0;
        while (true)
        {
            int end = FieldEnd(text, start);
            int which = field < fieldCount ? fieldColumns[field] : -1;
            if (which >= 0)
            {
                var raw = Unquote(text.AsSpan(start, end - start));
                // NumberStyles.None: digits only, so signs, spaces, separators and decimals are all rejected here.
                if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
                {
                    // All digits but no int: too large, which the limit (or int's range) says better than "not an integer".
                    bool tooLarge = !raw.IsEmpty && !raw.ContainsAnyExceptInRange('0', '9');
                    string expected = tooLarge && which is EpisodeColumn or TColumn or GroupColumn
                        ? string.Create(CultureInfo.InvariantCulture, $"a non-negative integer of at most {int.MaxValue}")
                        : tooLarge || shape is not null ? ExpectedValue(which, shape) : "a non-negative integer";
                    throw new DataFormatException(source, line, ColumnNames[which], field + 1, null, expected, $"'{Shorten(raw)}'");
                }
                if (value >= Limit(which, shape))
                    throw new DataFormatException(source, line, ColumnNames[which], field + 1, null,
                        ExpectedValue(which, shape), value.ToString(CultureInfo.InvariantCulture));
                values[which] = value;
            }
            field++;
            if (end == text.Length) break;
            start = end + 1;
        }
        if (field != fieldCount)
            throw new DataFormatException(source, line, null, null, "the row does not match the header",
                string.Create(CultureInfo.InvariantCulture, $"{fieldCount} fields like the header"), string.Create(CultureInfo.InvariantCulture, $"{field}"));
    }

    /// <summary>
    /// Index just past the field starting at <paramref name="start"/> (the next comma or the end). Fields may be
    /// double-quoted (RFC 4180), so a quoted extra column may contain commas.
    /// </summary>
    private static int FieldEnd(string text, int start)
    {
        int i = start;
        // Fast path: the usual field starts with a digit and cannot be quoted.
        if (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            int next = text.IndexOf(',', i);
            return next < 0 ? text.Length : next;
        }
        while (i < text.Length && (text[i] == ' ' || text[i] == '\t')) i++;
        if (i < text.Length && text[i] == '"')
        {
            for (i++; i < text.Length; i++)
            {
                if (text[i] != '"') continue;
                if (i + 1 < text.Length && text[i + 1] == '"') { i++; continue; }
                break;
            }
        }
        int comma = text.IndexOf(',', Math.Min(i, text.Length));
        return comma < 0 ? text.Length : comma;
    }

    /// <summary>A field without surrounding blanks and one pair of surrounding double quotes.</summary>
    private static ReadOnlySpan<char> Unquote(ReadOnlySpan<char> field)
    {
        field = field.Trim();
        if (field.Length >= 2 && field[0] == '"' && field[^1] == '"') field = field[1..^1];
        return field;
    }

    private static string Shorten(ReadOnlySpan<char> text) => text.Length <= 60 ? text.ToString() : string.Concat(text[..57], "...");

    /// <summary>Reads <c>key=value</c> (after the <c>#</c>); anything else is a plain comment.</summary>
    private static bool TryParseMetadata(ReadOnlySpan<char> comment, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? key,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
    {
        key = value = null;
        int equals = comment.IndexOf('=');
        if (equals < 0) return false;
        var name = comment[..equals].Trim();
        if (!IsMetadataKey(name)) return false;
        key = name.ToString();
        value = comment[(equals + 1)..].Trim().ToString();
        return true;
    }

    private static bool IsMetadataKey(ReadOnlySpan<char> key)
    {
        if (key.IsEmpty) return false;
        foreach (char c in key)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')) return false;
        return true;
    }

    private static void CheckMetadataWritable(IReadOnlyDictionary<string, string> metadata)
    {
        foreach (var (key, value) in metadata)
        {
            if (!IsMetadataKey(key))
                ThrowHelper.ThrowArgument("data", "metadata keys of ASCII letters, digits, '_', '.' or '-'", $"key '{key}'");
            if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
                ThrowHelper.ThrowArgument("data", "metadata values on one line", $"a line break in the value of '{key}'");
        }
    }

    private static void WriteCore(TextWriter writer, Trajectories data)
    {
        foreach (var (key, value) in data.Metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            writer.Write('#');
            writer.Write(key);
            writer.Write('=');
            writer.Write(value);
            writer.Write('\n');
        }
        // Data with groups or absent agents need the group column (and have no row for an absent agent).
        bool grouped = !data.IsFullPlay;
        writer.Write(grouped ? GroupedHeader : Header);
        writer.Write('\n');

        // Five non-negative ints, four commas and a newline: 5·10 + 5 chars at most.
        Span<char> buffer = stackalloc char[64];
        var actions = data.AsSpan();
        var labels = data.GroupLabels;
        int agents = data.Agents, k = 0;
        for (int e = 0; e < data.Episodes; e++)
            for (int t = 0; t < data.Steps; t++)
                for (int i = 0; i < agents; i++, k++)
                {
                    if (actions[k] == Trajectories.Absent) continue;
                    int n = 0;
                    Append(buffer, ref n, e); buffer[n++] = ',';
                    Append(buffer, ref n, t); buffer[n++] = ',';
                    Append(buffer, ref n, i); buffer[n++] = ',';
                    Append(buffer, ref n, actions[k]);
                    if (grouped) { buffer[n++] = ','; Append(buffer, ref n, labels[k]); }
                    buffer[n++] = '\n';
                    writer.Write(buffer[..n]);
                }
    }

    private static void Append(Span<char> buffer, ref int length, int value)
    {
        value.TryFormat(buffer[length..], out int written, default, CultureInfo.InvariantCulture);
        length += written;
    }
}
