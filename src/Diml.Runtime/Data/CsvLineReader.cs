using System.Text;

namespace Diml.Data;

/// <summary>
/// Splits text into lines ended by <c>\n</c> or <c>\r\n</c> (the last line may have no end), and refuses a
/// carriage return that is not followed by <c>\n</c>: <see cref="TextReader.ReadLine"/> would take it for a line
/// end, so a file with old Mac line ends would silently parse as something the format does not allow.
/// </summary>
internal sealed class CsvLineReader(TextReader reader, string source)
{
    private readonly char[] _buffer = new char[1 << 16];
    private readonly StringBuilder _partial = new();
    private int _start, _end;

    /// <summary>1-based number of the line last returned.</summary>
    public int Line { get; private set; }

    /// <summary>The next line without its end, or null at the end of the text.</summary>
    /// <exception cref="DataFormatException">The line ends in a lone carriage return.</exception>
    public string? ReadLine()
    {
        _partial.Clear();
        bool any = false;
        while (true)
        {
            if (_start == _end && !Fill())
            {
                if (!any) return null;
                Line = checked(Line + 1);
                return _partial.ToString();
            }
            any = true;
            var span = _buffer.AsSpan(_start, _end - _start);
            int i = span.IndexOfAny('\r', '\n');
            if (i < 0)
            {
                _partial.Append(span);
                _start = _end;
                continue;
            }
            _partial.Append(span[..i]);
            _start += i + 1;
            if (span[i] == '\r')
            {
                if (_start == _end && !Fill()) throw LoneCarriageReturn();
                if (_buffer[_start] != '\n') throw LoneCarriageReturn();
                _start++;
            }
            Line = checked(Line + 1);
            return _partial.ToString();
        }
    }

    private bool Fill()
    {
        _start = 0;
        _end = reader.Read(_buffer, 0, _buffer.Length);
        return _end > 0;
    }

    private DataFormatException LoneCarriageReturn() =>
        new(source, Line + 1, null, null, "the line ends in a carriage return alone",
            "lines ended by \\n or \\r\\n", "a carriage return (\\r) not followed by \\n");
}
