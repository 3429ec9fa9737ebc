using System.Globalization;
using System.Text;
using Diml.Evaluation;
using Diml.IO;

namespace Diml.Experiments.Reproduction;

/// <summary>
/// <c>summary.md</c>: per experiment a table of our final values (mean ± sd over seeds when there are several) beside
/// the paper's published ones (DESIGN §1) for every model and metric, the wall time of each run, the evaluation
/// settings used, and one line per difference from the paper — in procedure (a model not run, cheaper curve settings)
/// and in results (a metric off the published figure by more than the tolerance below).
/// </summary>
public static class SummaryWriter
{
    /// <summary>Relative difference above which <c>diff_mse</c> and <c>cfkl_params</c> are reported as differing.</summary>
    public const double RelativeTolerance = 0.5;

    /// <summary>Absolute difference above which <c>nll_test</c> is reported as differing (per agent-step, nats).</summary>
    public const double NllTolerance = 0.02;

    private static readonly (string Column, string Header)[] Published =
        [(MetricColumns.DiffMse, "diff_mse"), (MetricColumns.CfklParams, "cfkl_params"), (MetricColumns.NllTest, "nll_test")];

    /// <summary>The other metrics, in the order readers know, then any newly registered one in registry order.</summary>
    private static readonly (string Column, string Header)[] OursOnly = WithRegistered(
        [(MetricColumns.DiffRel, "diff_rel"), (MetricColumns.DiffCorr, "diff_corr"), (MetricColumns.NllTestInSupport, "nll_test_in_support"), (MetricColumns.CfklParamsInSupport, "cfkl_params_in_support"),
         (MetricColumns.CfklFloor, "cfkl_floor"), (MetricColumns.CfPolicyKl, "cf_policy_kl"), (MetricColumns.MseOn, "mse_on"), (MetricColumns.MseOff, "mse_off"), (MetricColumns.JointBcAccuracy, "jointbc_acc")]);

    private static (string Column, string Header)[] WithRegistered((string Column, string Header)[] known) =>
        [.. known, .. MetricColumns.Metrics
            .Where(c => !known.Any(k => k.Column == c) && !Published.Any(p => p.Column == c))
            .Select(c => (c, c))];

    /// <summary>Writes the summary atomically.</summary>
    public static void Write(string path, SuiteOptions options,
        IReadOnlyList<(ExperimentDefinition Definition, string Model, int Seed, List<ResultRow> Curve, ResultRow Final)> runs,
        IReadOnlySet<string> missingModels, IReadOnlyList<(string Id, string Reason)> skipped)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.Append("# `diml reproduce` — summary\n\n");
        md.Append(inv, $"Scale: **{options.Scale}**; seeds found per run: see the tables; threads: {options.Threads}. ");
        md.Append("Paper values are the reference code's published final-epoch figures (DESIGN §1, one seed each). ");
        md.Append("Ours are the final rows of `evaluation_results.csv` (mean ± sd over seeds when there are several). Lower is better.\n\n");
        double totalWall = runs.Sum(r => r.Final.Number(MetricColumns.WallSeconds));
        double totalData = runs.GroupBy(r => (r.Definition.Id, r.Seed)).Sum(g => g.First().Final.Number(MetricColumns.DataSeconds));
        md.Append(inv, $"Total wall time of the runs in this folder: {totalWall + totalData:F1} s ({totalWall:F1} s fitting and evaluating, {totalData:F1} s simulating data and the truth's counterfactual play).\n\n");

        var differences = new List<string>();
        foreach (var (id, reason) in skipped) differences.Add($"{id} was not run: {reason}.");
        foreach (string model in missingModels)
            differences.Add($"{model} was not run: no runner is registered for it yet (`ModelRunnerRegistry`).");

