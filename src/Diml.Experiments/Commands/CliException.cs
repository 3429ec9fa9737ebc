namespace Diml.Experiments.Commands;

/// <summary>
/// A failure the user can fix, reported as one line and an exit code: a bad command line (<see cref="Usage"/>) or a
/// bad input (<see cref="Input"/>). Messages name the argument or file, what was expected and what was found.
/// </summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    /// <summary>The process exit code to return.</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>A command-line mistake, such as <c>--epochs: expected a positive integer, found '0'</c>.</summary>
    public static CliException Usage(string message) => new(ExitCodes.UsageError, message);

    /// <summary>An input that cannot be used, such as a model for another game.</summary>
    public static CliException Input(string message) => new(ExitCodes.InputError, message);
}
