using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Diml.Data;
using Diml.Evaluation.Baselines;
using Diml.Evaluation.Inference;
using Diml.Fitting;
using Diml.IO;
using Diml.Mechanisms;
using Spectre.Console;

namespace Diml.Experiments.Commands;

/// <summary>
/// <c>diml compare</c>: fitted models and the built-in baselines on one data set — log-likelihood, AIC, BIC, k-fold
/// cross-validation by episode, likelihood-ratio tests of declared nested pairs and Vuong's test of the others
/// (<see cref="ModelComparison"/>, docs/inference.md).
/// </summary>
internal static class CompareCommand
{
    /// <summary>The files written into <c>--out</c>.</summary>
    public const string Stem = "comparison";

    public static Command Create(CliContext context)
    {
        var data = CliOptions.File("--data", "trajectory CSV every model is scored on (for AIC, BIC and LR tests: the data the models were fitted on)", required: true);
        var models = new Argument<string[]>("models") { Description = "model files to compare", Arity = ArgumentArity.OneOrMore };
        var folds = CliOptions.Int("--folds", "k-fold cross-validation by episode: refit each model (L-BFGS from its parameters) and each baseline on k-1 folds, score the k-th; 0 = off",
            0, minimum: 0, expected: "0 or at least 2");
        var nested = new Option<string[]>("--nested")
        {
            Description = "I:J declares model I nested in model J (1-based, in the order given): a likelihood-ratio test instead of Vuong's",
            HelpName = "I:J",
            AllowMultipleArgumentsPerToken = false,
        };
        var polish = new Option<bool>("--polish") { Description = "first polish every model to its maximum on --data (L-BFGS in double), as LR tests assume" };
        var seed = CliOptions.Seed("--seed", "seed of the folds");
        var threads = CliOptions.Threads();
        var output = new Option<string>("--out") { Description = $"folder to write {Stem}.csv, {Stem}-tests.csv and {Stem}.json into", HelpName = "DIR" };
        var json = new Option<bool>("--json") { Description = "print the comparison as one JSON object instead of tables" };
        var mpi = MpiRanks.Option("the cross-validation refits");

        var command = new Command("compare", "Compare fitted models and the built-in baselines on one data set: log-likelihood, AIC, BIC, cross-validation, LR and Vuong tests.");
        command.Arguments.Add(models);
        foreach (var option in new Option[] { data, folds, nested, polish, seed, threads, output, json, mpi }) command.Options.Add(option);

        command.SetAction(parse => MpiRanks.Run(context, "compare", parse.GetValue(mpi), (group, ready) => Compare(parse, group, ready)));
        return command;

        // The command on one process (group null) or on one rank of an MPI job, which share the cross-validation's folds; rank 0
        // prints and writes everything.
        int Compare(ParseResult parse, Distributed.MpiProcessGroup? group, System.Runtime.CompilerServices.StrongBox<bool> ready)
        {
            var (root, console) = MpiRanks.ConsoleFor(context, group);
            string dataPath = parse.GetValue(data)!;
            var modelPaths = parse.GetValue(models)!;
            int k = parse.GetValue(folds);
            if (k == 1) throw CliException.Usage("--folds: expected 0 (off) or at least 2 folds, found 1.");
            string? folder = parse.GetValue(output);
            string? csvPath = null, testsPath = null, jsonPath = null;
            if (folder is not null)
            {
                if (string.IsNullOrWhiteSpace(folder)) throw CliException.Usage("--out: expected a folder path, found an empty value.");
                if (File.Exists(folder)) throw CliException.Usage($"--out: expected a folder, found a file '{folder}'.");
                (csvPath, testsPath, jsonPath) = (Path.Combine(folder, Stem + ".csv"), Path.Combine(folder, Stem + "-tests.csv"), Path.Combine(folder, Stem + ".json"));
            }
            var nestedPairs = (parse.GetValue(nested) ?? []).Select(text => ParsePair(text, modelPaths.Length)).ToArray();
            CliFiles.CheckFiles([CliFiles.Input("--data", dataPath), .. modelPaths.Select(p => CliFiles.Input("models", p)),
                CliFiles.Output("--out", csvPath), CliFiles.Output("--out", testsPath), CliFiles.Output("--out", jsonPath)]);
            var names = DistinctNames(modelPaths);

            var saved = modelPaths.Select(p => CliFiles.ReadModel(p, "models")).ToArray();
            var episodes = CliFiles.ReadTrajectories(dataPath, "--data", console, saved[0].Shape.Actions);
            if (episodes.Steps < 2)
                throw CliException.Input(string.Create(CultureInfo.InvariantCulture, $"{dataPath}: expected episodes of at least 2 steps to score, found {episodes.Steps}."));
            if (k > episodes.Episodes)
                throw CliException.Usage(string.Create(CultureInfo.InvariantCulture, $"--folds: expected at most one fold per episode ({episodes.Episodes} in {dataPath}), found {k}."));
            int threadCount = parse.GetValue(threads);
            var foldOf = k >= 2 ? ModelComparison.Folds(episodes.Episodes, k, parse.GetValue(seed)) : null;

            if (group is not null)
            {
                if (!MpiRanks.AllReady(group, ready)) return ExitCodes.InputError;
                if (root && foldOf is not null)
                    console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"diml compare: sharing the {k} cross-validation folds of each model between {group.Size} MPI ranks; rank 0 reports and writes the outputs."));
            }
            var compared = group is null ? CompareModels() : MpiRanks.OnRanks(group, context.Console, "compare", CompareModels);
            if (group is not null)
            {
                // The rest (baselines, tests, outputs) is rank 0's alone.
                if (!MpiRanks.Leave(group)) return ExitCodes.Success;
            }
            List<ComparedModel> CompareModels()
            {
                var rows = new List<ComparedModel>();
                for (int m = 0; m < saved.Length; m++)
                {
                    var model = saved[m];
                    if (model.Shape.Actions != episodes.Shape.Actions)
                        throw CliException.Input(string.Create(CultureInfo.InvariantCulture,
                            $"{modelPaths[m]}: the model is for games with {model.Shape.Actions} actions; expected {episodes.Shape.Actions} actions (those of {dataPath})."));
                    IMechanism mechanism;
                    try
                    {
                        (_, mechanism) = MechanismCatalog.Rebuild(model, modelPaths[m], episodes.Shape);
                    }
                    catch (InvalidDataException e)
                    {
                        throw CliException.Input(e.Message);
                    }
                    var rule = LearnerChoice.FromModel(model, modelPaths[m]).Create();
                    using var likelihood = new MechanismLikelihood(mechanism, rule, episodes, threadCount);
                    var theta = model.Parameters.Select(v => (double)v).ToArray();
                    if (parse.GetValue(polish))
                        theta = ProgressDisplay.Status(console, $"polishing {names[m]} on {dataPath}", () => MaximumLikelihood.Polish(likelihood, theta).Estimate);
                    var episodeNll = ModelComparison.EpisodeNll(likelihood, theta);
                    bool identified = model.Inference is not null;
                    var entry = new ComparedModel(names[m], false, episodeNll, likelihood.TotalScoredDecisions,
                        identified ? model.Inference!.Rank : model.Layout.TotalLength)
                    { ParameterCountSource = identified ? "identified" : "all" };
                    if (foldOf is not null)
                    {
                        var start = theta;
                        var heldOut = ProgressDisplay.Status(console, string.Create(CultureInfo.InvariantCulture, $"cross-validating {names[m]} ({k} folds)"),
                            () => ModelComparison.CrossValidatedEpisodeNll(likelihood, start, foldOf, processes: group));
                        entry = entry with { CrossValidatedNllPerDecision = heldOut.Sum() / likelihood.TotalScoredDecisions };
                    }
                    rows.Add(entry);
                }
                return rows;
            }