        foreach (var definition in options.Experiments)
        {
            var experimentRuns = runs.Where(r => r.Definition.Id == definition.Id).ToList();
            md.Append(inv, $"## {definition.Id} — `{definition.Tag}`\n\n");
            md.Append(inv, $"{definition.Shape}; truth `{definition.TruthMechanism}`, model `{definition.ModelMechanism}`; {definition.Episodes} episodes x {definition.Steps} steps (80/20 split); ");
            md.Append(inv, $"Logit-Q α={definition.Alpha}, β={definition.Beta}, ε={definition.Epsilon}; {definition.Epochs} epochs, batch {definition.BatchSize}, window {definition.Window}");
            if (definition.RegularizerSampleCap > 0) md.Append(inv, $", regularizer on ≤ {definition.RegularizerSampleCap} sampled joint actions");
            md.Append(".\n\n");
            md.Append(inv, $"Curves: evaluated every {definition.PerEpoch.Every} epoch(s) (and the first and last) with {definition.PerEpoch.DiffContexts} diff_mse contexts, ");
            md.Append(inv, $"{definition.PerEpoch.CfEpisodes} counterfactual episodes, {definition.PerEpoch.MseOffProbes} mse_off probes (when A^n > 20,000). ");
            md.Append(inv, $"Final rows: {definition.Final.DiffContexts} contexts, {definition.Final.CfEpisodes} counterfactual episodes x min({definition.Final.CfMaxSteps}, T)");
            if (definition.Final.SupportSimulationEpisodes != definition.Final.CfEpisodes) md.Append(inv, $" ({definition.Final.SupportSimulationEpisodes} for cfkl_params_in_support)");
            md.Append(inv, $", {definition.Final.MseOffProbes} probes. ");
            md.Append(definition.Streams == SimulationStreams.Common
                ? "Counterfactual simulations on common streams (`--cf-streams common`: the estimates' share the truth's random numbers).\n\n"
                : "Counterfactual simulations on independent streams (`--cf-streams independent`: the estimates' draw their own random numbers, as the reference's do).\n\n");
            if (experimentRuns.Count == 0)
            {
                md.Append("No completed runs.\n\n");
                continue;
            }
            md.Append("| model | seeds |");
            foreach (var (_, header) in Published) md.Append(inv, $" {header} (ours) | {header} (paper) |");
            foreach (var (_, header) in OursOnly) md.Append(inv, $" {header} |");
            md.Append(" train s | eval s | wall s |\n|---|---|");
            for (int c = 0; c < Published.Length * 2 + OursOnly.Length + 3; c++) md.Append("---|");
            md.Append('\n');
            foreach (var model in definition.Models)
            {
                var finals = experimentRuns.Where(r => r.Model == model).Select(r => r.Final).ToList();
                PaperReference.Final.TryGetValue((definition.Tag, model), out var paper);
                bool hasPaper = PaperReference.Final.ContainsKey((definition.Tag, model));
                if (finals.Count == 0)
                {
                    if (hasPaper) differences.Add($"{definition.Id} {model}: no result of ours to compare with the paper's.");
                    continue;
                }
                md.Append(inv, $"| {model} | {finals.Count} |");
                foreach (var (column, _) in Published)
                {
                    double paperValue = !hasPaper ? double.NaN
                        : column == MetricColumns.DiffMse ? paper.DiffMse : column == MetricColumns.CfklParams ? paper.CfklParams : paper.NllTest;
                    md.Append(inv, $" {MeanSd(finals, column)} | {Format(paperValue)} |");
                    if (hasPaper) Compare(differences, definition, model, column, Mean(finals, column), paperValue);
                }
                foreach (var (column, _) in OursOnly) md.Append(inv, $" {MeanSd(finals, column)} |");
                md.Append(inv, $" {MeanSd(finals, MetricColumns.TrainSeconds, "F1")} | {MeanSd(finals, MetricColumns.EvalSeconds, "F1")} | {MeanSd(finals, MetricColumns.WallSeconds, "F1")} |\n");
            }
            md.Append('\n');
        }

        md.Append("## Differences from the paper\n\n");
        differences.Add("Curves use cheaper evaluation settings than the final rows (above), so per-epoch cfkl_params is noisier than the paper's; the final rows use the reference's settings.");
        if (runs.Any(r => r.Model == ModelNames.DimlSelected))
            differences.Add("DIML_Selected is ours, not the paper's: DIML from the same start with the last 20% of the training episodes held out, its row the epoch of lowest validation NLL (`selected_epoch` in evaluation_results.csv); the selection never sees test data or the truth.");
        if (options.Scale != "full") differences.Add($"This is the `{options.Scale}` scale: fewer episodes and epochs than the reference; values are not comparable to the paper's.");
        differences.Add("cf_policy_kl, cfkl_params_in_support and nll_test_in_support follow our definitions in docs/reproduce.md; the paper publishes no final figures for the last two beyond its log.");
        foreach (string line in differences) md.Append("- ").Append(line).Append('\n');
        md.Append(inv, $"\nResult differences are reported when diff_mse or cfkl_params differ from the paper's by more than a factor {1 + RelativeTolerance:0.#} either way, or nll_test by more than {NllTolerance} nats.\n");
        AtomicFile.WriteAllText(path, md.ToString());
    }

    private static void Compare(List<string> differences, ExperimentDefinition definition, string model, string column, double ours, double paper)
    {
        if (!double.IsFinite(ours) || !double.IsFinite(paper)) return;
        var inv = CultureInfo.InvariantCulture;
        if (column == MetricColumns.NllTest)
        {
            if (Math.Abs(ours - paper) > NllTolerance)
                differences.Add(string.Create(inv, $"{definition.Id} {model} {column}: ours {Format(ours)} vs paper {Format(paper)} ({(ours < paper ? "better" : "worse")} by {Math.Abs(ours - paper):0.###})."));
            return;
        }
        double ratio = ours / paper;
        if (ratio > 1 + RelativeTolerance || ratio < 1 / (1 + RelativeTolerance))
            differences.Add(string.Create(inv, $"{definition.Id} {model} {column}: ours {Format(ours)} vs paper {Format(paper)} ({ratio:0.##}x, {(ratio < 1 ? "better" : "worse")})."));
    }

    private static double Mean(List<ResultRow> rows, string column)
    {
        var values = rows.Select(r => r.Number(column)).Where(double.IsFinite).ToArray();
        return values.Length == 0 ? double.NaN : values.Average();
    }

    private static string MeanSd(List<ResultRow> rows, string column, string? format = null)
    {
        var values = rows.Select(r => r.Number(column)).Where(double.IsFinite).ToArray();
        if (values.Length == 0) return "—";
        double mean = values.Average();
        if (values.Length == 1) return Format(mean, format);
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
        return Format(mean, format) + " ± " + Format(sd, format);
    }

    private static string Format(double value, string? format = null) =>
        !double.IsFinite(value) ? "—" : value.ToString(format ?? "G3", CultureInfo.InvariantCulture);
}
