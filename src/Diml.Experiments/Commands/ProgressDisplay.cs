using System.Globalization;
using Diml.Data;
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

    /// <summary>
    /// Runs a simulation of <paramref name="episodes"/> episodes in pieces (<paramref name="simulate"/> gets the first
    /// episode and the count of each), with a bar in a terminal or a line per tenth otherwise, and joins the actions.
    /// </summary>
    public static int[] Episodes(CliConsole console, string description, int episodes, Func<int, int, Trajectories> simulate)
    {
        int piece = Math.Max(1, (episodes + 19) / 20);
        int[]? actions = null;
        void Run(Action<int> report)
        {
            for (int first = 0; first < episodes; first += piece)
            {
                var part = simulate(first, Math.Min(piece, episodes - first));
                var span = part.AsSpan();
                actions ??= new int[(long)span.Length * episodes / part.Episodes];
                span.CopyTo(actions.AsSpan(first * (span.Length / part.Episodes)));
                report(first + part.Episodes);
            }
        }
        if (console.InteractiveProgress)
        {
            console.Progress.Progress().AutoClear(true)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    var task = context.AddTask(Markup.Escape(description), maxValue: episodes);
                    Run(done => task.Value = done);
                });
        }
        else
        {
            console.Error.WriteLine(description);
            int reported = 0;
            Run(done =>
            {
                // A line per tenth: enough to see a long run move, few enough for a log.
                if (episodes >= 100 && done * 10 / episodes > reported)
                {
                    reported = done * 10 / episodes;
                    console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"simulated {done}/{episodes} episodes"));
                }
            });
        }
        return actions!;
    }

    /// <summary>
    /// Runs a fit of up to <paramref name="epochs"/> epochs with a progress bar showing the epoch, the loss, the validation
    /// NLL and the seconds per epoch (a fit stopped by its patience leaves the bar short).
    /// </summary>
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

    /// <summary>
    /// Runs work of <paramref name="total"/> units (reported as a count done, from any thread) with a bar in a terminal
    /// or a line per tenth otherwise.
    /// </summary>
    public static T Count<T>(CliConsole console, string description, int total, Func<IProgress<int>, T> work)
    {
        if (!console.InteractiveProgress)
        {
            console.Error.WriteLine(description);
            int reported = 0;
            var gate = new object();
            return work(new Counter(done =>
            {
                lock (gate)
                {
                    if (done * 10 / Math.Max(1, total) <= reported) return;
                    reported = done * 10 / Math.Max(1, total);
                    console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{done}/{total} done"));
                }
            }));
        }
        return console.Progress.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: total);
                return work(new Counter(done => task.Value = done));
            });
    }

    private sealed class Counter(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    private static string Describe(EpochReport r) => string.Create(CultureInfo.InvariantCulture,
        $"epoch {r.Epoch}/{r.Epochs}  train loss {r.MeanLoss:F5} per episode window  ") +
        (double.IsFinite(r.ValidationNll) ? string.Create(CultureInfo.InvariantCulture, $"validation NLL {r.ValidationNll:F5} per agent-step  ") : "") +
        string.Create(CultureInfo.InvariantCulture, $"{r.Seconds:F3} s/epoch");

    /// <summary>Reports synchronously on the fitting thread (unlike <see cref="Progress{T}"/>, which posts).</summary>
    private sealed class Listener(Action<EpochReport> report) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => report(value);
    }
}
