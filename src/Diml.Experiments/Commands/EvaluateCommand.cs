using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Diml.Data;
using Diml.Evaluation;
using Diml.Evaluation.Baselines;
using Diml.Evaluation.Inference;
using Diml.IO;
using Diml.Mechanisms;
using Diml.Fitting;
using Spectre.Console;

namespace Diml.Experiments.Commands;

/// <summary>
/// <c>diml evaluate</c>: the held-out likelihood of a model and, given the true mechanism, the recovery metrics of
/// DESIGN §1 under the reference's column names.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create(CliConsole console)
    {
        var model = CliOptions.File("--model", "fitted model file", required: true);
        var data = CliOptions.File("--data", "trajectory CSV to evaluate on (test episodes)", required: true);
        var truth = CliOptions.File("--truth", "model file of the true mechanism (from simulate --truth): adds the recovery metrics", required: false);
        var split = CliOptions.OptionalDouble("--split", "evaluate only the episodes after the first ⌊F·E⌋ — the held-out part of a fit with --train-fraction F",
            v => v > 0 && v < 1, "a fraction in (0, 1)");
        var seed = CliOptions.Seed("--seed", "seed of the metrics' samples and of the cfkl_params simulations");
        var contexts = CliOptions.Int("--contexts", "contexts sampled for diff_mse", DiffMse.DefaultContexts);
        var probes = CliOptions.Int("--probes", "random joint actions for mse_off when A^n > 20000", MseOff.DefaultProbes);
        var cfEpisodes = CliOptions.Int("--cf-episodes", "episodes simulated under each mechanism for cfkl_params", CfklParams.DefaultEpisodes);
        var cfStreams = CliOptions.CfStreams();
        var threads = CliOptions.Threads();
        var train = CliOptions.File("--train", "trajectory CSV the behavioural baselines are estimated on (default: the episodes before --split)", required: false);
        var json = new Option<bool>("--json") { Description = "print the metrics as one JSON object instead of a table" };
        var seAtTruth = new Option<bool>("--se-at-truth")
        {
            Description = "with --truth: the standard errors implied by the information of --data at the true parameters — the mechanism's and the learner parameters the model estimated — what the design can identify, apart from the fit (docs/inference.md)",
        };

        var command = new Command("evaluate", "Score a fitted model on trajectories, and against the true mechanism when known.");
        foreach (var option in new Option[] { model, data, truth, split, train, seed, contexts, probes, cfEpisodes, cfStreams, threads, json, seAtTruth }) command.Options.Add(option);

        command.SetAction(parse =>
        {
            string modelPath = parse.GetValue(model)!, dataPath = parse.GetValue(data)!;
            string? truthPath = parse.GetValue(truth);
            if (parse.GetValue(seAtTruth) && truthPath is null)
                throw CliException.Usage("--se-at-truth: expected --truth (the true parameters the information is computed at), found none.");
            var saved = CliFiles.ReadModel(modelPath, "--model");
            var savedTruth = truthPath is null ? null : CliFiles.ReadModel(truthPath, "--truth");
            var episodes = CliFiles.ReadTrajectories(dataPath, "--data", console, saved.Shape.Actions);
            var all = episodes;
            string? trainPath = parse.GetValue(train);
            var trainEpisodes = trainPath is null ? null : CliFiles.ReadTrajectories(trainPath, "--train", console, saved.Shape.Actions);
            if (parse.GetValue(split) is double fraction)
            {
                int first = (int)(fraction * episodes.Episodes);
                if (first < 1 || first >= episodes.Episodes)
                    throw CliException.Input(string.Create(CultureInfo.InvariantCulture,
                        $"--split: expected a fraction leaving at least 1 episode of the {episodes.Episodes} in {dataPath} on each side, found {fraction:R}."));
                episodes = episodes.Split(fraction).Test;
            }
            if (episodes.Steps < 2)
                throw CliException.Input(string.Create(CultureInfo.InvariantCulture, $"{dataPath}: expected episodes of at least 2 steps to score, found {episodes.Steps}."));
            var shape = episodes.Shape;
            var (entry, estimate) = Rebuild(saved, modelPath, shape);
            if (!episodes.IsFullPlay && entry.AgentsFixedByParameters)
                throw CliException.Input($"{dataPath}: a {entry.Name} model's parameters are tied to its {saved.Shape.Agents} agents, and evaluate does not yet score it in groups; expected data without groups or absent agents for it, found {(episodes.HasGroups ? "groups of " + string.Join(", ", episodes.GroupSizes) + " agents" : "absent agents")}.");
            var learner = LearnerChoice.FromModel(saved, modelPath);
            int threadCount = parse.GetValue(threads);
            ulong metricSeed = parse.GetValue(seed);

            var rows = new List<(string Column, double Value)>();
            var estimateTheta = new float[estimate.Layout.TotalLength];
            estimate.ReadParameters(estimateTheta);
            rows.Add(("nll_test", ProgressDisplay.Status(console, "scoring the likelihood",
                () => LikelihoodEvaluator.PerAgentStepNll(estimate, estimateTheta, learner.Create(), episodes, threads: threadCount))));

            var baselineSource = BaselineReport.Choose(trainEpisodes, trainPath, all, episodes, dataPath, parse.GetValue(split), saved.DataFingerprint);
            BaselineReport.WarnIfOtherTrainingData(console, baselineSource, modelPath);
            var baselines = BehaviouralBaselines.Compare(baselineSource.Training, episodes, rows[0].Value, threadCount);

            if (savedTruth is not null)
            {
                var (_, trueMechanism) = Rebuild(savedTruth, truthPath!, shape);
                var trueLearner = LearnerChoice.FromModel(savedTruth, truthPath!);
                var truePayoffs = MechanismPayoffs.AtCurrentParameters(trueMechanism, shape);
                var estimatedPayoffs = MechanismPayoffs.AtCurrentParameters(estimate, shape);
                // On groups every metric evaluates each agent's own group: mse_off the games of the data's group sizes,
                // cfkl_params simulations of the data's own design (docs/cli.md).
                bool wholeGame = episodes.IsFullPlay;
                ProgressDisplay.Status(console, "computing the recovery metrics", () =>
                {
                    rows.Add(("mse_on", MseOn.Compute(truePayoffs, estimatedPayoffs, episodes, metricSeed)));
                    rows.Add(("mse_off", MseOff.ComputeOnGroups(truePayoffs, estimatedPayoffs, episodes, metricSeed, parse.GetValue(probes))));
                    var differences = SampledPayoffDifferences.Compute(truePayoffs, estimatedPayoffs, episodes, metricSeed, parse.GetValue(contexts));
                    rows.Add(("diff_mse", differences.DiffMse));
                    rows.Add(("diff_rel", differences.DiffRel));
                    rows.Add(("diff_corr", differences.DiffCorr));
                    return 0;
                });
                int steps = CfklParams.StepsFor(episodes.Steps);
                int simulated = parse.GetValue(cfEpisodes);
                var streams = parse.GetValue(cfStreams);
                var shiftedRule = trueLearner.Shifted().Create();
                // cfkl_floor simulates the truth once more (on independent streams): the noise cfkl_params is read against.
                var (cfkl, floor) = wholeGame
                    ? ProgressDisplay.Status(console,
                        string.Create(CultureInfo.InvariantCulture, $"simulating {simulated} x {steps} steps of {trueLearner.Shifted()} under both mechanisms"),
                        () => CfklParams.ComputeWithFloor(trueMechanism, estimate, shiftedRule, shape, steps, metricSeed, simulated, threadCount, streams))
                    : ProgressDisplay.Status(console,
                        string.Create(CultureInfo.InvariantCulture, $"simulating at least {simulated} sessions of the data's design with {trueLearner.Shifted()} under both mechanisms"),
                        () => CfklParams.ComputeOnDesignWithFloor(trueMechanism, estimate, shiftedRule, episodes, metricSeed, simulated, threadCount, streams));
                rows.Add(("cfkl_params", cfkl));
                rows.Add(("cfkl_floor", floor));
            }

            TruthInformation? atTruth = null;
            if (parse.GetValue(seAtTruth))
            {
                var (_, trueMechanism) = Rebuild(savedTruth!, truthPath!, shape);
                var trueRule = LearnerChoice.FromModel(savedTruth!, truthPath!).Create();
                var estimated = saved.EstimatedLearnerParameters ?? [];
                LearnerParameters? trueLearner = null;
                if (estimated.Count > 0)
                {
                    if (trueRule is not ILearnableRule learnable)
                        throw CliException.Input($"{truthPath}, at $.learner.name: expected a rule with the learner parameters {modelPath} estimated ({string.Join(", ", estimated)}), found {trueRule.RuleName}, which has none.");
                    try
                    {
                        trueLearner = new LearnerParameters(learnable, estimated);
                    }
                    catch (ArgumentException e)
                    {
                        throw CliException.Input($"{truthPath}, at $.learner: expected the learner parameters {modelPath} estimated ({string.Join(", ", estimated)}); {e.Message}");
                    }
                }
                atTruth = ProgressDisplay.Status(console, $"computing the information at the truth on {MessageText.Count(episodes.Episodes, "episode")}",
                    () => TruthInformation.Compute(trueMechanism, trueRule, episodes, trueLearner, threadCount));
            }

            if (parse.GetValue(json)) WriteJson(console.OutWriter, modelPath, dataPath, truthPath, entry, episodes, rows, baselines, baselineSource, saved.Inference, atTruth);
            else
            {
                var table = CliTables.Create(console, "metric", "value");
                foreach (var (column, value) in rows)
                    table.AddRow(new Text(column), new Text(double.IsNaN(value) ? "n/a" : value.ToString("G6", CultureInfo.InvariantCulture)));
                console.Out.Write(table);
                console.OutWriter.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{entry.Name} model {modelPath} on {episodes.Episodes} episodes x {episodes.Steps} steps of {dataPath}"));
                BaselineReport.WriteTable(console, baselines, baselineSource);
                if (atTruth is not null) WriteTruthTable(console, atTruth, truthPath!);
                if (saved.Inference is { } inference)
                {
                    console.OutWriter.WriteLine($"estimates stored with the model (from its fit on {inference.Clusters} training episodes):");
                    InferenceTables.Write(console, inference);
                }
                if (saved.LearnerTypes is { } types)
                {
                    console.OutWriter.WriteLine("learner types stored with the model (from its fit; metrics above are of the one-type model):");
                    LearnerTypeTables.WriteSaved(console, types);
                }
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static (MechanismEntry Entry, IMechanism Mechanism) Rebuild(SavedModel saved, string path, GameShape shape)
    {
        try
        {
            return MechanismCatalog.Rebuild(saved, path, shape);
        }
        catch (InvalidDataException e)
        {
            throw CliException.Input(e.Message);
        }
    }

    private static void WriteJson(TextWriter output, string modelPath, string dataPath, string? truthPath, MechanismEntry entry,
        Trajectories episodes, List<(string Column, double Value)> rows, IReadOnlyList<BaselineComparison> baselines, BaselineReport.Source baselineSource,
        SavedInference? inference, TruthInformation? atTruth)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("model", modelPath);
            w.WriteString("mechanism", entry.Name);
            w.WriteString("data", dataPath);
            if (truthPath is not null) w.WriteString("truth", truthPath);
            w.WriteNumber("episodes", episodes.Episodes);
            w.WriteNumber("steps", episodes.Steps);
            foreach (var (column, value) in rows) w.WriteNumberOrNull(column, value);
            BaselineReport.WriteJson(w, baselines, baselineSource);
            InferenceTables.WriteJson(w, inference);
            if (atTruth is not null)
            {
                w.WriteStartObject("se_at_truth");
                w.WriteString("kind", "classical");
                w.WriteNumber("episodes", atTruth.Sessions);
                w.WriteNumber("rank", atTruth.Inference.Rank);
                w.WriteBoolean("positive_definite", atTruth.Inference.IsMinimum && atTruth.Inference.Rank == atTruth.Inference.Names.Count);
                w.WriteStartArray("parameters");
                foreach (var p in atTruth.Parameters)
                {
                    w.WriteStartObject();
                    w.WriteString("name", p.Name);
                    w.WriteNumber("truth", p.Truth);
                    w.WriteNumberOrNull("standard_error", p.StandardError);
                    w.WriteNumberOrNull("relative_standard_error", p.Relative);
                    w.WriteNumberOrNull("episodes_for_relative_0.15", p.SessionsFor(0.15, atTruth.Sessions));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>The standard errors at the truth: each parameter's truth, standard error, relative error and the episodes a 15% one would need.</summary>
    private static void WriteTruthTable(CliConsole console, TruthInformation atTruth, string truthPath)
    {
        var table = CliTables.Create(console, "parameter", "truth", "s.e. at the truth", "relative s.e.", "episodes for 15%");
        static string F(double v) => double.IsFinite(v) ? v.ToString("G4", CultureInfo.InvariantCulture) : "n/a";
        foreach (var p in atTruth.Parameters)
            table.AddRow(new Text(p.Name), new Text(F(p.Truth)), new Text(F(p.StandardError)), new Text(F(p.Relative)),
                new Text(double.IsFinite(p.SessionsFor(0.15, atTruth.Sessions)) ? Math.Ceiling(p.SessionsFor(0.15, atTruth.Sessions)).ToString("N0", CultureInfo.InvariantCulture) : "n/a"));
        console.Out.Write(table);
        console.OutWriter.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"standard errors at the truth ({truthPath}): classical, from the observed information of these {atTruth.Sessions} episodes at the true parameters, {atTruth.Inference.Rank} of {atTruth.Inference.Names.Count} directions identified;") +
            " learner parameters on their natural scale (delta method). Episodes for 15%: the episodes of this design that would give a relative s.e. of 0.15, as s.e. ∝ 1/√episodes.");
        if (!atTruth.Inference.IsMinimum)
            console.OutWriter.WriteLine("the information at the truth has negative curvature on these episodes: too few to measure it (simulate many sessions of the design at the truth and evaluate on them).");
    }
}
