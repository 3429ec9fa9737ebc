using System.Globalization;
using System.Text;
using Diml.IO;

namespace Diml.Experiments.Reproduction;

/// <summary>Reads and writes result CSV files (invariant culture, shortest round-trip numbers, NaN as an empty cell), atomically.</summary>
public static class ResultTable
{
    /// <summary>Writes <paramref name="rows"/> under <paramref name="columns"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, IReadOnlyList<string> columns, IEnumerable<ResultRow> rows, string? comment = null)
    {
        var text = new StringBuilder();
        if (comment is not null) text.Append("# ").Append(comment).Append('\n');
        text.Append(string.Join(',', columns)).Append('\n');
        foreach (var row in rows)
        {
            for (int c = 0; c < columns.Count; c++)
            {
                if (c > 0) text.Append(',');
                string column = columns[c];
                if (MetricColumns.IsText(column)) text.Append(row.Text(column));
                else
                {
                    double value = row.Number(column);
                    if (!double.IsNaN(value)) text.Append(value.ToString("R", CultureInfo.InvariantCulture));
                }
            }
            text.Append('\n');
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>Reads a file written by <see cref="Write"/> (or the reference log): the comment, if any, and the rows.</summary>
    public static (string? Comment, List<ResultRow> Rows) Read(string path)
    {
        using var reader = new StreamReader(path, AtomicFile.Utf8NoBom);
        return Read(reader);
    }

    /// <summary>Reads result CSV text from <paramref name="reader"/>.</summary>
    public static (string? Comment, List<ResultRow> Rows) Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string? comment = null;
        string[]? header = null;
        var rows = new List<ResultRow>();
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (line.Length == 0) continue;
            if (line.StartsWith('#'))
            {
                comment ??= line[1..].Trim();
                continue;
            }
            var cells = line.Split(',');
            if (header is null)
            {
                header = cells;
                continue;
            }
            var row = new ResultRow();
            for (int c = 0; c < header.Length && c < cells.Length; c++)
            {
                if (MetricColumns.IsText(header[c])) row.Set(header[c], cells[c]);
                else if (cells[c].Length > 0 && double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                    row.Set(header[c], value);
            }
            rows.Add(row);
        }
        return (comment, rows);
    }
}
