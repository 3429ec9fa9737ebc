using System.Globalization;
using System.Text.Json;
using Diml.Data;
using Diml.IO;

namespace Diml.Fitting;

/// <summary>
/// Reads and writes fitted models as versioned JSON (format described in <c>docs/fitting.md</c>). Files are
/// written atomically — to a temporary file in the same folder, then renamed over the target — so a crash
/// never leaves a half-written model. Numbers use the invariant culture and round-trip exactly.
/// </summary>
public static class ModelFile
{
    /// <summary>The value of the <c>format</c> member that marks a Diml model file.</summary>
    public const string FormatName = "diml-model";

    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="path"/> atomically (creating missing folders). Refuses a
    /// model whose parameters are not all finite: such a file could only mislead.
    /// </summary>
    public static void Save(string path, SavedModel model)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckWritable(model);
        AtomicFile.Write(path, stream => WriteTo(stream, model), createDirectory: true);
    }

    /// <summary>Writes <paramref name="model"/> as JSON to <paramref name="stream"/> (for standard output); the stream is left open.</summary>
    public static void Write(Stream stream, SavedModel model)
    {
        ArgumentNullException.ThrowIfNull(stream);
        CheckWritable(model);
        WriteTo(stream, model);
    }

    private static void CheckWritable(SavedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Parameters.Length != model.Layout.TotalLength)
            ThrowHelper.Argument(nameof(model), $"{model.Layout.TotalLength} parameter values for layout {model.Layout}", model.Parameters.Length);
        for (int j = 0; j < model.Parameters.Length; j++)
            if (!float.IsFinite(model.Parameters[j]))
                ThrowHelper.Argument(nameof(model), "finite parameter values", string.Create(CultureInfo.InvariantCulture, $"{model.Parameters[j]} at index {j}"));
    }

    private static void WriteTo(Stream stream, SavedModel model)
    {
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        Write(writer, model);
    }

    /// <summary>
    /// Reads the model file at <paramref name="path"/> without checking it against a mechanism. Every member is
    /// checked (types, ranges, finite values, the count against the values, no duplicate or unknown members); a
    /// problem is a <see cref="ModelFileException"/> naming the JSON path, what was expected and what was found.
    /// </summary>
    /// <exception cref="ModelFileException">The file is not a valid model file.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static SavedModel Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fields = new JsonFields(path, "a Diml model file (JSON)");
        using var document = fields.Parse();
        return Parse(fields, document.RootElement);
    }

    /// <summary>
    /// Reads the model file at <paramref name="path"/>, checks that it holds a model of
    /// <paramref name="mechanism"/>'s type and parameter layout for a game of <paramref name="shape"/>, and
    /// writes its parameters into <paramref name="mechanism"/>. Errors name what was expected and found.
    /// </summary>
    public static SavedModel Load(string path, IMechanism mechanism, GameShape shape)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        var model = Read(path);
        if (model.MechanismType != mechanism.ModelName)
            throw new ModelFileException(path, "$.mechanism.type", $"mechanism type '{mechanism.ModelName}'", $"'{model.MechanismType}'");
        if (model.Form != mechanism.Form)
            throw new ModelFileException(path, "$.mechanism.form", $"payoff form {mechanism.Form}", model.Form.ToString());
        if (model.Shape != shape)
            throw new ModelFileException(path, "$.game", string.Create(CultureInfo.InvariantCulture, $"a game of {shape.Agents} agents × {shape.Actions} actions"),
                string.Create(CultureInfo.InvariantCulture, $"a model for a game of {model.Shape.Agents} agents × {model.Shape.Actions} actions"));
        if (!SameLayout(mechanism.Layout, model.Layout))
            throw new ModelFileException(path, "$.parameters.layout", $"[{mechanism.Layout}]", $"[{model.Layout}]");
        mechanism.WriteParameters(model.Parameters);
        return model;
    }

    /// <summary>Whether two layouts have the same blocks in the same order.</summary>
    public static bool SameLayout(ParameterLayout a, ParameterLayout b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Blocks.Count != b.Blocks.Count) return false;
        for (int j = 0; j < a.Blocks.Count; j++)
            if (a.Blocks[j] != b.Blocks[j]) return false;
        return true;
    }

    private static void Write(Utf8JsonWriter w, SavedModel model)
    {
        w.WriteStartObject();
        w.WriteString("format", FormatName);
        w.WriteNumber("formatVersion", SavedModel.CurrentFormatVersion);
        w.WriteStartObject("mechanism");
        w.WriteString("type", model.MechanismType);
        w.WriteString("form", model.Form.ToString());
        w.WriteEndObject();
        w.WriteStartObject("game");
        w.WriteNumber("agents", model.Shape.Agents);
        w.WriteNumber("actions", model.Shape.Actions);
        if (model.GroupSizes is { } sizes)
        {
            w.WriteStartArray("groupSizes");
            foreach (int size in sizes) w.WriteNumberValue(size);
            w.WriteEndArray();
        }
        w.WriteEndObject();
        w.WriteStartObject("parameters");
        w.WriteNumber("count", model.Parameters.Length);
        w.WriteStartArray("layout");
        foreach (var block in model.Layout.Blocks)
        {
            w.WriteStartObject();
            w.WriteString("name", block.Name);
            w.WriteNumber("rank", block.Rank);
            w.WriteNumber("rows", block.Rows);
            w.WriteNumber("cols", block.Cols);
            w.WriteNumber("offset", block.Offset);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("values");
        // Utf8JsonWriter writes the shortest text that parses back to the same float.
        foreach (float value in model.Parameters) w.WriteNumberValue(value);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("learner");
        w.WriteString("name", model.LearnerName);
        w.WriteStartObject("hyperparameters");
        // By name, a vector's elements (q0[0], q0[1], …, q0[10]) in the order of their index, not of their text.
        foreach (var (name, value) in model.LearnerHyperparameters.OrderBy(p => ElementName(p.Key).Name, StringComparer.Ordinal).ThenBy(p => ElementName(p.Key).Index))
            w.WriteNumber(name, value);
        w.WriteEndObject();
        if (model.EstimatedLearnerParameters is { } estimated)
        {
            w.WriteStartArray("estimated");
            foreach (string name in estimated) w.WriteStringValue(name);
            w.WriteEndArray();
        }
        w.WriteEndObject();
        if (model.Training is { } t) WriteTraining(w, "training", t);
        if (model.DataFingerprint is { } fingerprint) w.WriteString("dataFingerprint", fingerprint);
        if (model.Inference is { } inference) WriteInference(w, inference);
        if (model.LearnerTypes is { } types) WriteLearnerTypes(w, types);
        w.WriteEndObject();
    }

    /// <summary><c>q0[3]</c> → (<c>q0</c>, 3); a scalar's name → (name, −1).</summary>
    private static (string Name, int Index) ElementName(string name)
    {
        int open = name.IndexOf('[', StringComparison.Ordinal);
        return open > 0 && name.EndsWith(']') && int.TryParse(name.AsSpan(open + 1, name.Length - open - 2), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            ? (name[..open], index)
            : (name, -1);
    }

    private static void WriteLearnerTypes(Utf8JsonWriter w, SavedLearnerTypes mixture)
    {
        w.WriteStartObject("learnerTypes");
        w.WriteNumber("subjects", mixture.Subjects);
        w.WriteNumber("scoredDecisions", mixture.ScoredDecisions);
        w.WriteNumber("nll", mixture.Nll);
        w.WriteNumber("parameters", mixture.Parameters);
        w.WriteBoolean("converged", mixture.Converged);
        w.WriteStartArray("mechanismParameters");
        foreach (double value in mixture.MechanismParameters) w.WriteNumberValue(value);
        w.WriteEndArray();
        w.WriteStartArray("types");
        foreach (var type in mixture.Types)
        {
            w.WriteStartObject();
            w.WriteNumber("weight", type.Weight);
            w.WriteNumberOrNull("weightStandardError", type.WeightStandardError);
            w.WriteStartArray("learner");
            foreach (var value in type.Values)
            {
                w.WriteStartObject();
                w.WriteString("name", value.Name);
                w.WriteNumber("estimate", value.Estimate);
                w.WriteNumberOrNull("standardError", value.StandardError);
                w.WriteNumberOrNull("ciLow", value.Low);
                w.WriteNumberOrNull("ciHigh", value.High);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <remarks>
    /// <paramref name="mechanismCount"/>: the mechanism's parameters; <paramref name="estimated"/>: the learner parameters
    /// every type must name, in order.
    /// </remarks>
    private static SavedLearnerTypes ParseLearnerTypes(JsonFields f, JsonElement element, int mechanismCount, IReadOnlyList<string>? estimated)
    {
        const string at = "$.learnerTypes";
        if (estimated is not { Count: > 0 })
            throw f.Error(at, "learner types only with estimated learner parameters ($.learner.estimated naming the ones that vary by type)", "no $.learner.estimated");
        var o = f.Object(element, at, "subjects", "scoredDecisions", "nll", "parameters", "converged", "mechanismParameters", "types");
        JsonElement R(string name) => f.Required(o, at, name);
        string P(string name) => JsonFields.Member(at, name);
        var converged = R("converged");
        if (converged.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw f.Error(P("converged"), "true or false", JsonFields.Describe(converged));
        var mechanismElement = f.Array(R("mechanismParameters"), P("mechanismParameters"));
        if (mechanismElement.GetArrayLength() != mechanismCount)
            throw f.Error(P("mechanismParameters"), string.Create(CultureInfo.InvariantCulture, $"{mechanismCount} entries (the parameter count)"),
                mechanismElement.GetArrayLength().ToString(CultureInfo.InvariantCulture));
        var mechanism = new double[mechanismCount];
        int m = 0;
        foreach (var value in mechanismElement.EnumerateArray())
        {
            mechanism[m] = f.Double(value, JsonFields.Index(P("mechanismParameters"), m));
            m++;
        }
        var types = new List<SavedLearnerType>();
        int k = 0;
        foreach (var entry in f.Array(R("types"), P("types")).EnumerateArray())
        {
            string path = JsonFields.Index(P("types"), k++);
            var e = f.Object(entry, path, "weight", "weightStandardError", "learner");
            double weight = f.Double(f.Required(e, path, "weight"), path + ".weight");
            if (!(weight >= 0 && weight <= 1)) throw f.Error(path + ".weight", "a weight in [0, 1]", weight.ToString("R", CultureInfo.InvariantCulture));
            var values = new List<SavedNaturalValue>();
            int l = 0;
            foreach (var item in f.Array(f.Required(e, path, "learner"), path + ".learner").EnumerateArray())
            {
                string valuePath = JsonFields.Index(path + ".learner", l);
                var v = f.Object(item, valuePath, "name", "estimate", "standardError", "ciLow", "ciHigh");
                string name = f.String(f.Required(v, valuePath, "name"), valuePath + ".name");
                if (l >= estimated.Count || name != estimated[l])
                    throw f.Error(valuePath + ".name", l < estimated.Count ? $"'{estimated[l]}' (the estimated learner parameters, in order)" : "no further entry (one per estimated learner parameter)", $"'{name}'");
                values.Add(new SavedNaturalValue(name, f.Double(f.Required(v, valuePath, "estimate"), valuePath + ".estimate"),
                    f.DoubleOrNull(f.Required(v, valuePath, "standardError"), valuePath + ".standardError"), f.DoubleOrNull(f.Required(v, valuePath, "ciLow"), valuePath + ".ciLow"),
                    f.DoubleOrNull(f.Required(v, valuePath, "ciHigh"), valuePath + ".ciHigh")));
                l++;
            }
            if (l != estimated.Count)
                throw f.Error(path + ".learner", string.Create(CultureInfo.InvariantCulture, $"{estimated.Count} entries (one per estimated learner parameter)"), l.ToString(CultureInfo.InvariantCulture));
            types.Add(new SavedLearnerType(weight, f.DoubleOrNull(f.Required(e, path, "weightStandardError"), path + ".weightStandardError"), values));
        }
        if (types.Count == 0) throw f.Error(P("types"), "at least one type", "none");
        double total = types.Sum(t => t.Weight);
        if (Math.Abs(total - 1) > 1e-6) throw f.Error(P("types"), "weights summing to 1", total.ToString("R", CultureInfo.InvariantCulture));
        return new SavedLearnerTypes(f.Int(R("subjects"), P("subjects"), 1, int.MaxValue), f.NonNegativeLong(R("scoredDecisions"), P("scoredDecisions")),
            f.Double(R("nll"), P("nll")), f.Int(R("parameters"), P("parameters"), 0, int.MaxValue), converged.ValueKind == JsonValueKind.True, mechanism, types);
    }

    private static void WriteInference(Utf8JsonWriter w, SavedInference inference)
    {
        w.WriteStartObject("inference");
        w.WriteString("standardErrors", inference.Kind);
        w.WriteNumber("clusters", inference.Clusters);
        w.WriteNumber("scoredDecisions", inference.ScoredDecisions);
        w.WriteNumber("nll", inference.Nll);
        w.WriteNumber("gradientNorm", inference.GradientNorm);
        w.WriteBoolean("converged", inference.Converged);
        w.WriteNumber("rank", inference.Rank);
        w.WriteStartArray("parameters");
        for (int j = 0; j < inference.Estimates.Length; j++)
        {
            w.WriteStartObject();
            w.WriteString("name", inference.Names[j]);
            w.WriteNumber("estimate", inference.Estimates[j]);
            w.WritePropertyName("standardError");
            w.WriteNumberOrNullValue(inference.StandardErrors[j]);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("covariance");
        int p = inference.Estimates.Length;
        for (int a = 0; a < p; a++)
        {
            w.WriteStartArray();
            for (int b = 0; b < p; b++) w.WriteNumberValue(inference.CovarianceAt(a, b));
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteStartArray("unidentified");
        foreach (var direction in inference.Unidentified)
        {
            w.WriteStartObject();
            w.WriteString("name", direction.Name);
            w.WriteStartArray("coefficients");
            foreach (double c in direction.Coefficients) w.WriteNumberValue(c);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("contrasts");
        foreach (var contrast in inference.Contrasts)
        {
            w.WriteStartObject();
            w.WriteString("name", contrast.Name);
            w.WriteNumber("estimate", contrast.Estimate);
            w.WritePropertyName("standardError");
            w.WriteNumberOrNullValue(contrast.StandardError);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (inference.Learner is { } learner)
        {
            w.WriteStartArray("learner");
            foreach (var value in learner)
            {
                w.WriteStartObject();
                w.WriteString("name", value.Name);
                w.WriteNumber("estimate", value.Estimate);
                w.WritePropertyName("standardError");
                w.WriteNumberOrNullValue(value.StandardError);
                w.WritePropertyName("ciLow");
                w.WriteNumberOrNullValue(value.Low);
                w.WritePropertyName("ciHigh");
                w.WriteNumberOrNullValue(value.High);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    /// <remarks>
    /// <paramref name="mechanismCount"/>: the mechanism's parameters; with estimated learner parameters their raw values
    /// follow in the vector, so there are more entries.
    /// </remarks>
    private static SavedInference ParseInference(JsonFields f, JsonElement element, int mechanismCount, bool learnerEstimated)
    {
        const string at = "$.inference";
        var o = f.Object(element, at, "standardErrors", "clusters", "scoredDecisions", "nll", "gradientNorm", "converged", "rank", "parameters",
            "covariance", "unidentified", "contrasts", "learner");
        JsonElement R(string name) => f.Required(o, at, name);
        string P(string name) => JsonFields.Member(at, name);
        string kind = f.String(R("standardErrors"), P("standardErrors"));
        if (kind != SavedInference.ClusterRobust && kind != SavedInference.Classical)
            throw f.Error(P("standardErrors"), $"'{SavedInference.ClusterRobust}' or '{SavedInference.Classical}'", $"'{kind}'");
        var converged = R("converged");
        if (converged.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw f.Error(P("converged"), "true or false", JsonFields.Describe(converged));

        var parameters = f.Array(R("parameters"), P("parameters"));
        int count = parameters.GetArrayLength();
        if (learnerEstimated ? count <= mechanismCount : count != mechanismCount)
            throw f.Error(P("parameters"), learnerEstimated
                    ? string.Create(CultureInfo.InvariantCulture, $"more than {mechanismCount} entries (the mechanism's parameters, then the estimated learner parameters' raw values)")
                    : string.Create(CultureInfo.InvariantCulture, $"{mechanismCount} entries (the parameter count)"),
                count.ToString(CultureInfo.InvariantCulture));
        var names = new string[count];
        var estimates = new double[count];
        var errors = new double[count];
        int j = 0;
        foreach (var entry in parameters.EnumerateArray())
        {
            string path = JsonFields.Index(P("parameters"), j);
            var e = f.Object(entry, path, "name", "estimate", "standardError");
            names[j] = f.String(f.Required(e, path, "name"), path + ".name");
            estimates[j] = f.Double(f.Required(e, path, "estimate"), path + ".estimate");
            errors[j] = f.DoubleOrNull(f.Required(e, path, "standardError"), path + ".standardError");
            j++;
        }
        var covariance = new double[checked(count * count)];
        var rows = f.Array(R("covariance"), P("covariance"));
        if (rows.GetArrayLength() != count)
            throw f.Error(P("covariance"), string.Create(CultureInfo.InvariantCulture, $"{count} rows"), string.Create(CultureInfo.InvariantCulture, $"{rows.GetArrayLength()}"));
        int r = 0;
        foreach (var row in rows.EnumerateArray())
        {
            string path = JsonFields.Index(P("covariance"), r);
            f.Array(row, path);
            if (row.GetArrayLength() != count)
                throw f.Error(path, string.Create(CultureInfo.InvariantCulture, $"{count} entries"), string.Create(CultureInfo.InvariantCulture, $"{row.GetArrayLength()}"));
            int c = 0;
            foreach (var value in row.EnumerateArray())
            {
                covariance[(r * count) + c] = f.Double(value, JsonFields.Index(path, c));
                c++;
            }
            r++;
        }
        var unidentified = new List<SavedDirection>();
        int u = 0;
        foreach (var value in f.Array(R("unidentified"), P("unidentified")).EnumerateArray())
        {
            string path = JsonFields.Index(P("unidentified"), u++);
            var e = f.Object(value, path, "name", "coefficients");
            var coefficients = f.Array(f.Required(e, path, "coefficients"), path + ".coefficients");
            if (coefficients.GetArrayLength() != count)
                throw f.Error(path + ".coefficients", string.Create(CultureInfo.InvariantCulture, $"{count} entries (the parameter count)"),
                    string.Create(CultureInfo.InvariantCulture, $"{coefficients.GetArrayLength()}"));
            var vector = new double[count];
            int c = 0;
            foreach (var entry in coefficients.EnumerateArray())
            {
                vector[c] = f.Double(entry, JsonFields.Index(path + ".coefficients", c));
                c++;
            }
            unidentified.Add(new SavedDirection(f.String(f.Required(e, path, "name"), path + ".name"), vector));
        }
        var contrasts = new List<SavedContrast>();
        int k = 0;
        foreach (var entry in f.Array(R("contrasts"), P("contrasts")).EnumerateArray())
        {
            string path = JsonFields.Index(P("contrasts"), k++);
            var e = f.Object(entry, path, "name", "estimate", "standardError");
            contrasts.Add(new SavedContrast(f.String(f.Required(e, path, "name"), path + ".name"), f.Double(f.Required(e, path, "estimate"), path + ".estimate"),
                f.DoubleOrNull(f.Required(e, path, "standardError"), path + ".standardError")));
        }
        List<SavedNaturalValue>? learner = null;
        if (o.TryGetValue("learner", out var learnerElement))
        {
            learner = [];
            int l = 0;
            foreach (var entry in f.Array(learnerElement, P("learner")).EnumerateArray())
            {
                string path = JsonFields.Index(P("learner"), l++);
                var e = f.Object(entry, path, "name", "estimate", "standardError", "ciLow", "ciHigh");
                learner.Add(new SavedNaturalValue(f.String(f.Required(e, path, "name"), path + ".name"), f.Double(f.Required(e, path, "estimate"), path + ".estimate"),
                    f.DoubleOrNull(f.Required(e, path, "standardError"), path + ".standardError"), f.DoubleOrNull(f.Required(e, path, "ciLow"), path + ".ciLow"),
                    f.DoubleOrNull(f.Required(e, path, "ciHigh"), path + ".ciHigh")));
            }
        }
        return new SavedInference(kind, f.Int(R("clusters"), P("clusters"), 1, int.MaxValue), f.NonNegativeLong(R("scoredDecisions"), P("scoredDecisions")),
            f.Double(R("nll"), P("nll")), f.Double(R("gradientNorm"), P("gradientNorm")), converged.ValueKind == JsonValueKind.True,
            f.Int(R("rank"), P("rank"), 0, count), names, estimates, errors, covariance, unidentified, contrasts) { Learner = learner };
    }

    private static SavedModel Parse(JsonFields f, JsonElement rootElement)
    {
        const string root = "$";
        var top = f.Object(rootElement, root, "format", "formatVersion", "mechanism", "game", "parameters", "learner", "training", "dataFingerprint", "inference", "learnerTypes");
        string format = f.String(f.Required(top, root, "format"), "$.format", allowEmpty: true);
        if (format != FormatName) throw f.Error("$.format", $"'{FormatName}'", $"'{format}'");
        var versionElement = f.Required(top, root, "formatVersion");
        if (versionElement.ValueKind != JsonValueKind.Number || !versionElement.TryGetInt32(out int version) || version != SavedModel.CurrentFormatVersion)
            throw f.Error("$.formatVersion", string.Create(CultureInfo.InvariantCulture, $"format version {SavedModel.CurrentFormatVersion} (this build reads no other)"),
                JsonFields.Describe(versionElement));

        var mechanism = f.Object(f.Required(top, root, "mechanism"), "$.mechanism", "type", "form");
        string type = f.String(f.Required(mechanism, "$.mechanism", "type"), "$.mechanism.type");
        var form = f.Enum<PayoffForm>(f.Required(mechanism, "$.mechanism", "form"), "$.mechanism.form");
        var game = f.Object(f.Required(top, root, "game"), "$.game", "agents", "actions", "groupSizes");
        var shape = new GameShape(
            f.Int(f.Required(game, "$.game", "agents"), "$.game.agents", 1, GameShape.MaxAgents),
            f.Int(f.Required(game, "$.game", "actions"), "$.game.actions", 2, GameShape.MaxActions));
        List<int>? groupSizes = null;
        if (game.TryGetValue("groupSizes", out var sizesElement))
        {
            groupSizes = [];
            int index = 0;
            foreach (var size in f.Array(sizesElement, "$.game.groupSizes").EnumerateArray())
                groupSizes.Add(f.Int(size, JsonFields.Index("$.game.groupSizes", index++), 1, shape.Agents));
        }

        var (layout, values) = ParseParameters(f, f.Required(top, root, "parameters"));
        var (learnerName, hyperparameters, estimated) = ParseLearner(f, f.Required(top, root, "learner"));
        FitOptions? training = top.TryGetValue("training", out var t) ? ParseTraining(f, t, "$.training") : null;
        string? fingerprint = top.TryGetValue("dataFingerprint", out var fp) ? f.String(fp, "$.dataFingerprint") : null;
        SavedInference? inference = top.TryGetValue("inference", out var inferenceElement) ? ParseInference(f, inferenceElement, values.Length, estimated is { Count: > 0 }) : null;
        SavedLearnerTypes? learnerTypes = top.TryGetValue("learnerTypes", out var typesElement) ? ParseLearnerTypes(f, typesElement, values.Length, estimated) : null;
        return new SavedModel(type, form, shape, layout, values, learnerName, hyperparameters, training, fingerprint)
        {
            GroupSizes = groupSizes,
            EstimatedLearnerParameters = estimated,
            Inference = inference,
            LearnerTypes = learnerTypes,
        };
    }

    private static (ParameterLayout Layout, float[] Values) ParseParameters(JsonFields f, JsonElement element)
    {
        const string at = "$.parameters";
        var parameters = f.Object(element, at, "count", "layout", "values");
        int count = f.Int(f.Required(parameters, at, "count"), "$.parameters.count", 0, Array.MaxLength);
        var layoutArray = f.Array(f.Required(parameters, at, "layout"), "$.parameters.layout");
        var blocks = new List<ParameterBlock>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        long offset = 0;
        int index = 0;
        foreach (var blockElement in layoutArray.EnumerateArray())
        {
            string path = JsonFields.Index("$.parameters.layout", index++);
            var block = f.Object(blockElement, path, "name", "rank", "rows", "cols", "offset");
            string name = f.String(f.Required(block, path, "name"), path + ".name");
            if (!names.Add(name)) throw f.Error(path + ".name", "a name used by no other block", $"'{name}' a second time");
            int rank = f.Int(f.Required(block, path, "rank"), path + ".rank", 0, 2);
            int rows = f.Int(f.Required(block, path, "rows"), path + ".rows", 1, Array.MaxLength);
            int cols = f.Int(f.Required(block, path, "cols"), path + ".cols", 1, Array.MaxLength);
            if (rank == 0 && rows != 1) throw f.Error(path + ".rows", "1 for a scalar (rank 0)", rows.ToString(CultureInfo.InvariantCulture));
            if (rank < 2 && cols != 1) throw f.Error(path + ".cols", "1 for rank " + rank.ToString(CultureInfo.InvariantCulture), cols.ToString(CultureInfo.InvariantCulture));
            int blockOffset = f.Int(f.Required(block, path, "offset"), path + ".offset", 0, Array.MaxLength);
            if (blockOffset != offset)
                throw f.Error(path + ".offset", string.Create(CultureInfo.InvariantCulture, $"{offset} (blocks are contiguous, in order)"),
                    blockOffset.ToString(CultureInfo.InvariantCulture));
            offset += (long)rows * cols;
            if (offset > Array.MaxLength)
                throw f.Error(path, string.Create(CultureInfo.InvariantCulture, $"a layout of at most {Array.MaxLength:N0} values"), "more");
            blocks.Add(new ParameterBlock(name, rank, rows, cols, blockOffset));
        }
        if (count != offset)
            throw f.Error("$.parameters.count", string.Create(CultureInfo.InvariantCulture, $"{offset}, the length of the layout"), count.ToString(CultureInfo.InvariantCulture));
        var valuesArray = f.Array(f.Required(parameters, at, "values"), "$.parameters.values");
        int length = valuesArray.GetArrayLength();
        if (length != count)
            throw f.Error("$.parameters.values", string.Create(CultureInfo.InvariantCulture, $"{count} values (the count)"),
                string.Create(CultureInfo.InvariantCulture, $"{length}"));
        var values = new float[length];
        int j = 0;
        foreach (var value in valuesArray.EnumerateArray())
        {
            values[j] = f.Float(value, JsonFields.Index("$.parameters.values", j));
            j++;
        }
        return (new ParameterLayout(blocks), values);
    }

    private static (string Name, SortedDictionary<string, double> Hyperparameters, List<string>? Estimated) ParseLearner(JsonFields f, JsonElement element)
    {
        const string at = "$.learner";
        var learner = f.Object(element, at, "name", "hyperparameters", "estimated");
        string name = f.String(f.Required(learner, at, "name"), "$.learner.name");
        var hyperElement = f.Required(learner, at, "hyperparameters");
        if (hyperElement.ValueKind != JsonValueKind.Object) throw f.Error("$.learner.hyperparameters", "an object", JsonFields.Describe(hyperElement));
        var hyperparameters = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var property in hyperElement.EnumerateObject())
        {
            string path = JsonFields.Member("$.learner.hyperparameters", property.Name);
            double value = f.Double(property.Value, path);
            if (!hyperparameters.TryAdd(property.Name, value)) throw f.Error(path, $"'{property.Name}' once", "it a second time");
        }
        List<string>? estimated = null;
        if (learner.TryGetValue("estimated", out var estimatedElement))
        {
            estimated = [];
            int index = 0;
            foreach (var item in f.Array(estimatedElement, "$.learner.estimated").EnumerateArray())
            {
                string path = JsonFields.Index("$.learner.estimated", index++);
                string parameter = f.String(item, path);
                if (!hyperparameters.ContainsKey(parameter))
                    throw f.Error(path, "the name of one of the learner's hyperparameters (" + string.Join(", ", hyperparameters.Keys) + ")", $"'{parameter}'");
                if (estimated.Contains(parameter)) throw f.Error(path, $"'{parameter}' once", "it a second time");
                estimated.Add(parameter);
            }
        }
        return (name, hyperparameters, estimated);
    }

    /// <summary>Reads the fit settings written by <see cref="WriteTraining"/>; shared with the checkpoint reader.</summary>
    internal static FitOptions ParseTraining(JsonFields f, JsonElement element, string at)
    {
        var t = f.Object(element, at, TrainingNames);
        string P(string name) => JsonFields.Member(at, name);
        JsonElement R(string name) => f.Required(t, at, name);
        var options = new FitOptions
        {
            Epochs = f.Int(R("epochs"), P("epochs"), 1, int.MaxValue),
            BatchSize = f.Int(R("batchSize"), P("batchSize"), 1, int.MaxValue),
            Window = f.Int(R("window"), P("window"), 2, int.MaxValue),
            WindowMode = f.Enum<WindowMode>(R("windowMode"), P("windowMode")),
            LearningRate = f.Double(R("learningRate"), P("learningRate")),
            Beta1 = f.Double(R("beta1"), P("beta1")),
            Beta2 = f.Double(R("beta2"), P("beta2")),
            Epsilon = f.Double(R("epsilon"), P("epsilon")),
            WeightDecay = f.Double(R("weightDecay"), P("weightDecay")),
            ClipNorm = f.Double(R("clipNorm"), P("clipNorm")),
            Lambda = f.Double(R("lambda"), P("lambda")),
            RegularizerSampleCap = f.Int(R("regularizerSampleCap"), P("regularizerSampleCap"), 0, int.MaxValue),
            Seed = f.ULong(R("seed"), P("seed")),
            Threads = f.Int(R("threads"), P("threads"), 1, int.MaxValue),
            // Files written before validation, patience and the step budget existed were fitted without them.
            ValidationFraction = t.TryGetValue("validationFraction", out var fraction) ? f.Double(fraction, P("validationFraction")) : 0,
            Patience = t.TryGetValue("patience", out var patience) ? f.Int(patience, P("patience"), 0, int.MaxValue) : 0,
            MinSteps = t.TryGetValue("minSteps", out var minSteps) ? f.Int(minSteps, P("minSteps"), 0, int.MaxValue) : 0,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            string name = e.ParamName is { Length: > 0 } p ? char.ToLowerInvariant(p[0]) + p[1..] : "";
            throw f.Error(P(name), e.Message.Split(": expected ", 2)[^1].Split("; found", 2)[0], e.ActualValue?.ToString() ?? "another value");
        }
        return options;
    }

    private static readonly string[] TrainingNames =
        ["epochs", "batchSize", "window", "windowMode", "learningRate", "beta1", "beta2", "epsilon", "weightDecay", "clipNorm", "lambda",
         "regularizerSampleCap", "seed", "threads", "validationFraction", "patience", "minSteps"];

    /// <summary>Writes the fit settings as the <c>training</c> object; shared with the checkpoint writer.</summary>
    internal static void WriteTraining(Utf8JsonWriter w, string name, FitOptions t)
    {
        w.WriteStartObject(name);
        w.WriteNumber("epochs", t.Epochs);
        w.WriteNumber("batchSize", t.BatchSize);
        w.WriteNumber("window", t.Window);
        w.WriteString("windowMode", t.WindowMode.ToString());
        w.WriteNumber("learningRate", t.LearningRate);
        w.WriteNumber("beta1", t.Beta1);
        w.WriteNumber("beta2", t.Beta2);
        w.WriteNumber("epsilon", t.Epsilon);
        w.WriteNumber("weightDecay", t.WeightDecay);
        w.WriteNumber("clipNorm", t.ClipNorm);
        w.WriteNumber("lambda", t.Lambda);
        w.WriteNumber("regularizerSampleCap", t.RegularizerSampleCap);
        w.WriteNumber("seed", t.Seed);
        w.WriteNumber("threads", t.Threads);
        w.WriteNumber("validationFraction", t.ValidationFraction);
        w.WriteNumber("patience", t.Patience);
        w.WriteNumber("minSteps", t.MinSteps);
        w.WriteEndObject();
    }
}
