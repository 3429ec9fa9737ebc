using Spectre.Console;

namespace Diml.Experiments.Commands;

/// <summary>Result tables: box-drawn in a terminal, plain ASCII (<c>+---+</c>) when standard output is a file or pipe.</summary>
internal static class CliTables
{
    /// <summary>A table with <paramref name="columns"/>, bordered for where <paramref name="console"/>'s output goes.</summary>
    public static Table Create(CliConsole console, params string[] columns)
    {
        var table = new Table().AddColumns(columns);
        if (!console.OutputIsTerminal) table.Border(TableBorder.Ascii);
        return table;
    }

    /// <summary>The dash shown for a missing value: an em dash in a terminal, a hyphen elsewhere.</summary>
    public static string None(CliConsole console) => console.OutputIsTerminal ? "—" : "-";
}
