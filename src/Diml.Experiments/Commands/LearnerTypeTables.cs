using System.Globalization;
using System.Text.Json;
using Diml.Evaluation.Inference;
using Diml.Fitting;
using Diml.IO;
using Spectre.Console;

namespace Diml.Experiments.Commands;

/// <summary>What <c>fit --types</c> prints and writes of a mixture of learner types (docs/inference.md, "Latent learner types").</summary>
internal static class LearnerTypeTables
{
    /// <summary>
    /// The types table (weight and estimated learner parameters with standard errors, the subjects each gets), then the
    /// criteria to choose <c>K</c> by, beside the one-type fit's when it has standard errors.
    /// </summary>
    public static void Write(CliConsole console, LearnerTypesResult mixture, IReadOnlyList<string> parameters, SavedInference? oneType, string? typesPath)
    {
        string F(double v) => v.ToString("G5", CultureInfo.InvariantCulture);
        string none = CliTables.None(console);
        var columns = new List<string> { "type", "weight", "std. error" };
        foreach (string name in parameters) columns.AddRange([name, "std. error"]);
        columns.AddRange(["subjects (posterior)", "modal subjects"]);
        var table = CliTables.Create(console, [.. columns]);
        for (int k = 0; k < mixture.Types.Count; k++)
        {
            var type = mixture.Types[k];
            var cells = new List<string> { (k + 1).ToString(CultureInfo.InvariantCulture), F(type.Weight), double.IsFinite(type.WeightStandardError) ? F(type.WeightStandardError) : "not identified" };
            foreach (var value in type.Values) cells.AddRange([F(value.Estimate), double.IsFinite(value.StandardError) ? F(value.StandardError) : none]);
            cells.AddRange([type.ExpectedSubjects.ToString("F1", CultureInfo.InvariantCulture), type.ModalSubjects.ToString(CultureInfo.InvariantCulture)]);
            table.AddRow(cells.Select(c => new Text(c)).ToArray());
        }
        console.Out.Write(table);
        var lines = console.OutWriter;
        lines.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"learner types: {mixture.Types.Count} over {MessageText.Count(mixture.Subjects, "subject")} ({mixture.Decisions} decisions); log-likelihood {mixture.LogLikelihood:G10}; {mixture.Parameters} parameters ({mixture.ParameterCountSource}); AIC {mixture.Aic:G10}; BIC {mixture.Bic:G10}"));
        if (oneType is not null)
        {
            double bic = (oneType.Rank * Math.Log(oneType.ScoredDecisions)) + (2 * oneType.Nll);
            lines.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"one type (the fit above): log-likelihood {-oneType.Nll:G10}; {oneType.Rank} parameters; AIC {(2.0 * oneType.Rank) + (2 * oneType.Nll):G10}; BIC {bic:G10} (lower is better)"));
        }
        lines.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"standard errors: classical (inverse observed information of the mixture likelihood), weights by the delta method; types ordered by {parameters[0]}; starts ended at NLL {string.Join(", ", mixture.StartNlls.Select(v => v.ToString("G10", CultureInfo.InvariantCulture)))} (best: start {mixture.BestStart + 1}){(typesPath is null ? "" : "; posteriors per subject written to " + typesPath)}"));
    }

    /// <summary>The types a model file stores (<c>$.learnerTypes</c>), and their criteria: what <c>evaluate</c> shows.</summary>
    public static void WriteSaved(CliConsole console, SavedLearnerTypes mixture)
    {
        string F(double v) => v.ToString("G5", CultureInfo.InvariantCulture);
        string none = CliTables.None(console);
        var names = mixture.Types[0].Values.Select(v => v.Name).ToArray();
        var columns = new List<string> { "type", "weight", "std. error" };
        foreach (string name in names) columns.AddRange([name, "std. error"]);
        var table = CliTables.Create(console, [.. columns]);
        for (int k = 0; k < mixture.Types.Count; k++)
        {
            var type = mixture.Types[k];
            var cells = new List<string> { (k + 1).ToString(CultureInfo.InvariantCulture), F(type.Weight), double.IsFinite(type.WeightStandardError) ? F(type.WeightStandardError) : "not identified" };
            foreach (var value in type.Values) cells.AddRange([F(value.Estimate), double.IsFinite(value.StandardError) ? F(value.StandardError) : none]);
            table.AddRow(cells.Select(c => new Text(c)).ToArray());
        }
        console.Out.Write(table);
        console.OutWriter.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"learner types: {mixture.Types.Count} over {MessageText.Count(mixture.Subjects, "subject")} ({mixture.ScoredDecisions} decisions); log-likelihood {-mixture.Nll:G10}; {mixture.Parameters} parameters; AIC {mixture.Aic:G10}; BIC {mixture.Bic:G10}{(mixture.Converged ? "" : " (the polish did not converge: do not trust these)")}"));
    }

    /// <summary>What not to trust in <paramref name="mixture"/>, one sentence each.</summary>
    public static IEnumerable<string> Warnings(LearnerTypesResult mixture)
    {
        if (!mixture.Polish.Converged)
            yield return string.Create(CultureInfo.InvariantCulture,
                $"the mixture's polish stopped before its gradient criterion ({mixture.Polish.Status}); gradient norm {mixture.Polish.GradientNorm:G3}. Its standard errors assume a zero gradient.");
        if (!mixture.Inference.IsMinimum)
            yield return string.Create(CultureInfo.InvariantCulture,
                $"the mixture's observed information has a negative eigenvalue ({mixture.Inference.NegativeCurvature:G3} of the largest): its point is not a maximum, so no standard error is reported.");
        for (int k = 0; k < mixture.Types.Count; k++)
            if (mixture.Types.Count > 1 && mixture.Types[k].ModalSubjects == 0)
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"type {k + 1} (weight {mixture.Types[k].Weight:G3}) is the most probable type of no subject: {mixture.Types.Count} types are probably too many; compare the BIC with fewer.");
        for (int a = 0; a < mixture.Types.Count; a++)
            for (int b = a + 1; b < mixture.Types.Count; b++)
                if (mixture.Types[a].Values.Zip(mixture.Types[b].Values).All(p => Math.Abs(p.First.Estimate - p.Second.Estimate) <= 1e-4 * Math.Max(1e-3, Math.Abs(p.First.Estimate))))
                    yield return string.Create(CultureInfo.InvariantCulture,
                        $"types {a + 1} and {b + 1} have the same learner values: the data show no difference between them, so their weights are not identified; fewer types describe the data as well.");
        int best = mixture.StartNlls.Count(v => Math.Abs(v - mixture.Nll) <= 1e-6 * Math.Abs(mixture.Nll));
        if (mixture.StartNlls.Length > 1 && best == 1)
            yield return string.Create(CultureInfo.InvariantCulture,
                $"only one of the {mixture.StartNlls.Length} starts reached the best maximum (the others: local maxima); more --type-starts may find a better one.");
    }

    /// <summary>Writes <c>agent,decisions,posterior_1,…,posterior_K,modal_type</c>, one row per subject (atomically).</summary>
    public static void WritePosteriors(string path, CliConsole console, LearnerTypesResult mixture) =>
        CliFiles.WriteText(path, console, writer =>
        {
            int types = mixture.Types.Count;
            writer.WriteLine("agent,decisions," + string.Join(",", Enumerable.Range(1, types).Select(k => "posterior_" + k.ToString(CultureInfo.InvariantCulture))) + ",modal_type");
            for (int s = 0; s < mixture.Subjects; s++)
            {
                var row = new List<string> { mixture.SubjectAgents[s].ToString(CultureInfo.InvariantCulture), mixture.SubjectDecisions[s].ToString(CultureInfo.InvariantCulture) };
                for (int k = 0; k < types; k++) row.Add(CliFiles.Number(mixture.Posterior[s, k]));
                row.Add((mixture.ModalType(s) + 1).ToString(CultureInfo.InvariantCulture));
                writer.WriteLine(string.Join(",", row));
            }
        });

    /// <summary>Writes the mixture as the <c>learner_types</c> member of a JSON summary (null without <c>--types</c>).</summary>
    public static void WriteJson(Utf8JsonWriter w, LearnerTypesResult? mixture, IReadOnlyList<string> parameters, string? typesPath)
    {
        if (mixture is null) { w.WriteNull("learner_types"); return; }
        w.WriteStartObject("learner_types");
        w.WriteNumber("count", mixture.Types.Count);
        w.WriteNumber("subjects", mixture.Subjects);
        w.WriteNumber("decisions", mixture.Decisions);
        w.WriteNumber("log_likelihood", mixture.LogLikelihood);
        w.WriteNumber("parameters", mixture.Parameters);
        w.WriteNumber("aic", mixture.Aic);
        w.WriteNumber("bic", mixture.Bic);
        w.WriteNumber("bic_subjects", mixture.BicBySubjects);
        w.WriteBoolean("converged", mixture.Polish.Converged);
        w.WriteNumber("best_start", mixture.BestStart + 1);
        w.WriteStartArray("start_nll");
        foreach (double v in mixture.StartNlls) w.WriteNumberValue(v);
        w.WriteEndArray();
        if (typesPath is null) w.WriteNull("posteriors");
        else w.WriteString("posteriors", typesPath);
        w.WriteStartArray("types");
        foreach (var type in mixture.Types)
        {
            w.WriteStartObject();
            w.WriteNumber("weight", type.Weight);
            w.WriteNumberOrNull("weight_standard_error", type.WeightStandardError);
            w.WriteNumber("expected_subjects", type.ExpectedSubjects);
            w.WriteNumber("modal_subjects", type.ModalSubjects);
            w.WriteStartObject("learner");
            for (int j = 0; j < parameters.Count; j++)
            {
                var value = type.Values[j];
                w.WriteStartObject(parameters[j]);
                w.WriteNumber("estimate", value.Estimate);
                w.WriteNumberOrNull("standard_error", value.StandardError);
                w.WriteNumberOrNull("ci_low", value.Low);
                w.WriteNumberOrNull("ci_high", value.High);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
