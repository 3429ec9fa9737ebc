using System.Globalization;
using System.Text;

namespace Diml.Data;

/// <summary>
/// A data file does not follow its format. Says where (file, 1-based line, column name and 1-based number, as
/// far as the problem has a place), what was expected and what was found, so the user can fix the file
/// without reading our code. The message reads like
/// <c>runs/e1.csv, line 9, column 4 'action': expected an integer in 0..5, found '7'.</c>
/// Control characters from the file are escaped in the message (<see cref="Diml.IO.MessageText"/>), so printing it
/// cannot move a terminal's cursor or hide text; the properties keep the raw text.
/// </summary>
public sealed class DataFormatException : FormatException
{
    /// <summary>Creates the exception; the message is composed from the parts.</summary>
    /// <param name="filePath">The file (or other source name) being read; null when unknown.</param>
    /// <param name="line">1-based line of the offending text; null when the problem is not on one line (such as a missing row).</param>
    /// <param name="column">Name of the offending column; null when the problem is not in one column.</param>
    /// <param name="columnNumber">1-based position of the column in the header; null when unknown or not applicable.</param>
    /// <param name="problem">A short statement of the problem placed before expected/found (for example which row is duplicated); may be null.</param>
    /// <param name="expected">What the format requires here.</param>
    /// <param name="found">What the file has instead.</param>
    /// <param name="relatedLine">A second line involved, such as the first of two duplicate rows.</param>
    public DataFormatException(string? filePath, int? line, string? column, int? columnNumber, string? problem,
        string expected, string found, int? relatedLine = null)
        : this(filePath, line, null, column, columnNumber, problem, expected, found, relatedLine)
    {
    }

    /// <summary>
    /// An error at a place that is not a line, such as <c>row group 2, row 17</c> of a Parquet file (<see cref="Place"/>);
    /// otherwise as the constructor.
    /// </summary>
    public static DataFormatException At(string? filePath, string? place, string? column, int? columnNumber, string? problem,
        string expected, string found) =>
        new(filePath, null, place, column, columnNumber, problem, expected, found, null);

    private DataFormatException(string? filePath, int? line, string? place, string? column, int? columnNumber, string? problem,
        string expected, string found, int? relatedLine)
        : base(Diml.IO.MessageText.Escape(Compose(filePath, line, place, column, columnNumber, problem, expected, found)))
    {
        Place = place;
        FilePath = filePath;
        Line = line;
        Column = column;
        ColumnNumber = columnNumber;
        Problem = problem;
        Expected = expected;
        Found = found;
        RelatedLine = relatedLine;
    }

    /// <summary>The file (or other source name) being read; null when unknown.</summary>
    public string? FilePath { get; }

    /// <summary>1-based line of the offending text; null when the problem is not on one line.</summary>
    public int? Line { get; }

    /// <summary>Where the problem is when that is not a line (a Parquet file's row group and row); null otherwise.</summary>
    public string? Place { get; }

    /// <summary>A second line involved, such as the first of two duplicate rows; null when there is none.</summary>
    public int? RelatedLine { get; }

    /// <summary>Name of the offending column; null when the problem is not in one column.</summary>
    public string? Column { get; }

    /// <summary>1-based position of <see cref="Column"/> in the header; null when unknown or not applicable.</summary>
    public int? ColumnNumber { get; }

    /// <summary>A short statement of the problem, or null when expected/found say it all.</summary>
    public string? Problem { get; }

    /// <summary>What the format requires here.</summary>
    public string Expected { get; }

    /// <summary>What the file has instead.</summary>
    public string Found { get; }

    private static string Compose(string? filePath, int? line, string? place, string? column, int? columnNumber, string? problem, string expected, string found)
    {
        var text = new StringBuilder();
        text.Append(filePath ?? "<data>");
        if (line is int l) text.Append(CultureInfo.InvariantCulture, $", line {l}");
        if (place is not null) text.Append(", ").Append(place);
        if (columnNumber is int c) text.Append(CultureInfo.InvariantCulture, $", column {c}");
        else if (column is not null) text.Append(", column");
        if (column is not null) text.Append(CultureInfo.InvariantCulture, $" '{column}'");
        text.Append(": ");
        if (problem is not null) text.Append(problem).Append("; ");
        text.Append("expected ").Append(expected).Append(", found ").Append(found).Append('.');
        return text.ToString();
    }
}
