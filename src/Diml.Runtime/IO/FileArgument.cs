namespace Diml.IO;

/// <summary>A file a command was given: the argument that named it (such as <c>--out</c>), the path and its role.</summary>
/// <param name="Argument">The option or parameter name, used in messages.</param>
/// <param name="Path">The path as given.</param>
/// <param name="Role">Whether the command reads or writes it.</param>
public sealed record FileArgument(string Argument, string Path, FileRole Role);
