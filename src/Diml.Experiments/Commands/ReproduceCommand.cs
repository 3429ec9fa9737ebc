using System.CommandLine;
using System.Globalization;
using Diml.Experiments.Reproduction;
using Spectre.Console;

namespace Diml.Experiments.Commands;

/// <summary>
/// <c>diml reproduce</c>: runs the paper's reference experiments (E1, E2, E3 and the five E7 sizes) with the reference
/// configuration and writes the curves, the final rows, the figures and a summary beside the published figures
/// (<c>docs/reproduce.md</c>). Completed runs found in the output folder are not run again.
/// </summary>
internal static class ReproduceCommand
{
    public static Command Create(CliConsole console)
    {
        var quick = new Option<bool>("--quick") { Description = "reduced sizes (fewer epochs and episodes, E7 only at n = 40 and 80): the whole pipeline in under a minute" };
        var tiny = new Option<bool>("--tiny") { Description = "smaller still (tests)", Hidden = true };
        var noPlots = new Option<bool>("--no-plots") { Description = "skip the figures", Hidden = true };
        var seeds = CliOptions.Int("--seeds", "seeds per experiment (0..N-1); tables give mean ± sd", 1);
        var only = new Option<string?>("--only") { Description = "comma-separated experiments to run: E1, E2, E3, E7 (all sizes) or E7_n40, E7_n80, E7_n120, E7_n200, E7_n300", HelpName = "E1,E2,..." };
        var threads = CliOptions.Threads();
        var streams = CliOptions.CfStreams();
        var output = new Option<string>("--out") { Description = "results folder", DefaultValueFactory = _ => "results", HelpName = "DIR" };

        var command = new Command("reproduce", "Run the paper's reference experiments and compare with the published figures.");
        foreach (var option in new Option[] { quick, seeds, only, threads, streams, output, tiny, noPlots }) command.Options.Add(option);

        command.SetAction(parse =>
        {
            bool isTiny = parse.GetValue(tiny), isQuick = parse.GetValue(quick);
            string scale = isTiny ? "tiny" : isQuick ? "quick" : "full";
            var experiments = isTiny ? ReferenceSuite.Tiny() : isQuick ? ReferenceSuite.Quick() : ReferenceSuite.Full();
            var simulationStreams = parse.GetValue(streams);
            experiments = [.. experiments.Select(d => d with { Streams = simulationStreams })];
            IReadOnlySet<string>? selected = null;
            if (parse.GetValue(only) is { } list)
            {
                var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var known = experiments.Select(d => d.Id).Concat(experiments.Select(d => d.Group)).ToHashSet(StringComparer.OrdinalIgnoreCase);
                var unknown = names.FirstOrDefault(n => !known.Contains(n));
                if (names.Length == 0 || unknown is not null)
                    throw CliException.Usage($"--only: expected experiments among {string.Join(", ", known.Order(StringComparer.Ordinal))}, found '{unknown ?? list}'.");
                selected = names.Select(n => known.First(k => k.Equals(n, StringComparison.OrdinalIgnoreCase))).ToHashSet(StringComparer.Ordinal);
            }
            string folder = parse.GetValue(output)!;
            if (string.IsNullOrWhiteSpace(folder)) throw CliException.Usage("--out: expected a folder path, found an empty value.");
            if (File.Exists(folder)) throw CliException.Usage($"--out: expected a folder, found a file '{folder}'.");
            Directory.CreateDirectory(folder);

            var options = new SuiteOptions(scale, experiments, selected, parse.GetValue(seeds), parse.GetValue(threads), folder, !parse.GetValue(noPlots));
            double seconds;
            SuiteRunner runner;
            if (console.InteractiveProgress)
            {
                (runner, seconds) = console.Progress.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .Start(context =>
                    {
                        var r = new SuiteRunner(options, new LiveProgress(context, console));
                        return (r, r.Run());
                    });
            }
            else
            {
                runner = new SuiteRunner(options, new LineProgress(console.Error));
                seconds = runner.Run();
            }
            console.OutWriter.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"diml reproduce ({scale}): {runner.ExecutedRuns} runs done, {runner.ResumedRuns} already complete, in {seconds:F1} s; results in {folder} (summary.md, training_curves.csv, evaluation_results.csv, plots/)."));
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Describe(string tag, int seed, int epoch, int epochs, double loss, double trainSeconds, double evalSeconds, double metric)
    {
        string text = string.Create(CultureInfo.InvariantCulture,
            $"{tag} seed {seed}: epoch {epoch}/{epochs}  loss {loss:G6}  train {trainSeconds:F3} s");
        if (evalSeconds > 0) text += string.Create(CultureInfo.InvariantCulture, $"  eval {evalSeconds:F3} s");
        if (double.IsFinite(metric)) text += string.Create(CultureInfo.InvariantCulture, $"  diff_mse {metric:G4}");
        return text;
    }

    private static string DescribeFinal(string tag, int seed, ResultRow final) => string.Create(CultureInfo.InvariantCulture,
        $"{tag} seed {seed}: done in {final.Number(MetricColumns.WallSeconds):F1} s: diff_mse {final.Number(MetricColumns.DiffMse):G4}, cfkl_params {final.Number(MetricColumns.CfklParams):G4}, nll_test {final.Number(MetricColumns.NllTest):G5}, cf_policy_kl {final.Number(MetricColumns.CfPolicyKl):G4}");

    /// <summary>One plain line per event (logs, CI, tests).</summary>
    private sealed class LineProgress(TextWriter error) : ISuiteProgress
    {
        public void Note(string message) => error.WriteLine(message);

        public void RunStarted(string tag, int seed, int epochs) =>
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{tag} seed {seed}: fitting {epochs} epochs"));

        public void Epoch(string tag, int seed, int epoch, int epochs, double loss, double trainSeconds, double evalSeconds, double metric) =>
            error.WriteLine(Describe(tag, seed, epoch, epochs, loss, trainSeconds, evalSeconds, metric));

        public void RunFinished(string tag, int seed, ResultRow final) => error.WriteLine(DescribeFinal(tag, seed, final));
    }

    /// <summary>A live bar per run in an interactive terminal.</summary>
    private sealed class LiveProgress(ProgressContext context, CliConsole console) : ISuiteProgress
    {
        private ProgressTask? _task;

        public void Note(string message) => console.Progress.MarkupLine(Markup.Escape(message));

        public void RunStarted(string tag, int seed, int epochs) =>
            _task = context.AddTask(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{tag} seed {seed}")), maxValue: epochs);

        public void Epoch(string tag, int seed, int epoch, int epochs, double loss, double trainSeconds, double evalSeconds, double metric)
        {
            if (_task is null) return;
            _task.Value = epoch;
            _task.Description = Markup.Escape(Describe(tag, seed, epoch, epochs, loss, trainSeconds, evalSeconds, metric));
        }

        public void RunFinished(string tag, int seed, ResultRow final)
        {
            if (_task is not null)
            {
                _task.Description = Markup.Escape(DescribeFinal(tag, seed, final));
                _task.StopTask();
            }
        }
    }
}
