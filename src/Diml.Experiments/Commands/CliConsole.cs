using Spectre.Console;

namespace Diml.Experiments.Commands;

/// <summary>
/// Where a <c>diml</c> run writes: results (tables, JSON) to <see cref="Out"/> (standard output), progress and
/// errors to <see cref="Progress"/> and <see cref="Error"/> (standard error), so <c>diml evaluate --json &gt; m.json</c>
/// gets clean JSON. Tests pass their own writers.
/// </summary>
public sealed class CliConsole
{
    private CliConsole(IAnsiConsole output, IAnsiConsole progress, TextWriter outputWriter, TextWriter error, bool outputIsTerminal = false)
    {
        OutputIsTerminal = outputIsTerminal;
        Out = output;
        Progress = progress;
        OutWriter = outputWriter;
        Error = error;
    }

    /// <summary>Results: tables and summaries.</summary>
    public IAnsiConsole Out { get; }

    /// <summary>The raw result writer, for machine-readable output (JSON).</summary>
    public TextWriter OutWriter { get; }

    /// <summary>Progress bars and status (standard error).</summary>
    public IAnsiConsole Progress { get; }

    /// <summary>Whether progress can redraw in place (an interactive terminal); otherwise it is written as plain lines.</summary>
    public bool InteractiveProgress => Progress.Profile.Capabilities.Interactive;

    /// <summary>Whether standard output is a terminal; otherwise tables are drawn in plain ASCII for files and pipes.</summary>
    public bool OutputIsTerminal { get; }

    /// <summary>Error lines (standard error).</summary>
    public TextWriter Error { get; }

    /// <summary>The process's own console, with Spectre's detection of colours and interactivity.</summary>
    public static CliConsole ForProcess()
    {
        var output = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        var progress = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        // Redirected output has no width; Spectre would assume 80 columns and wrap tables into files.
        if (Console.IsOutputRedirected) output.Profile.Width = RedirectedWidth;
        return new CliConsole(output, progress, Console.Out, Console.Error, !Console.IsOutputRedirected);
    }

    /// <summary>Plain text to <paramref name="output"/> and <paramref name="error"/>: no colours, no redrawing, 160 columns.</summary>
    public static CliConsole ForWriters(TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        return new CliConsole(Plain(output), Plain(error), output, error);
    }

    /// <summary>Columns assumed when the output is a file or pipe.</summary>
    private const int RedirectedWidth = 160;

    private static IAnsiConsole Plain(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = RedirectedWidth;
        return console;
    }
}
