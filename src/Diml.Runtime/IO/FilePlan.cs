namespace Diml.IO;

/// <summary>
/// Checks a command's files before it does any work: every output location can be written as a regular file,
/// and no two arguments name the same file (an output would overwrite an input or another output). It creates
/// nothing: missing folders are made when the output is written (<see cref="AtomicFile"/>).
/// </summary>
public static class FilePlan
{
    /// <summary>Throws <see cref="FileLocationException"/> for the first problem among <paramref name="files"/>.</summary>
    public static void Check(IReadOnlyList<FileArgument> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        foreach (var file in files)
            if (file.Role == FileRole.Output) CheckOutput(file.Path, file.Argument);
        var resolved = files.Select(f => RealPath.Resolve(f.Path)).ToArray();
        for (int j = 1; j < files.Count; j++)
            for (int i = 0; i < j; i++)
            {
                if (files[i].Role == FileRole.Input && files[j].Role == FileRole.Input) continue;
                if (!RealPath.Same(resolved[i], resolved[j])) continue;
                // Name the output second: "--out and --data", "--curve and --out" (the later of two outputs).
                var (first, second) = files[j].Role == FileRole.Input ? (files[j], files[i]) : (files[i], files[j]);
                string why = first.Role == FileRole.Input
                    ? $"writing {second.Argument} would destroy the {first.Argument} input"
                    : "one output would overwrite the other";
                throw new FileLocationException(second.Argument, second.Path,
                    $"{second.Argument} and {first.Argument} name the same file '{second.Path}'; expected different files ({why}).", first.Argument);
            }
    }

    /// <summary>
    /// Throws <see cref="FileLocationException"/> unless <paramref name="path"/> can be written as a regular file:
    /// it is not a directory, link, pipe or device, and its nearest existing folder is a folder we may write in.
    /// </summary>
    public static void CheckOutput(string path, string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        if (string.IsNullOrWhiteSpace(path)) throw new FileLocationException(argument, path ?? "", $"{argument}: expected a file path, found an empty value.");
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new FileLocationException(argument, path, $"{argument}: expected a valid file path, found '{path}'.");
        }
        if (Path.EndsInDirectorySeparator(path))
            throw new FileLocationException(argument, path, $"{argument}: expected a file path, found a folder path '{path}' (it ends in a separator).");
        var kind = FileSystemProbe.KindOf(full);
        switch (kind)
        {
            case FileKind.Missing or FileKind.Regular:
                break;
            case FileKind.Directory:
                throw new FileLocationException(argument, path, $"{argument}: expected a file path, found a directory '{path}'.");
            case FileKind.SymbolicLink:
                throw new FileLocationException(argument, path,
                    $"{argument}: expected a regular file or a new path, found a symbolic link '{path}' -> '{new FileInfo(full).LinkTarget}'; outputs replace the file atomically and never write through a link, so give the target's own path.");
            default:
                throw new FileLocationException(argument, path,
                    $"{argument}: expected a regular file or a new path, found {FileSystemProbe.Describe(kind)} '{path}'; write to a file, or use '-' for standard output where the command allows it.");
        }

        string? folder = Path.GetDirectoryName(full);
        while (folder is not null && !Directory.Exists(folder))
        {
            if (File.Exists(folder))
                throw new FileLocationException(argument, path, $"{argument}: expected a path in a folder, found that '{folder}' is a file.");
            folder = Path.GetDirectoryName(folder);
        }
        if (folder is null) throw new FileLocationException(argument, path, $"{argument}: expected a path in an existing file system, found '{path}'.");
        CheckWritable(folder, argument, path);
    }

    /// <summary>Creates and deletes a probe file in <paramref name="folder"/>: the only sure test that we may write there.</summary>
    private static void CheckWritable(string folder, string argument, string path)
    {
        string probe = Path.Combine(folder, $".diml-write-check.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileLocationException(argument, path, $"{argument}: expected a folder we may create files in, found that '{folder}' refuses it ({e.Message}).");
        }
    }
}
