namespace Diml.IO;

/// <summary>
/// A file argument cannot be used as given: an output location that cannot be written (a directory, a link, a
/// pipe or device, a folder that is a file or not writable), or two arguments that name the same file. Found by
/// <see cref="FilePlan.Check"/> before any work, so nothing has been written.
/// </summary>
public sealed class FileLocationException : IOException
{
    /// <summary>Creates the exception.</summary>
    public FileLocationException(string argument, string path, string message, string? otherArgument = null)
        : base(MessageText.Escape(message))
    {
        Argument = argument;
        Path = path;
        OtherArgument = otherArgument;
    }

    /// <summary>The argument at fault, such as <c>--out</c>.</summary>
    public string Argument { get; }

    /// <summary>The path it gave.</summary>
    public string Path { get; }

    /// <summary>The other argument naming the same file, when that is the problem.</summary>
    public string? OtherArgument { get; }
}
