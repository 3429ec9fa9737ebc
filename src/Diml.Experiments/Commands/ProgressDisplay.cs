using System.Globalization;
using Diml.Fitting;
using Spectre.Console;

namespace Diml.Experiments.Commands;

/// <summary>
/// Progress of long work on standard error: Spectre.Console's live displays in an interactive terminal, plain lines
/// otherwise (logs, CI, tests), so that redirected output never fills with redraw codes.
/// </summary>
internal static class ProgressDisplay
{
    /// <summary>Runs <paramref name="work"/> under a spinner saying <paramref name="description"/>.</summary>
    public static T Status<T>(CliConsole console, string description, Func<T> work)
    {
        if (console.InteractiveProgress)
            return console.Progress.Status().Start(Markup.Escape(description), _ => work());
        console.Error.WriteLine(description);
        return work();
    }

    /// <summary>Runs a fit of <paramref name="epochs"/> epochs with a progress bar showing the epoch, the loss and the seconds per epoch.</summary>
    public static T Epochs<T>(CliConsole console, int epochs, Func<IProgress<EpochReport>, T> work)
    {
        if (!console.InteractiveProgress)
            return work(new Listener(r => console.Error.WriteLine(Describe(r))));
        return console.Progress.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(string.Create(CultureInfo.InvariantCulture, $"epoch 0/{epochs}"), maxValue: epochs);
                return work(new Listener(r =>
                {
                    task.Value = r.Epoch;
                    task.Description = Markup.Escape(Describe(r));
                }));
            });
    }

    private static string Describe(EpochReport r) => string.Create(CultureInfo.InvariantCulture,
        $"epoch {r.Epoch}/{r.Epochs}  loss {r.MeanLoss:F5}  {r.Seconds:F3} s/epoch");

    /// <summary>Reports synchronously on the fitting thread (unlike <see cref="Progress{T}"/>, which posts).</summary>
    private sealed class Listener(Action<EpochReport> report) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => report(value);
    }
}
