using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Diml.IO;

/// <summary>
/// Writes files atomically: the content goes to a temporary file in the same directory, which is flushed to disk
/// and then renamed over the target. A reader (or a crash) therefore sees either the old file or the complete
/// new one, never a partial write; if writing fails, the temporary file is deleted and the target is untouched.
/// </summary>
/// <remarks>
/// <para>The temporary file lives in the target's directory because a rename is only atomic within one file system.
/// It is named <c>.&lt;name&gt;.&lt;process id&gt;.&lt;guid&gt;.tmp</c>: a process killed while writing (SIGKILL,
/// power loss) leaves it behind, and the next write to the same target removes such leftovers of processes that no
/// longer run.</para>
/// <para>The target must be a regular file or not exist: a symbolic link, a named pipe or a device is refused
/// (renaming over it would replace the link or the device node rather than write through it).</para>
/// </remarks>
public static class AtomicFile
{
    /// <summary>UTF-8 without a byte-order mark, so files compare equal byte for byte across platforms and tools.</summary>
    public static readonly Encoding Utf8NoBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes <paramref name="contents"/> to <paramref name="path"/> as UTF-8 (no BOM), atomically.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    public static void WriteAllText(string path, string contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, Utf8NoBom, bufferSize: 1 << 16, leaveOpen: true);
            writer.Write(contents);
        });
    }

    /// <summary>
    /// Creates <paramref name="path"/> (replacing any existing file) with whatever <paramref name="write"/> writes to
    /// the stream it is given, atomically. If <paramref name="write"/> throws, the exception propagates, the
    /// temporary file is deleted and an existing file at <paramref name="path"/> keeps its old content.
    /// </summary>
    /// <param name="path">The target file; its directory must exist unless <paramref name="createDirectory"/>.</param>
    /// <param name="write">Writes the content. It must not dispose or close the stream it is given.</param>
    /// <param name="createDirectory">Create the target's missing folders first.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="DirectoryNotFoundException">The target's directory does not exist (and is not to be created).</exception>
    /// <exception cref="IOException">The target is a directory, a symbolic link, a pipe or a device.</exception>
    public static void Write(string path, Action<Stream> write, bool createDirectory = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"Argument 'path': expected a file path, found the root '{fullPath}'.", nameof(path));
        if (createDirectory) Directory.CreateDirectory(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Cannot write '{path}': expected an existing directory, found no directory '{directory}'.");
        var kind = FileSystemProbe.KindOf(fullPath);
        if (kind is not (FileKind.Missing or FileKind.Regular))
            throw new IOException($"Cannot write '{path}': expected a regular file or a new path, found {FileSystemProbe.Describe(kind)}.");

        string name = Path.GetFileName(fullPath);
        RemoveStaleTemporaries(directory, name);
        string temporary = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $".{name}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp"));
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(stream);
                // Flush through the OS cache before the rename, otherwise a power loss could leave the renamed file empty.
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Deletes temporary files of earlier writes to <paramref name="name"/> whose process no longer runs. Files of
    /// running processes (this one included: another thread may be writing) are left alone.
    /// </summary>
    internal static int RemoveStaleTemporaries(string directory, string name)
    {
        int removed = 0;
        string prefix = "." + name + ".";
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(directory, "." + EscapePattern(name) + ".*.tmp");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
        foreach (string candidate in candidates)
        {
            string file = Path.GetFileName(candidate);
            // .<name>.<pid>.<32 hex>.tmp
            if (!file.StartsWith(prefix, StringComparison.Ordinal) || !file.EndsWith(".tmp", StringComparison.Ordinal)) continue;
            var middle = file.AsSpan(prefix.Length, file.Length - prefix.Length - ".tmp".Length);
            int dot = middle.IndexOf('.');
            if (dot < 0 || middle.Length - dot - 1 != 32) continue;
            if (!int.TryParse(middle[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            if (IsRunning(pid)) continue;
            if (TryDelete(candidate)) removed++;
        }
        return removed;
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Wildcards in a file name would widen the search; such names are simply matched by the prefix check.</summary>
    private static string EscapePattern(string name) => name.Contains('*') || name.Contains('?') ? "*" : name;

    private static bool TryDelete(string file)
    {
        try
        {
            File.Delete(file);
            return true;
        }
        catch (IOException)
        {
            // Best effort: the original exception is the one worth reporting.
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
