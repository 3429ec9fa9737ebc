namespace Diml.Experiments.Tests;

/// <summary>The outcome of one in-process <c>diml</c> run.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    /// <summary>Standard-error lines that are errors (progress lines excluded).</summary>
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("diml", StringComparison.Ordinal)).ToArray();
}
