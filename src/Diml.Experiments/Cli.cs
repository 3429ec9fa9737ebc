using System.CommandLine;
using System.CommandLine.Help;
using System.Text.Json;
using Diml.Data;
using Diml.Experiments.Commands;

namespace Diml.Experiments;

/// <summary>
/// The <c>diml</c> commands (<c>docs/cli.md</c>): <c>simulate</c>, <c>fit</c>, <c>evaluate</c>, <c>counterfactual</c>,
/// <c>check</c> and <c>reproduce</c>. Every failure the user can fix is one line on standard error naming the argument or the file
/// (line, column), what was expected and what was found, with a non-zero exit code (<see cref="ExitCodes"/>).
/// </summary>
public static class Cli
{
    /// <summary>Runs a command line on the process's console.</summary>
    public static int Run(string[] args) => Run(args, CliConsole.ForProcess());

    /// <summary>Runs a command line writing results to <paramref name="output"/> and progress and errors to <paramref name="error"/> (plain text).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) => Run(args, CliConsole.ForWriters(output, error));

    /// <summary>Runs a command line on <paramref name="console"/>.</summary>
    public static int Run(string[] args, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        var root = CreateRootCommand(console);
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
                DataFormatException or InvalidDataException or JsonException or FileNotFoundException or DirectoryNotFoundException
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
    public static RootCommand CreateRootCommand(CliConsole console)
    {
        var root = new RootCommand("diml — inverse mechanism learning: recover the mechanism behind learning agents' play by maximum likelihood through their learning dynamics.")
        {
            SimulateCommand.Create(console),
            FitCommand.Create(console),
            EvaluateCommand.Create(console),
            CounterfactualCommand.Create(console),
            CheckCommand.Create(console),
            ReproduceCommand.Create(console),
            BenchCommand.Create(console),
        };
        root.SetAction(_ =>
        {
            console.Error.WriteLine("diml: error: expected a command (simulate, fit, evaluate, counterfactual, check, reproduce), found none (see 'diml --help')");
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

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
