namespace Diml.IO;

/// <summary>
/// The path a file really lives at: absolute, with every symbolic link along it (folders and the file itself)
/// resolved, so that two spellings of one file compare equal. Components that do not exist yet are kept as given.
/// </summary>
public static class RealPath
{
    /// <summary>How many links are followed before giving up on a loop (as Linux's limit).</summary>
    private const int MaxLinks = 40;

    /// <summary>Resolves <paramref name="path"/>.</summary>
    public static string Resolve(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        for (int links = 0; links <= MaxLinks; links++)
        {
            string root = System.IO.Path.GetPathRoot(full) ?? "";
            string[] parts = full[root.Length..].Split(Separators, StringSplitOptions.RemoveEmptyEntries);
            string current = root;
            string? restart = null;
            for (int k = 0; k < parts.Length && restart is null; k++)
            {
                string next = System.IO.Path.Combine(current, parts[k]);
                if (FileSystemProbe.KindOf(next) == FileKind.SymbolicLink && new FileInfo(next).LinkTarget is { } target)
                {
                    string resolved = System.IO.Path.GetFullPath(target, current);
                    restart = System.IO.Path.GetFullPath(System.IO.Path.Combine([resolved, .. parts[(k + 1)..]]));
                }
                else current = next;
            }
            if (restart is null) return current;
            full = restart;
        }
        return full;
    }

    /// <summary>Whether two resolved paths name the same file on this platform (case-insensitive on Windows and macOS).</summary>
    public static bool Same(string a, string b) => string.Equals(a, b,
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    private static readonly char[] Separators = [System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar];
}
