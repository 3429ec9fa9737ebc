using System.Text;

namespace Diml.IO;

/// <summary>
/// Writes files atomically: the content goes to a temporary file in the same directory, which is flushed to disk
/// and then renamed over the target. A reader (or a crash) therefore sees either the old file or the complete
/// new one, never a partial write; if writing fails, the temporary file is deleted and the target is untouched.
/// </summary>
/// <remarks>
/// The temporary file lives in the target's directory because a rename is only atomic within one file system.
/// Its name starts with a dot and ends in <c>.tmp</c> so that a leftover after a hard crash is recognisable.
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
    /// <param name="path">The target file; its directory must exist.</param>
    /// <param name="write">Writes the content. It must not dispose or close the stream it is given.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="DirectoryNotFoundException">The target's directory does not exist.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"Argument 'path': expected a file path, found the root '{fullPath}'.", nameof(path));
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Cannot write '{path}': expected an existing directory, found no directory '{directory}'.");

        string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
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

    private static void TryDelete(string temporary)
    {
        try
        {
            File.Delete(temporary);
        }
        catch (IOException)
        {
            // Best effort: the original exception is the one worth reporting.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
