using System.Globalization;
using System.Text.Json;
using Diml.Data;
using Diml.Evaluation.Baselines;
using Spectre.Console;

namespace Diml.Experiments.Commands;

/// <summary>
/// The behavioural baselines of <c>diml evaluate</c> (<see cref="BehaviouralBaselines"/>): which episodes they are
/// estimated on, and how they are printed beside the model.
/// </summary>
internal static class BaselineReport
{
    /// <summary>
    /// The baselines' training episodes, a phrase saying where they come from, and whether they are the episodes the
    /// model was fitted on (by the model file's data fingerprint; null when the model does not record one).
    /// </summary>
    public sealed record Source(Trajectories Training, string Description, bool? SameAsModelTraining);

    /// <summary>
    /// <paramref name="train"/> (from <c>--train</c>) when given; else the episodes before the split (with
    /// <c>--split</c>); else the scored episodes themselves, which flatters the baselines (in-sample).
    /// </summary>
    public static Source Choose(Trajectories? train, string? trainPath, Trajectories all, Trajectories scored, string dataPath, double? split, string? modelFingerprint)
    {
        bool? Same(Trajectories episodes) => modelFingerprint is null ? null : episodes.Fingerprint() == modelFingerprint;
        if (train is not null) return new Source(train, $"{trainPath} (--train)", Same(train));
        if (split is double fraction)
        {
            int first = (int)(fraction * all.Episodes);
            var before = all.SelectEpisodes(0, first);
            return new Source(before, string.Create(CultureInfo.InvariantCulture, $"the first {first} episodes of {dataPath} (--split {fraction:R})"), Same(before));
        }
        return new Source(scored, $"the scored episodes themselves (in-sample, which favours the baselines; give --train or --split)", Same(scored));
    }

    /// <summary>A warning when the baselines are known to be estimated on other episodes than the model's.</summary>
    public static void WarnIfOtherTrainingData(CliConsole console, Source source, string modelPath)
    {
        if (source.SameAsModelTraining == false)
            console.Error.WriteLine($"diml: warning: the baselines are estimated on {source.Description}, which are not the episodes {modelPath} was fitted on (its data fingerprint differs); give the fit's training data with --train, or its --train-fraction as --split.");
    }

    public static void WriteTable(CliConsole console, IReadOnlyList<BaselineComparison> rows, Source source)
    {
        var table = CliTables.Create(console, "baseline", "nll per decision", "model - baseline", "model beats it");
        foreach (var row in rows)
            table.AddRow(new Text(row.Name), new Text(Format(row.BaselineNll)), new Text(row.ModelMinusBaseline.ToString("+0.00000;-0.00000;0", CultureInfo.InvariantCulture)),
                new Text(row.ModelBeats ? "yes" : "no"));
        console.Out.Write(table);
        console.OutWriter.WriteLine($"baselines estimated on {source.Description}; differences in nats per scored decision (negative: the model predicts better)");
    }

    public static void WriteJson(Utf8JsonWriter w, IReadOnlyList<BaselineComparison> rows, Source source)
    {
        w.WriteString("baselines_fitted_on", source.Description);
        if (source.SameAsModelTraining is bool same) w.WriteBoolean("baselines_on_model_training_data", same);
        else w.WriteNull("baselines_on_model_training_data");
        w.WriteStartObject("baselines");
        foreach (var row in rows)
        {
            w.WriteStartObject(row.Name);
            w.WriteNumber("nll", row.BaselineNll);
            w.WriteNumber("model_minus_baseline", row.ModelMinusBaseline);
            w.WriteBoolean("model_beats", row.ModelBeats);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
