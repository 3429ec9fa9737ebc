using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Diml.Data;
using Diml.Evaluation.Inference;
using Diml.Evaluation.Inspection;
using Diml.Fitting;
using Diml.IO;
using Diml.Mechanisms;
using Spectre.Console;

namespace Diml.Experiments.Commands;

/// <summary>
/// <c>diml bootstrap</c>: the bootstrap by session of a fitted model (<see cref="SessionBootstrap"/>): B refits from
/// resampled episodes, percentile intervals for every payoff difference <c>inspect</c> shows, for the parameters when they
/// are identified, and for the held-out NLL per decision (docs/inference.md).
/// </summary>
internal static class BootstrapCommand
{
    public const string ReplicationsFile = "bootstrap-replications.csv", DifferencesFile = "bootstrap-payoff-differences.csv",
        SummaryFile = "bootstrap.json", PartialFile = "bootstrap-replications.partial";

    private const int MostVisitedRows = 15;

    public static Command Create(CliContext context)
    {
        var model = CliOptions.File("--model", "fitted model file", required: true);
        var data = CliOptions.File("--data", "the trajectories the model was fitted on: episodes are resampled from them", required: true);
        var replications = CliOptions.Int("--replications", "bootstrap replications B", 200);
        var seed = CliOptions.Seed("--seed", "seed of the resamples");
        var threads = CliOptions.Threads();
        var test = CliOptions.File("--test", "held-out trajectories: adds a percentile interval of nll_test", required: false);
        var level = CliOptions.Double("--level", "level of the percentile intervals", 0.95, v => v > 0 && v < 1, "a level in (0, 1)");
        var maxContexts = CliOptions.Int("--max-contexts", "payoff-difference contexts, as inspect", PayoffDifferences.DefaultMaxContexts);
        var output = new Option<string>("--out") { Description = $"folder for {ReplicationsFile}, {DifferencesFile} and {SummaryFile}", HelpName = "DIR", Required = true };
        var resume = new Option<bool>("--resume") { Description = $"continue the replications saved in DIR/{PartialFile} by an interrupted run (same options)" };
        var mpi = MpiRanks.Option("the refits");

        var command = new Command("bootstrap", "Bootstrap a fitted model by session: refits from resampled episodes, percentile intervals of payoff differences and metrics.");
        foreach (var option in new Option[] { model, data, replications, seed, threads, test, level, maxContexts, output, resume, mpi }) command.Options.Add(option);

        command.SetAction(parse => MpiRanks.Run(context, "bootstrap", parse.GetValue(mpi), (group, ready) => Bootstrap(parse, group, ready)));
        return command;

        // The command on one process (group null) or on one rank of an MPI job: rank 0 prints and writes everything.
        int Bootstrap(ParseResult parse, Distributed.MpiProcessGroup? group, System.Runtime.CompilerServices.StrongBox<bool> ready)
        {
            var (root, console) = MpiRanks.ConsoleFor(context, group);
            string modelPath = parse.GetValue(model)!, dataPath = parse.GetValue(data)!, folder = parse.GetValue(output)!;
            string? testPath = parse.GetValue(test);
            if (string.IsNullOrWhiteSpace(folder)) throw CliException.Usage("--out: expected a folder path, found an empty value.");
            if (File.Exists(folder)) throw CliException.Usage($"--out: expected a folder, found a file '{folder}'.");
            string replicationsPath = Path.Combine(folder, ReplicationsFile), differencesPath = Path.Combine(folder, DifferencesFile),
                summaryPath = Path.Combine(folder, SummaryFile), partialPath = Path.Combine(folder, PartialFile);
            var inputs = new List<FileArgument?> { CliFiles.Input("--model", modelPath), CliFiles.Input("--data", dataPath) };
            if (testPath is not null) inputs.Add(CliFiles.Input("--test", testPath));
            CliFiles.CheckFiles([.. inputs, CliFiles.Output("--out", replicationsPath), CliFiles.Output("--out", differencesPath),
                CliFiles.Output("--out", summaryPath), CliFiles.Output("--out", partialPath)]);
            bool resuming = parse.GetValue(resume);
            if (resuming && !File.Exists(partialPath))
                throw CliException.Input($"--resume: expected the replications '{partialPath}' of an interrupted bootstrap, found no file.");
            if (!resuming && File.Exists(partialPath))
                throw CliException.Usage($"--out: '{partialPath}' holds the replications of an interrupted bootstrap; expected --resume to continue it, or delete it to start again.");

            var saved = CliFiles.ReadModel(modelPath, "--model");
            var episodes = CliFiles.ReadTrajectories(dataPath, "--data", console, saved.Shape.Actions);
            if (episodes.Steps < 2 || episodes.Episodes < 2)
                throw CliException.Input(string.Create(CultureInfo.InvariantCulture,
                    $"{dataPath}: expected at least 2 episodes of at least 2 steps to resample, found {episodes.Episodes} of {episodes.Steps}."));
            var testEpisodes = testPath is null ? null : CliFiles.ReadTrajectories(testPath, "--test", console, saved.Shape.Actions);
            if (saved.DataFingerprint is { } fingerprint && fingerprint != episodes.Fingerprint())
                console.Error.WriteLine($"diml bootstrap: warning: {dataPath} is not the data {modelPath} was fitted on (its fingerprint differs); the bootstrap describes a fit to {dataPath}.");
            IMechanism Rebuild()
            {
                try
                {
                    return MechanismCatalog.Rebuild(saved, modelPath, episodes.Shape).Mechanism;
                }
                catch (InvalidDataException e)
                {
                    throw CliException.Input(e.Message);
                }
            }
            var mechanism = Rebuild();
            string family = MechanismCatalog.FindByTypeName(saved.MechanismType)!.Name;
            var learner = LearnerChoice.FromModel(saved, modelPath);
            int threadCount = parse.GetValue(threads), b = parse.GetValue(replications);
            double intervalLevel = parse.GetValue(level);

            // The centre: the maximum on these data, from the model's parameters (a no-op for a model polished by fit --se).
            using var likelihood = new MechanismLikelihood(mechanism, learner.Create(), episodes, threadCount);
            var start = saved.Parameters.Select(v => (double)v).ToArray();
            var centre = ProgressDisplay.Status(console, $"polishing {modelPath} on {dataPath}", () => MaximumLikelihood.Polish(likelihood, start));
            var options = new BootstrapOptions
            {
                Replications = b, Seed = parse.GetValue(seed), Threads = threadCount, ResumePath = partialPath, Processes = group ?? (IProcessGroup)LocalProcessGroup.Instance,
            };
            if (root) Directory.CreateDirectory(folder);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            BootstrapResult result;
            BootstrapResult Run(IProgress<int>? progress, CancellationToken cancellation)
                => SessionBootstrap.Run(() => new MechanismLikelihood(Rebuild(), learner.Create(), episodes), centre.Estimate, options, progress, cancellation);
            if (group is not null)
            {
                if (!MpiRanks.AllReady(group, ready)) return ExitCodes.InputError;
                if (root)
                    console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"diml bootstrap: sharing the {b} refits between {group.Size} MPI ranks ({threadCount} thread(s) each); rank 0 reports and writes the outputs."));
                result = MpiRanks.OnRanks(group, context.Console, "bootstrap", () => root
                    ? ProgressDisplay.Count(console, string.Create(CultureInfo.InvariantCulture, $"bootstrap: {b} refits from resampled episodes"), b, progress => Run(progress, default))
                    : Run(null, default));
                // The rest (payoff differences, metrics, outputs) is rank 0's alone.
                if (!MpiRanks.Leave(group)) return ExitCodes.Success;
            }
            else
            {
                Cli.CancellableCommandRunning = true;
                try
                {
                    result = ProgressDisplay.Count(console, string.Create(CultureInfo.InvariantCulture, $"bootstrap: {b} refits from resampled episodes"), b,
                        progress => Run(progress, context.Interrupt));
                }
                catch (OperationCanceledException)
                {
                    console.Error.WriteLine($"diml bootstrap: interrupted; the finished replications are in {partialPath}. To continue, run the same command with --resume.");
                    return context.InterruptExitCode();
                }
                finally
                {
                    Cli.CancellableCommandRunning = false;
                }
            }
            double seconds = watch.Elapsed.TotalSeconds;