            // The baselines score the models' decisions, on groups and with absent agents too (docs/baselines.md).
            {
                long decisions = compared[0].Decisions;
                foreach (var baseline in BehaviouralBaselines.Fit(episodes))
                {
                    var entry = new ComparedModel(baseline.Name, true, ModelComparison.EpisodeNll(baseline, episodes), decisions, baseline.ParameterCount);
                    if (foldOf is not null)
                    {
                        var refit = RefitOf(baseline);
                        var heldOut = ModelComparison.CrossValidatedEpisodeNll(training => refit(training), episodes, foldOf);
                        entry = entry with { CrossValidatedNllPerDecision = heldOut.Sum() / decisions };
                    }
                    compared.Add(entry);
                }
            }

            var declared = new HashSet<(int, int)>(nestedPairs.Select(p => (Math.Min(p.Restricted, p.General), Math.Max(p.Restricted, p.General))));
            var lrTests = new List<LikelihoodRatioTest>();
            foreach (var (restricted, general) in nestedPairs)
            {
                try
                {
                    lrTests.Add(ModelComparison.LikelihoodRatio(compared[restricted], compared[general]));
                }
                catch (ArgumentException)
                {
                    throw CliException.Usage(string.Create(CultureInfo.InvariantCulture,
                        $"--nested {restricted + 1}:{general + 1}: expected model {general + 1} ({names[general]}) to have more parameters than model {restricted + 1} ({names[restricted]}), found {compared[general].Parameters} and {compared[restricted].Parameters}."));
                }
            }
            var vuongTests = new List<VuongTest>();
            if (episodes.Episodes >= 2)
                for (int a = 0; a < saved.Length; a++)
                    for (int b = a + 1; b < saved.Length; b++)
                        if (!declared.Contains((a, b))) vuongTests.Add(ModelComparison.Vuong(compared[a], compared[b]));
            var best = ModelComparison.Best(compared);

