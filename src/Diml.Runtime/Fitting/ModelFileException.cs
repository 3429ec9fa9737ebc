using System.Globalization;
using System.Text;
using Diml.IO;

namespace Diml.Fitting;

/// <summary>
/// A model or checkpoint file does not follow its format. Says where — the file, the JSON path of the offending
/// member (<c>$.parameters.values[17]</c>) or, for text that is not JSON, the line and byte — what was expected
/// and what was found. Control characters from the file are escaped in the message.
/// </summary>
public sealed class ModelFileException : FormatException
{
    /// <summary>Creates the exception; the message is composed from the parts.</summary>
    public ModelFileException(string filePath, string? jsonPath, string expected, string found, long? line = null, long? bytePosition = null,
        Exception? inner = null)
        : base(MessageText.Escape(Compose(filePath, jsonPath, expected, found, line, bytePosition)), inner)
    {
        FilePath = filePath;
        JsonPath = jsonPath;
        Expected = expected;
        Found = found;
        Line = line;
        BytePosition = bytePosition;
    }

    /// <summary>The file read.</summary>
    public string FilePath { get; }

    /// <summary>The JSON path of the offending member (<c>$</c> is the root); null for text that is not JSON.</summary>
    public string? JsonPath { get; }

    /// <summary>What the format requires there.</summary>
    public string Expected { get; }

    /// <summary>What the file has instead.</summary>
    public string Found { get; }

    /// <summary>1-based line of a JSON syntax error.</summary>
    public long? Line { get; }

    /// <summary>1-based byte in <see cref="Line"/> of a JSON syntax error.</summary>
    public long? BytePosition { get; }

    private static string Compose(string filePath, string? jsonPath, string expected, string found, long? line, long? bytePosition)
    {
        var text = new StringBuilder(filePath);
        if (line is long l) text.Append(CultureInfo.InvariantCulture, $", line {l}");
        if (bytePosition is long b) text.Append(CultureInfo.InvariantCulture, $", byte {b}");
        if (jsonPath is not null) text.Append(", at ").Append(jsonPath);
        return text.Append(": expected ").Append(expected).Append(", found ").Append(found).Append('.').ToString();
    }
}
