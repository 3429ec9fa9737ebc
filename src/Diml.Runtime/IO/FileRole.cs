namespace Diml.IO;

/// <summary>Whether a command reads or writes a file it is given.</summary>
public enum FileRole
{
    /// <summary>Read; must not be overwritten.</summary>
    Input,

    /// <summary>Written (atomically); its location is checked before any work.</summary>
    Output,
}
