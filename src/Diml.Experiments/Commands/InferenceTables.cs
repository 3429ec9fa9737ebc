using System.Globalization;
using System.Text.Json;
using Diml.Fitting;
using Diml.IO;
using Spectre.Console;

namespace Diml.Experiments.Commands;

/// <summary>The estimates table with standard errors that <c>fit</c>, <c>evaluate</c> and <c>inspect</c> print (docs/inference.md).</summary>
internal static class InferenceTables
{
    /// <summary>The normal quantile of a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>Prints the estimates, their standard errors, z and 95% intervals, then the identified contrasts and what is not identified.</summary>
    public static void Write(CliConsole console, SavedInference inference, TextWriter? lines = null)
    {
        lines ??= console.OutWriter;
        var table = CliTables.Create(console, "parameter", "estimate", "std. error", "z", "95% interval");
        string none = CliTables.None(console);
        for (int j = 0; j < inference.Estimates.Length; j++)
            AddRow(table, inference.Names[j], inference.Estimates[j], inference.StandardErrors[j], none);
        foreach (var contrast in inference.Contrasts)
            AddRow(table, contrast.Name, contrast.Estimate, contrast.StandardError, none);
        foreach (var value in inference.Learner ?? [])
        {
            string F(double v) => v.ToString("G5", CultureInfo.InvariantCulture);
            if (double.IsFinite(value.StandardError))
                table.AddRow(new Text(value.Name + " (natural scale)"), new Text(F(value.Estimate)), new Text(F(value.StandardError)), new Text(none),
                    new Text($"[{F(value.Low)}, {F(value.High)}]"));
            else
            {
                // A raw value run off to infinity leaves the natural one at the edge of its range, where the likelihood is flat.
                string why = value.Estimate < 1e-6 ? "at its bound 0" : Math.Abs(value.Estimate - 1) < 1e-6 ? "at its bound 1" : "not identified";
                table.AddRow(new Text(value.Name + " (natural scale)"), new Text(F(value.Estimate)), new Text(why), new Text(none), new Text(none));
            }
        }
        console.Out.Write(table);
        string kind = inference.Kind == SavedInference.ClusterRobust
            ? string.Create(CultureInfo.InvariantCulture, $"cluster-robust by episode ({inference.Clusters} clusters)")
            : "classical (inverse observed information)";
        lines.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"standard errors: {kind}{(inference.Learner is { Count: > 0 } ? "; learner.* rows are raw (unconstrained) values, their natural scale below: delta-method s.e., interval mapped from the raw one" : "")}; {inference.Rank} of {inference.Estimates.Length} parameter directions identified; at NLL {inference.Nll:G10} over {inference.ScoredDecisions} decisions, gradient norm {inference.GradientNorm:G3}{(inference.Converged ? "" : " (the polish did not converge: do not trust these)")}"));
        if (inference.Unidentified.Count > 0)
            lines.WriteLine($"not identified (the likelihood is flat along): {string.Join("; ", inference.Unidentified.Select(u => u.Name))}; "
                + (inference.Contrasts.Count > 0 ? "the contrasts below the parameters are identified instead." : "only payoff differences are identified."));
    }

    private static void AddRow(Table table, string name, double estimate, double error, string none)
    {
        string F(double v) => v.ToString("G5", CultureInfo.InvariantCulture);
        if (double.IsFinite(error))
            table.AddRow(new Text(name), new Text(F(estimate)), new Text(F(error)), new Text(error > 0 ? (estimate / error).ToString("F2", CultureInfo.InvariantCulture) : none),
                new Text($"[{F(estimate - (Z95 * error))}, {F(estimate + (Z95 * error))}]"));
        else
            table.AddRow(new Text(name), new Text(F(estimate)), new Text("not identified"), new Text(none), new Text(none));
    }

    /// <summary>Writes the inference as the <c>inference</c> member of a JSON summary.</summary>
    public static void WriteJson(Utf8JsonWriter w, SavedInference? inference)
    {
        if (inference is null) { w.WriteNull("inference"); return; }
        w.WriteStartObject("inference");
        w.WriteString("standard_errors", inference.Kind);
        w.WriteNumber("clusters", inference.Clusters);
        w.WriteNumber("rank", inference.Rank);
        w.WriteNumber("nll", inference.Nll);
        w.WriteNumber("gradient_norm", inference.GradientNorm);
        w.WriteBoolean("converged", inference.Converged);
        w.WriteStartArray("parameters");
        for (int j = 0; j < inference.Estimates.Length; j++) Entry(w, inference.Names[j], inference.Estimates[j], inference.StandardErrors[j]);
        w.WriteEndArray();
        w.WriteStartArray("contrasts");
        foreach (var contrast in inference.Contrasts) Entry(w, contrast.Name, contrast.Estimate, contrast.StandardError);
        w.WriteEndArray();
        w.WriteStartArray("unidentified");
        foreach (var u in inference.Unidentified) w.WriteStringValue(u.Name);
        w.WriteEndArray();
        w.WriteStartArray("learner");
        foreach (var value in inference.Learner ?? [])
        {
            w.WriteStartObject();
            w.WriteString("name", value.Name);
            w.WriteNumber("estimate", value.Estimate);
            w.WriteNumberOrNull("standard_error", value.StandardError);
            w.WriteNumberOrNull("ci_low", value.Low);
            w.WriteNumberOrNull("ci_high", value.High);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();

        static void Entry(Utf8JsonWriter w, string name, double estimate, double error)
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteNumber("estimate", estimate);
            if (double.IsFinite(error))
            {
                w.WriteNumber("standard_error", error);
                w.WriteNumber("ci_low", estimate - (Z95 * error));
                w.WriteNumber("ci_high", estimate + (Z95 * error));
            }
            else
            {
                w.WriteNull("standard_error");
                w.WriteNull("ci_low");
                w.WriteNull("ci_high");
            }
            w.WriteEndObject();
        }
    }
}