            // Payoff differences of every listed context, at each replicate (double kernels).
            var table = PayoffDifferences.Compute(MechanismPayoffs.AtCurrentParameters(mechanism, episodes.Shape), mechanism.Form, episodes, parse.GetValue(maxContexts));
            int a = episodes.Shape.Actions;
            var scratch = new double[centre.Estimate.Length];
            double Difference(double[] theta, PayoffContext c, int k)
            {
                var profile = new int[c.GroupSize];
                int agent = 0;
                if (table.Anonymous)
                {
                    int slot = 1;
                    for (int j = 0; j < c.Actions.Count; j++)
                        for (int m = 0; m < c.Actions[j]; m++) profile[slot++] = j;
                }
                else
                {
                    for (int j = 0; j < profile.Length; j++) profile[j] = c.Actions[j] == PayoffContext.OwnSlot ? 0 : c.Actions[j];
                    agent = c.Agent;
                }
                profile[agent] = k;
                double own = PayoffGradient.Payoff(mechanism, a, theta, profile, agent, scratch);
                profile[agent] = 0;
                return own - PayoffGradient.Payoff(mechanism, a, theta, profile, agent, scratch);
            }
            var differenceRows = new List<(int Context, int Own, double Estimate, double Se, double Low, double High)>();
            for (int c = 0; c < table.Contexts.Count; c++)
                for (int k = 1; k < a; k++)
                {
                    var context1 = table.Contexts[c];
                    int own = k;
                    var (low, high) = result.PercentileInterval(theta => Difference(theta, context1, own), intervalLevel);
                    differenceRows.Add((c, k, Difference(centre.Estimate, context1, k), result.StandardError(theta => Difference(theta, context1, own)), low, high));
                }

