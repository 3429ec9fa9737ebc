namespace Diml.Experiments.Commands;

/// <summary>The exit codes of <c>diml</c> (documented in <c>docs/cli.md</c>).</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>An input file is missing, unreadable or malformed, or does not fit the command (nothing was written).</summary>
    public const int InputError = 1;

    /// <summary>The command line is wrong: unknown command or option, missing or bad value (nothing was written).</summary>
    public const int UsageError = 2;

    /// <summary>The fit stopped on a non-finite loss or gradient; the last good model and curve were written.</summary>
    public const int FitDiverged = 3;

    /// <summary><c>diml check</c>: at least one gradient self-check failed.</summary>
    public const int CheckFailed = 4;

    /// <summary>Stopped by SIGINT (Ctrl+C): 128 + 2, as shells report it. <c>fit</c> wrote a checkpoint first.</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM: 128 + 15. <c>fit</c> wrote a checkpoint first.</summary>
    public const int Terminated = 143;

    /// <summary>An unexpected internal error (a bug: please report it with the command line).</summary>
    public const int InternalError = 70;
}
