using System.CommandLine;
using System.CommandLine.Help;
using System.Text.Json;
using Diml.Data;
using Diml.Experiments.Commands;
using Diml.Fitting;
using Diml.IO;
using System.Runtime.InteropServices;

namespace Diml.Experiments;

/// <summary>
/// The <c>diml</c> commands (<c>docs/cli.md</c>): <c>simulate</c>, <c>fit</c>, <c>evaluate</c>, <c>inspect</c>, <c>compare</c>, <c>bootstrap</c>, <c>counterfactual</c>,
/// <c>check</c> and <c>reproduce</c>. Every failure the user can fix is one line on standard error naming the argument or the file
/// (line, column), what was expected and what was found, with a non-zero exit code (<see cref="ExitCodes"/>).
/// </summary>
public static class Cli
{
    /// <summary>
    /// Runs a command line on the process's console. SIGINT (Ctrl+C) and SIGTERM ask the running command to stop:
    /// <c>fit</c> finishes its minibatch, writes a checkpoint and exits 130 (143 for SIGTERM); other commands stop
    /// as the signal's default. A second signal stops at once.
    /// </summary>
    public static int Run(string[] args)
    {
        using var interrupt = new CancellationTokenSource();
        int signalled = 0;
        void Handle(PosixSignalContext context)
        {
            if (Interlocked.CompareExchange(ref signalled, context.Signal == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted, 0) != 0)
                return; // a second signal: the default, which ends the process
            context.Cancel = CancellableCommandRunning;
            interrupt.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
        return Run(args, CliConsole.ForProcess(), interrupt.Token, () => signalled);
    }

    /// <summary>Whether the running command stops cleanly on cancellation (else a signal ends the process).</summary>
    internal static volatile bool CancellableCommandRunning;

    /// <summary>Runs a command line writing results to <paramref name="output"/> and progress and errors to <paramref name="error"/> (plain text).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) => Run(args, CliConsole.ForWriters(output, error));

    /// <summary>Runs a command line on <paramref name="console"/>.</summary>
    public static int Run(string[] args, CliConsole console) => Run(args, console, CancellationToken.None, () => ExitCodes.Interrupted);

    /// <summary>
    /// Runs a command line on <paramref name="console"/>; cancelling <paramref name="interrupt"/> stops a fit as a
    /// signal does, and <paramref name="interruptExitCode"/> says which exit code that gives (130 or 143).
    /// </summary>
    public static int Run(string[] args, CliConsole console, CancellationToken interrupt, Func<int> interruptExitCode)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(interruptExitCode);
        var root = CreateRootCommand(new CliContext(console, interrupt, interruptExitCode));
        var parse = root.Parse(args);
        string commandName = parse.CommandResult.Command is RootCommand ? "diml" : "diml " + parse.CommandResult.Command.Name;
        if (parse.Action is not HelpAction && parse.Errors.Count > 0)
        {
            console.Error.WriteLine($"{commandName}: error: {OneLine(parse.Errors[0].Message)} (see '{commandName} --help')");
            return ExitCodes.UsageError;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = console.OutWriter, Error = console.Error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception exception)
        {
            var e = Unwrap(exception);
            int code = e switch
            {
                CliException cli => cli.ExitCode,
                FileLocationException or CheckpointMismatchException => ExitCodes.UsageError,
                ModelFileException or DataFormatException or InvalidDataException or JsonException or FileNotFoundException or DirectoryNotFoundException
                    or UnauthorizedAccessException or IOException or InsufficientMemoryException => ExitCodes.InputError,
                ArgumentException => ExitCodes.UsageError,
                _ => ExitCodes.InternalError,
            };
            string kind = code == ExitCodes.InternalError ? $"internal error ({e.GetType().Name})" : "error";
            console.Error.WriteLine($"{commandName}: {kind}: {OneLine(e.Message)}");
            return code;
        }
    }

    /// <summary>The command tree; actions write to <paramref name="console"/>.</summary>
    public static RootCommand CreateRootCommand(CliConsole console) => CreateRootCommand(new CliContext(console, CancellationToken.None, () => ExitCodes.Interrupted));

    internal static RootCommand CreateRootCommand(CliContext context)
    {
        var console = context.Console;
        var root = new RootCommand("diml — inverse mechanism learning: recover the mechanism behind learning agents' play by maximum likelihood through their learning dynamics.")
        {
            SimulateCommand.Create(context),
            FitCommand.Create(context),
            EvaluateCommand.Create(console),
            InspectCommand.Create(console),
            CompareCommand.Create(context),
            BootstrapCommand.Create(context),
            CounterfactualCommand.Create(console),
            CheckCommand.Create(console),
            ReproduceCommand.Create(console),
            BenchCommand.Create(console),
        };
        root.SetAction(_ =>
        {
            string commands = string.Join(", ", root.Subcommands.Select(c => c.Name));
            console.Error.WriteLine($"diml: error: expected a command ({commands}), found none (see 'diml --help')");
            return ExitCodes.UsageError;
        });
        return root;
    }

    private static Exception Unwrap(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } aggregate) e = aggregate.InnerExceptions[0];
        while (e is System.Reflection.TargetInvocationException { InnerException: { } inner }) e = inner;
        return e;
    }

    private static string OneLine(string message) => CliFiles.OneLine(message);
}
