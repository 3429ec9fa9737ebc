using System.Globalization;
using System.Text.Json;
using Diml.Data;
using Diml.Fitting;
using Diml.IO;

namespace Diml.Experiments.Commands;

/// <summary>
/// Reading the inputs and preparing the outputs of a command, with errors that name the option and the file.
/// Outputs are always written atomically (<see cref="AtomicFile"/>), so a failed run leaves no partial file.
/// </summary>
internal static class CliFiles
{
    /// <summary>
    /// Reads a trajectory CSV given by <paramref name="option"/>. The game shape is inferred, then widened to
    /// <paramref name="actions"/> (or the file's <c>#actions=</c> metadata) when the data do not use the top action.
    /// Reader warnings go to <paramref name="console"/>'s error stream.
    /// </summary>
    public static Trajectories ReadTrajectories(string path, string option, CliConsole console, int? actions = null)
    {
        if (Directory.Exists(path)) throw CliException.Input($"{option}: expected a trajectory CSV file, found a directory '{path}'.");
        if (!File.Exists(path)) throw CliException.Input($"{option}: expected an existing trajectory CSV file, found no file '{path}'.");
        var result = TrajectoryCsv.Read(path);
        foreach (string warning in result.Warnings) console.Error.WriteLine($"diml: warning: {OneLine(warning)}");
        var data = result.Trajectories;
        int? wanted = actions;
        if (wanted is null && data.Metadata.TryGetValue("actions", out string? declared)
            && int.TryParse(declared, NumberStyles.None, CultureInfo.InvariantCulture, out int fromMetadata))
            wanted = fromMetadata;
        if (wanted is int a && a != data.Shape.Actions)
        {
            if (a < data.Shape.Actions)
                throw CliException.Input(string.Create(CultureInfo.InvariantCulture,
                    $"{path}: expected actions in 0..{a - 1} ({a} actions), found action {data.Shape.Actions - 1}."));
            data = new Trajectories(new GameShape(data.Shape.Agents, a), data.Episodes, data.Steps, data.AsSpan(), data.Metadata);
        }
        return data;
    }

    /// <summary>Reads a model file given by <paramref name="option"/>.</summary>
    public static SavedModel ReadModel(string path, string option)
    {
        if (Directory.Exists(path)) throw CliException.Input($"{option}: expected a model file, found a directory '{path}'.");
        if (!File.Exists(path)) throw CliException.Input($"{option}: expected an existing model file, found no file '{path}'.");
        try
        {
            return ModelFile.Read(path);
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is long line
                ? string.Create(CultureInfo.InvariantCulture, $", line {line + 1}, byte {e.BytePositionInLine + 1}")
                : "";
            throw CliException.Input($"{path}{where}: expected a Diml model file (JSON), found text that is not valid JSON.");
        }
    }

    /// <summary>
    /// Checks that <paramref name="path"/> (given by <paramref name="option"/>) can be a file and creates its folder,
    /// before any work starts, so a long run does not fail at the end on a bad path.
    /// </summary>
    public static string PrepareOutput(string path, string option)
    {
        if (string.IsNullOrWhiteSpace(path)) throw CliException.Usage($"{option}: expected a file path, found an empty value.");
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw CliException.Usage($"{option}: expected a valid file path, found '{path}'.");
        }
        if (Directory.Exists(full)) throw CliException.Usage($"{option}: expected a file path, found a directory '{path}'.");
        string? folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder))
        {
            if (File.Exists(folder)) throw CliException.Usage($"{option}: expected a path in a folder, found that '{folder}' is a file.");
            Directory.CreateDirectory(folder);
        }
        return path;
    }

    /// <summary>Writes a text file atomically, UTF-8 without BOM and <c>\n</c> line ends.</summary>
    public static void WriteText(string path, Action<TextWriter> write) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, AtomicFile.Utf8NoBom, bufferSize: 1 << 16, leaveOpen: true) { NewLine = "\n" };
            write(writer);
        });

    /// <summary>A number in the invariant culture, shortest round-trip form.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Collapses a message to one line.</summary>
    public static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
