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
    /// <summary>Whether <paramref name="path"/> names a Parquet file (by its extension, <c>.parquet</c>); anything else is CSV.</summary>
    public static bool IsParquet(string path) => path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Reads a trajectory file given by <paramref name="option"/>: Parquet when it ends in <c>.parquet</c>
    /// (<see cref="TrajectoryParquet"/>), else the long CSV. The game shape is inferred, then widened to
    /// <paramref name="actions"/> (or the file's <c>#actions=</c> metadata) when the data do not use the top action.
    /// Reader warnings go to <paramref name="console"/>'s error stream.
    /// </summary>
    public static Trajectories ReadTrajectories(string path, string option, CliConsole console, int? actions = null)
    {
        string kind = IsParquet(path) ? "Parquet" : "CSV";
        if (Directory.Exists(path)) throw CliException.Input($"{option}: expected a trajectory {kind} file, found a directory '{path}'.");
        if (!File.Exists(path)) throw CliException.Input($"{option}: expected an existing trajectory {kind} file, found no file '{path}'.");
        var result = IsParquet(path) ? TrajectoryParquet.Read(path) : TrajectoryCsv.Read(path);
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
            data = data.WithActionCount(a);
        }
        return data;
    }

    /// <summary>Reads a model file given by <paramref name="option"/>; problems are <see cref="ModelFileException"/>s naming the JSON path.</summary>
    public static SavedModel ReadModel(string path, string option)
    {
        if (Directory.Exists(path)) throw CliException.Input($"{option}: expected a model file, found a directory '{path}'.");
        if (!File.Exists(path)) throw CliException.Input($"{option}: expected an existing model file, found no file '{path}'.");
        return ModelFile.Read(path);
    }

    /// <summary>The path that means standard output, where a command writes one file there.</summary>
    public const string StandardOutput = "-";

    /// <summary>
    /// Checks, before any work, every output location of a command and that no two of its files are the same file
    /// (<see cref="FilePlan"/>); <c>-</c> (standard output) is exempt, but at most one output may use it.
    /// </summary>
    public static void CheckFiles(params FileArgument?[] files)
    {
        var given = files.OfType<FileArgument>().ToArray();
        var toStdout = given.Where(f => f.Role == FileRole.Output && f.Path == StandardOutput).ToArray();
        if (toStdout.Length > 1)
            throw CliException.Usage($"{toStdout[1].Argument}: expected at most one output on standard output ('-'), found {toStdout[0].Argument} - and {toStdout[1].Argument} -.");
        if (given.FirstOrDefault(f => f.Role == FileRole.Input && f.Path == StandardOutput) is { } input)
            throw CliException.Usage($"{input.Argument}: expected a file to read, found '-' (standard input is not supported).");
        FilePlan.Check(given.Where(f => f.Path != StandardOutput).ToArray());
    }

    /// <summary>An output argument, or null when the option was not given.</summary>
    public static FileArgument? Output(string option, string? path) => path is null ? null : new FileArgument(option, path, FileRole.Output);

    /// <summary>An input argument.</summary>
    public static FileArgument Input(string option, string path) => new(option, path, FileRole.Input);

    /// <summary>Writes a text file atomically (UTF-8 without BOM, <c>\n</c> line ends), or to standard output for <c>-</c>.</summary>
    public static void WriteText(string path, CliConsole console, Action<TextWriter> write)
    {
        if (path == StandardOutput)
        {
            write(console.OutWriter);
            console.OutWriter.Flush();
            return;
        }
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, AtomicFile.Utf8NoBom, bufferSize: 1 << 16, leaveOpen: true) { NewLine = "\n" };
            write(writer);
        }, createDirectory: true);
    }

    /// <summary>Writes a model file atomically, or to standard output for <c>-</c>.</summary>
    public static void WriteModel(string path, CliConsole console, SavedModel model)
    {
        if (path != StandardOutput)
        {
            ModelFile.Save(path, model);
            return;
        }
        using var buffer = new MemoryStream();
        ModelFile.Write(buffer, model);
        console.OutWriter.WriteLine(AtomicFile.Utf8NoBom.GetString(buffer.ToArray()));
        console.OutWriter.Flush();
    }

    /// <summary>Writes trajectories atomically — Parquet for a path ending in <c>.parquet</c>, else CSV — or as CSV to standard output for <c>-</c>.</summary>
    public static void WriteTrajectories(string path, CliConsole console, Trajectories data)
    {
        if (path == StandardOutput)
        {
            TrajectoryCsv.Write(console.OutWriter, data);
            console.OutWriter.Flush();
            return;
        }
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        if (IsParquet(path)) TrajectoryParquet.Write(path, data);
        else TrajectoryCsv.Write(path, data);
    }

    /// <summary>A number in the invariant culture, shortest round-trip form.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Collapses a message to one line.</summary>
    public static string OneLine(string message) => MessageText.Escape(message.ReplaceLineEndings(" ").Trim());
}
