namespace Diml.Experiments.Commands;

/// <summary>What a command runs with: where it writes, and the interrupt (SIGINT/SIGTERM) that asks it to stop.</summary>
/// <param name="Console">Standard output and error.</param>
/// <param name="Interrupt">Cancelled by the first SIGINT or SIGTERM (or by a test).</param>
/// <param name="InterruptExitCode">The exit code of the interrupt: 130 for SIGINT, 143 for SIGTERM.</param>
internal sealed record CliContext(CliConsole Console, CancellationToken Interrupt, Func<int> InterruptExitCode);
