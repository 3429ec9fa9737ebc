namespace Diml.IO;

/// <summary>What a path names on disk, without following a final symbolic link (see <see cref="FileSystemProbe"/>).</summary>
public enum FileKind
{
    /// <summary>Nothing exists at the path.</summary>
    Missing,

    /// <summary>A regular file.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link (whatever it points to).</summary>
    SymbolicLink,

    /// <summary>A named pipe (FIFO).</summary>
    Fifo,

    /// <summary>A character or block device, such as <c>/dev/null</c>.</summary>
    Device,

    /// <summary>A socket, or another kind of special file.</summary>
    Other,
}
