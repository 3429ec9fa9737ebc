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
    /// <summary>The baselines' training episodes and a phrase saying where they come from.</summary>
    public sealed record Source(Trajectories Training, string Description);

    /// <summary>
    /// <paramref name="train"/> (from <c>--train</c>) when given; else the episodes before the split (with
    /// <c>--split</c>); else the scored episodes themselves, which flatters the baselines (in-sample).
    /// </summary>
    public static Source Choose(Trajectories? train, string? trainPath, Trajectories all, Trajectories scored, string dataPath, double? split)
    {
        if (train is not null) return new Source(train, $"{trainPath} (--train)");
        if (split is double fraction)
        {
            int first = (int)(fraction * all.Episodes);
            return new Source(all.SelectEpisodes(0, first), string.Create(CultureInfo.InvariantCulture, $"the first {first} episodes of {dataPath} (--split {fraction:R})"));
        }
        return new Source(scored, $"the scored episodes themselves (in-sample, which favours the baselines; give --train or --split)");
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