            // Metrics: with --test, the held-out NLL per decision (an in-sample NLL at the refits would only measure how far each
            // refit is from the full-data maximum, which is never below it).
            var metrics = new List<(string Name, double Estimate, double Se, double Low, double High)>();
            double PerDecision(MechanismLikelihood l, double[] theta) => l.TotalNll(theta, Span<double>.Empty) / l.TotalScoredDecisions;
            MechanismLikelihood? testLikelihood = testEpisodes is null ? null : new MechanismLikelihood(mechanism, learner.Create(), testEpisodes, threadCount);
            if (testLikelihood is not null) AddMetric("nll_test", theta => PerDecision(testLikelihood, theta));
            testLikelihood?.Dispose();
            void AddMetric(string name, Func<double[], double> metric)
            {
                var (low, high) = result.PercentileInterval(metric, intervalLevel);
                metrics.Add((name, metric(centre.Estimate), result.StandardError(metric), low, high));
            }

            CliFiles.WriteText(replicationsPath, console, writer =>
            {
                writer.WriteLine("replication,converged," + string.Join(',', likelihood.ParameterNames));
                for (int r = 0; r < b; r++)
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r},{(result.Converged[r] ? "true" : "false")},")
                        + string.Join(',', result.Replicates[r].Select(CliFiles.Number)));
            });
            CliFiles.WriteText(differencesPath, console, writer => WriteDifferences(writer, table, differenceRows));
            AtomicFile.WriteAllText(summaryPath, Summary(modelPath, dataPath, b, result, seconds, intervalLevel, saved.Inference, likelihood.ParameterNames, metrics));
            File.Delete(partialPath);

            int converged = result.Converged.Count(c => c);
            console.OutWriter.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{family} model {modelPath}: {b} bootstrap refits from resampled episodes of {dataPath} ({episodes.Episodes} per resample), {converged} converged{(result.Resumed > 0 ? $", {result.Resumed} read back from the interrupted run" : "")}, {seconds:F1} s; {intervalLevel:P0} percentile intervals"));
            // The refits move the mechanism's parameters at the model's learner values: compare them with a mechanism-only inference.
            if (saved.Inference is { } inference && inference.Estimates.Length == centre.Estimate.Length) WriteParameters(console, inference, result, intervalLevel);
            WriteDifferenceTable(console, table, differenceRows);
            if (metrics.Count > 0)
            {
                var metricTable = CliTables.Create(console, "metric", "estimate", "bootstrap s.e.", "percentile interval");
                foreach (var m in metrics)
                    metricTable.AddRow(new Text(m.Name), new Text(F(m.Estimate)), new Text(F(m.Se)), new Text($"[{F(m.Low)}, {F(m.High)}]"));
                console.Out.Write(metricTable);
            }
            console.OutWriter.WriteLine($"wrote {replicationsPath}, {differencesPath} and {summaryPath}");
            return ExitCodes.Success;
        }
    }

    private static string F(double v) => double.IsFinite(v) ? v.ToString("G5", CultureInfo.InvariantCulture) : "";

    /// <summary>The parameters, with the bootstrap's spread beside the stored standard errors (identified ones only).</summary>
    private static void WriteParameters(CliConsole console, SavedInference inference, BootstrapResult result, double level)
    {
        var table = CliTables.Create(console, "parameter", "estimate", "std. error (stored)", "bootstrap s.e.", "ratio", "percentile interval");
        for (int j = 0; j < inference.Estimates.Length; j++)
        {
            int index = j;
            if (!double.IsFinite(inference.StandardErrors[j]))
            {
                table.AddRow(new Text(inference.Names[j]), new Text(F(inference.Estimates[j])), new Text("not identified"), new Text(CliTables.None(console)),
                    new Text(CliTables.None(console)), new Text(CliTables.None(console)));
                continue;
            }
            double spread = result.StandardError(theta => theta[index]);
            var (low, high) = result.PercentileInterval(theta => theta[index], level);
            table.AddRow(new Text(inference.Names[j]), new Text(F(result.Estimate[j])), new Text(F(inference.StandardErrors[j])), new Text(F(spread)),
                new Text((spread / inference.StandardErrors[j]).ToString("F2", CultureInfo.InvariantCulture)), new Text($"[{F(low)}, {F(high)}]"));
        }
        console.Out.Write(table);
    }

    private static void WriteDifferenceTable(CliConsole console, PayoffDifferenceTable table, List<(int Context, int Own, double Estimate, double Se, double Low, double High)> rows)
    {
        var shown = table.Contexts.Select((c, j) => (c, j)).OrderByDescending(p => p.c.Visits).Take(MostVisitedRows).Select(p => p.j).ToHashSet();
        var grid = CliTables.Create(console, "context", "visits", "own", "difference vs own 0", "bootstrap s.e.", "percentile interval");
        foreach (var row in rows.Where(r => shown.Contains(r.Context)))
        {
            var c = table.Contexts[row.Context];
            string context = table.Anonymous
                ? string.Join(" ", c.Actions.Select((count, action) => (count, action)).Where(p => p.count > 0).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.count}x{p.action}")))
                : string.Create(CultureInfo.InvariantCulture, $"{c.Agent}: {string.Join(" ", c.Actions.Select(x => x == PayoffContext.OwnSlot ? "_" : x.ToString(CultureInfo.InvariantCulture)))}");
            grid.AddRow(new Text(context), new Text(c.Visits.ToString(CultureInfo.InvariantCulture)), new Text(row.Own.ToString(CultureInfo.InvariantCulture)),
                new Text(F(row.Estimate)), new Text(F(row.Se)), new Text($"[{F(row.Low)}, {F(row.High)}]"));
        }
        console.Out.Write(grid);
        if (shown.Count < table.Contexts.Count)
            console.OutWriter.WriteLine(string.Create(CultureInfo.InvariantCulture, $"showing the {shown.Count} most visited of {table.Contexts.Count} contexts; all are in {DifferencesFile}"));
    }

    /// <summary>The payoff-difference CSV of inspect, with the bootstrap's columns instead of the delta method's.</summary>
    private static void WriteDifferences(TextWriter writer, PayoffDifferenceTable table, List<(int Context, int Own, double Estimate, double Se, double Low, double High)> rows)
    {
        var plain = new StringWriter { NewLine = "\n" };
        table.WriteCsv(plain);
        var lines = plain.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        writer.WriteLine(lines[0] + ",bootstrap_se,ci_low,ci_high");
        // WriteCsv writes one line per context and own action 1..A−1, in the order of the rows here.
        for (int j = 0; j < rows.Count; j++)
            writer.WriteLine(lines[j + 1] + "," + CliFiles.Number(rows[j].Se) + "," + CliFiles.Number(rows[j].Low) + "," + CliFiles.Number(rows[j].High));
    }

    private static string Summary(string modelPath, string dataPath, int b, BootstrapResult result, double seconds, double level, SavedInference? inference,
        IReadOnlyList<string> names, List<(string Name, double Estimate, double Se, double Low, double High)> metrics)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("model", modelPath);
            w.WriteString("data", dataPath);
            w.WriteNumber("replications", b);
            w.WriteNumber("converged", result.Converged.Count(c => c));
            w.WriteNumber("resumed", result.Resumed);
            w.WriteNumber("seconds", seconds);
            w.WriteNumber("level", level);
            w.WriteStartArray("parameters");
            for (int j = 0; j < names.Count; j++)
            {
                int index = j;
                bool identified = inference is not null && inference.Estimates.Length == names.Count && double.IsFinite(inference.StandardErrors[j]);
                w.WriteStartObject();
                w.WriteString("name", names[j]);
                w.WriteNumber("estimate", result.Estimate[j]);
                w.WriteBoolean("identified", identified);
                if (identified)
                {
                    var (low, high) = result.PercentileInterval(theta => theta[index], level);
                    w.WriteNumber("bootstrap_se", result.StandardError(theta => theta[index]));
                    w.WriteNumber("stored_standard_error", inference!.StandardErrors[j]);
                    w.WriteNumber("ci_low", low);
                    w.WriteNumber("ci_high", high);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("metrics");
            foreach (var m in metrics)
            {
                w.WriteStartObject();
                w.WriteString("name", m.Name);
                w.WriteNumber("estimate", m.Estimate);
                w.WriteNumber("bootstrap_se", m.Se);
                w.WriteNumber("ci_low", m.Low);
                w.WriteNumber("ci_high", m.High);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
