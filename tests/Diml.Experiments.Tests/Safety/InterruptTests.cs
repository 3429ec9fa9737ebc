using System.Diagnostics;
using System.Runtime.InteropServices;
using Diml.Experiments.Commands;

namespace Diml.Experiments.Tests.Safety;

/// <summary>An interrupted fit writes a checkpoint, exits 130 (143 for SIGTERM), and <c>--resume</c> ends in the model an uninterrupted fit writes.</summary>
public sealed class InterruptTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly string _data;

    public InterruptTests()
    {
        _data = _cli.PathOf("data.csv");
        Assert.Equal(0, _cli.Run("simulate", "--mechanism", "neural-joint", "--hidden", "16", "--agents", "3", "--actions", "4", "--episodes", "20",
            "--horizon", "30", "--threads", "1", "--out", _data).ExitCode);
    }

    public void Dispose() => _cli.Dispose();

    private string[] Fit(string model, int epochs, params string[] more) =>
        ["fit", "--data", _data, "--mechanism", "neural-joint", "--hidden", "16", "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture),
         "--min-steps", "0", "--batch", "4", "--window", "10", "--threads", "1", "--checkpoint-every", "2", "--out", model, .. more];

    /// <summary>Standard error that cancels the run when a progress line reaches an epoch.</summary>
    private sealed class CancelAt(string line, CancellationTokenSource cancel) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value is not null && value.StartsWith(line, StringComparison.Ordinal)) cancel.Cancel();
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void InterruptedFit_ResumesToTheSameModelFile(int epoch)
    {
        string straight = _cli.PathOf("straight.json"), model = _cli.PathOf("model.json");
        Assert.Equal(0, _cli.Run(Fit(straight, 6)).ExitCode);

        using var cancel = new CancellationTokenSource();
        var error = new CancelAt($"epoch {epoch}/6", cancel);
        int code = Cli.Run(Fit(model, 6), CliConsole.ForWriters(new StringWriter(), error), cancel.Token, () => ExitCodes.Interrupted);
        Assert.Equal(ExitCodes.Interrupted, code);
        Assert.Contains($"interrupted after epoch {epoch}/6; checkpoint written to {model}.checkpoint. To continue, run the same command with --resume.", error.ToString());
        Assert.False(File.Exists(model));
        Assert.True(File.Exists(model + ".checkpoint"));

        var other = _cli.Run(Fit(model, 6, "--lr", "0.01", "--resume"));
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("--lr 0.01 (checkpoint: 0.001)", Assert.Single(other.ErrorLines));

        var resumed = _cli.Run(Fit(model, 6, "--resume"));
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(File.ReadAllBytes(straight), File.ReadAllBytes(model));
        Assert.False(File.Exists(model + ".checkpoint"));
        Assert.DoesNotContain(_cli.Files(), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void Resume_WithoutACheckpoint_IsAnInputError()
    {
        var run = _cli.Run(Fit(_cli.PathOf("m.json"), 2, "--resume"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--resume: expected the checkpoint", Assert.Single(run.ErrorLines));
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [Theory]
    [InlineData(2, ExitCodes.Interrupted)]   // SIGINT
    [InlineData(15, ExitCodes.Terminated)]   // SIGTERM
    public void RealSignal_StopsTheProcessWithACheckpoint_AndResumeMatchesAStraightFit(int signal, int exitCode)
    {
        if (OperatingSystem.IsWindows()) return;
        string model = _cli.PathOf("model.json"), straight = _cli.PathOf("straight.json");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(Cli).Assembly.Location);
        foreach (string arg in Fit(model, 120)) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        string? line;
        var seen = new List<string>();
        while ((line = process.StandardError.ReadLine()) is not null)
        {
            seen.Add(line);
            if (line.StartsWith("epoch 3/", StringComparison.Ordinal))
            {
                Assert.Equal(0, Kill(process.Id, signal));
                break;
            }
        }
        seen.AddRange(process.StandardError.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(process.WaitForExit(60_000));
        Assert.True(process.ExitCode == exitCode, $"exit {process.ExitCode}: {string.Join("\n", seen)}");
        Assert.Contains(seen, l => l.Contains("checkpoint written to", StringComparison.Ordinal) && l.Contains("--resume", StringComparison.Ordinal));
        Assert.True(File.Exists(model + ".checkpoint"));

        Assert.Equal(0, _cli.Run(Fit(straight, 120)).ExitCode);
        var resumed = _cli.Run(Fit(model, 120, "--resume"));
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(File.ReadAllBytes(straight), File.ReadAllBytes(model));
    }
}
