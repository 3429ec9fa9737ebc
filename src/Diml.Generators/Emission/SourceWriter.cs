using System.Text;

namespace Diml.Generators.Emission;

/// <summary>A small indenting text writer for generated source (as in dotnet/runtime's generators).</summary>
internal sealed class SourceWriter
{
    private const int IndentSize = 4;
    private readonly StringBuilder _builder = new();
    private int _indent;

    public void WriteLine(string line = "")
    {
        if (line.Length == 0)
        {
            _builder.Append('\n');
            return;
        }
        foreach (var part in line.Split('\n'))
        {
            _builder.Append(' ', _indent * IndentSize).Append(part).Append('\n');
        }
    }

    public void OpenBlock(string header)
    {
        WriteLine(header);
        WriteLine("{");
        _indent++;
    }

    public void OpenBrace()
    {
        WriteLine("{");
        _indent++;
    }

    public void CloseBlock(string suffix = "")
    {
        _indent--;
        WriteLine("}" + suffix);
    }

    /// <summary>Appends what another writer wrote, re-indented to this writer's level.</summary>
    public void Append(SourceWriter other)
    {
        foreach (var line in other.ToString().TrimEnd('\n').Split('\n'))
        {
            if (line.Length == 0) _builder.Append('\n');
            else _builder.Append(' ', _indent * IndentSize).Append(line).Append('\n');
        }
    }

    public bool IsEmpty => _builder.Length == 0;

    public override string ToString() => _builder.ToString();
}