            if (csvPath is not null)
            {
                CliFiles.WriteText(csvPath, console, writer => WriteCsv(writer, compared, best));
                CliFiles.WriteText(testsPath!, console, writer => WriteTestsCsv(writer, lrTests, vuongTests));
                AtomicFile.WriteAllText(jsonPath!, Json(dataPath, episodes, k, compared, best, lrTests, vuongTests));
            }
            if (parse.GetValue(json)) console.OutWriter.WriteLine(Json(dataPath, episodes, k, compared, best, lrTests, vuongTests));
            else
            {
                WriteTables(console, compared, best, lrTests, vuongTests, k);
                console.OutWriter.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"on {episodes.Episodes} episodes x {episodes.Steps} steps of {dataPath} ({compared[0].Decisions} decisions); * marks the best by each criterion; k counts identified parameters (the rank of the model's information) where the model file has standard errors, else all"));
                if (csvPath is not null) console.OutWriter.WriteLine($"wrote {csvPath}, {testsPath} and {jsonPath}");
            }
            return ExitCodes.Success;
        }
    }

    /// <summary>How a baseline of the same kind is estimated on other episodes.</summary>
    private static Func<Trajectories, BehaviouralBaseline> RefitOf(BehaviouralBaseline baseline) => baseline switch
    {
        ActionFrequencyBaseline => ActionFrequencyBaseline.Fit,
        OwnPreviousChoiceBaseline => OwnPreviousChoiceBaseline.Fit,
        _ => _ => baseline, // uniform: nothing to estimate
    };

    private static (int Restricted, int General) ParsePair(string text, int count)
    {
        var parts = text.Split(':');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int j) && i >= 1 && j >= 1 && i <= count && j <= count && i != j)
            return (i - 1, j - 1);
        throw CliException.Usage(string.Create(CultureInfo.InvariantCulture,
            $"--nested: expected I:J with two different model positions in 1..{count} (model I nested in model J), found '{MessageText.Escape(text)}'."));
    }

    /// <summary>Each model's name: its file name, or its path where two file names coincide.</summary>
    private static string[] DistinctNames(string[] paths)
    {
        var names = paths.Select(Path.GetFileName).Select(n => n ?? "").ToArray();
        return names.Select((n, j) => names.Count(x => x == n) > 1 ? paths[j] : n).ToArray();
    }

    private static string F(double v, string format = "G6") => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "";

    private static void WriteTables(CliConsole console, List<ComparedModel> compared, IReadOnlyDictionary<string, string> best,
        List<LikelihoodRatioTest> lrTests, List<VuongTest> vuongTests, int folds)
    {
        var columns = new List<string> { "model", "k", "log L", "log L / decision", "AIC", "BIC" };
        if (folds >= 2) columns.Add(string.Create(CultureInfo.InvariantCulture, $"CV NLL / decision ({folds} folds)"));
        var table = CliTables.Create(console, columns.ToArray());
        foreach (var m in compared)
        {
            string Mark(string criterion) => best.TryGetValue(criterion, out var name) && name == m.Name ? " *" : "";
            var cells = new List<string>
            {
                m.IsBaseline ? m.Name + " (baseline)" : m.Name,
                m.Parameters.ToString(CultureInfo.InvariantCulture) + (m.ParameterCountSource == "identified" ? " (identified)" : ""),
                F(m.LogLikelihood, "F2") + Mark("log_likelihood"),
                F(m.LogLikelihoodPerDecision, "F5"),
                F(m.Aic, "F2") + Mark("aic"),
                F(m.Bic, "F2") + Mark("bic"),
            };
            if (folds >= 2) cells.Add(F(m.CrossValidatedNllPerDecision, "F5") + Mark("cv_nll"));
            table.AddRow(cells.Select(c => new Text(c)).ToArray());
        }
        console.Out.Write(table);
        if (lrTests.Count + vuongTests.Count == 0) return;
        var tests = CliTables.Create(console, "test", "models", "statistic", "df", "p-value", "verdict (5%)");
        foreach (var t in lrTests)
            tests.AddRow(new Text("likelihood ratio"), new Text($"{t.Restricted} nested in {t.General}"), new Text(F(t.Statistic, "F3")),
                new Text(t.DegreesOfFreedom.ToString(CultureInfo.InvariantCulture)), new Text(F(t.PValue, "G4")),
                new Text(t.PValue < 0.05 ? $"reject the restriction: {t.General}" : $"restriction not rejected: {t.Restricted}"));
        foreach (var t in vuongTests)
            tests.AddRow(new Text("Vuong (by episode)"), new Text($"{t.First} vs {t.Second}"), new Text(F(t.Statistic, "F3")), new Text(CliTables.None(console)),
                new Text(F(t.PValue, "G4")), new Text(t.Preferred is { } p ? $"prefers {p}" : "neither preferred"));
        console.Out.Write(tests);
    }

    private static void WriteCsv(TextWriter writer, List<ComparedModel> compared, IReadOnlyDictionary<string, string> best)
    {
        writer.WriteLine("model,kind,parameters,parameters_counted,log_likelihood,decisions,log_likelihood_per_decision,aic,bic,cv_nll_per_decision,best_by");
        foreach (var m in compared)
        {
            string by = string.Join(';', best.Where(p => p.Value == m.Name).Select(p => p.Key));
            writer.WriteLine(string.Join(',', Csv(m.Name), m.IsBaseline ? "baseline" : "model", m.Parameters.ToString(CultureInfo.InvariantCulture),
                m.ParameterCountSource, CliFiles.Number(m.LogLikelihood), m.Decisions.ToString(CultureInfo.InvariantCulture),
                CliFiles.Number(m.LogLikelihoodPerDecision), CliFiles.Number(m.Aic), CliFiles.Number(m.Bic),
                double.IsFinite(m.CrossValidatedNllPerDecision) ? CliFiles.Number(m.CrossValidatedNllPerDecision) : "", by));
        }
    }

    private static void WriteTestsCsv(TextWriter writer, List<LikelihoodRatioTest> lrTests, List<VuongTest> vuongTests)
    {
        writer.WriteLine("test,first,second,statistic,df,p_value,preferred");
        foreach (var t in lrTests)
            writer.WriteLine(string.Join(',', "likelihood_ratio", Csv(t.Restricted), Csv(t.General), CliFiles.Number(t.Statistic),
                t.DegreesOfFreedom.ToString(CultureInfo.InvariantCulture), CliFiles.Number(t.PValue), Csv(t.PValue < 0.05 ? t.General : t.Restricted)));
        foreach (var t in vuongTests)
            writer.WriteLine(string.Join(',', "vuong", Csv(t.First), Csv(t.Second), CliFiles.Number(t.Statistic), "", CliFiles.Number(t.PValue), Csv(t.Preferred ?? "")));
    }

    private static string Csv(string text) => text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : "\"" + text.Replace("\"", "\"\"") + "\"";

    private static string Json(string dataPath, Trajectories episodes, int folds, List<ComparedModel> compared, IReadOnlyDictionary<string, string> best,
        List<LikelihoodRatioTest> lrTests, List<VuongTest> vuongTests)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("data", dataPath);
            w.WriteNumber("episodes", episodes.Episodes);
            w.WriteNumber("steps", episodes.Steps);
            w.WriteNumber("decisions", compared[0].Decisions);
            w.WriteNumber("folds", folds);
            w.WriteStartArray("models");
            foreach (var m in compared)
            {
                w.WriteStartObject();
                w.WriteString("model", m.Name);
                w.WriteString("kind", m.IsBaseline ? "baseline" : "model");
                w.WriteNumber("parameters", m.Parameters);
                w.WriteString("parameters_counted", m.ParameterCountSource);
                w.WriteNumber("log_likelihood", m.LogLikelihood);
                w.WriteNumber("log_likelihood_per_decision", m.LogLikelihoodPerDecision);
                w.WriteNumber("aic", m.Aic);
                w.WriteNumber("bic", m.Bic);
                w.WriteNumberOrNull("cv_nll_per_decision", m.CrossValidatedNllPerDecision);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("best");
            foreach (var (criterion, name) in best.OrderBy(p => p.Key, StringComparer.Ordinal)) w.WriteString(criterion, name);
            w.WriteEndObject();
            w.WriteStartArray("tests");
            foreach (var t in lrTests)
            {
                w.WriteStartObject();
                w.WriteString("test", "likelihood_ratio");
                w.WriteString("restricted", t.Restricted);
                w.WriteString("general", t.General);
                w.WriteNumber("statistic", t.Statistic);
                w.WriteNumber("df", t.DegreesOfFreedom);
                w.WriteNumber("p_value", t.PValue);
                w.WriteEndObject();
            }
            foreach (var t in vuongTests)
            {
                w.WriteStartObject();
                w.WriteString("test", "vuong");
                w.WriteString("first", t.First);
                w.WriteString("second", t.Second);
                w.WriteNumber("statistic", t.Statistic);
                w.WriteNumber("p_value", t.PValue);
                if (t.Preferred is { } p) w.WriteString("preferred", p);
                else w.WriteNull("preferred");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
