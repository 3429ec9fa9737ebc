using System.Globalization;
using System.Text.Json;
using Diml.Data;

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

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, SavedModel model)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        if (model.Parameters.Length != model.Layout.TotalLength)
            ThrowHelper.Argument(nameof(model), $"{model.Layout.TotalLength} parameter values for layout {model.Layout}", model.Parameters.Length);

        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        string temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                    Write(writer, model);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Reads the model file at <paramref name="path"/> without checking it against a mechanism.</summary>
    public static SavedModel Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        try
        {
            return Parse(document.RootElement, path);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: not a valid Diml model file ({e.Message}).", e);
        }
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
            throw new InvalidDataException($"{path}: the model is of mechanism type '{model.MechanismType}'; expected '{mechanism.ModelName}'.");
        if (model.Form != mechanism.Form)
            throw new InvalidDataException($"{path}: the model has payoff form {model.Form}; expected {mechanism.Form}.");
        if (model.Shape != shape)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: the model is for a game of {model.Shape.Agents} agents × {model.Shape.Actions} actions; expected {shape.Agents} agents × {shape.Actions} actions."));
        var expected = mechanism.Layout;
        bool sameLayout = expected.Blocks.Count == model.Layout.Blocks.Count;
        for (int j = 0; sameLayout && j < expected.Blocks.Count; j++)
            sameLayout = expected.Blocks[j] == model.Layout.Blocks[j];
        if (!sameLayout)
            throw new InvalidDataException($"{path}: the model's parameter layout is [{model.Layout}]; expected [{expected}].");
        mechanism.WriteParameters(model.Parameters);
        return model;
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
        foreach (var (name, value) in model.LearnerHyperparameters.OrderBy(p => p.Key, StringComparer.Ordinal)) w.WriteNumber(name, value);
        w.WriteEndObject();
        w.WriteEndObject();
        if (model.Training is { } t)
        {
            w.WriteStartObject("training");
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
            w.WriteEndObject();
        }
        if (model.DataFingerprint is { } fingerprint) w.WriteString("dataFingerprint", fingerprint);
        w.WriteEndObject();
    }

    private static SavedModel Parse(JsonElement root, string path)
    {
        string format = root.GetProperty("format").GetString() ?? "";
        if (format != FormatName)
            throw new InvalidDataException($"{path}: the format is '{format}'; expected '{FormatName}'.");
        int version = root.GetProperty("formatVersion").GetInt32();
        if (version != SavedModel.CurrentFormatVersion)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: format version {version} is not supported; expected {SavedModel.CurrentFormatVersion}."));

        var mechanism = root.GetProperty("mechanism");
        string type = mechanism.GetProperty("type").GetString() ?? "";
        var form = Enum.Parse<PayoffForm>(mechanism.GetProperty("form").GetString() ?? "", ignoreCase: false);
        var game = root.GetProperty("game");
        var shape = new GameShape(game.GetProperty("agents").GetInt32(), game.GetProperty("actions").GetInt32());

        var parameters = root.GetProperty("parameters");
        var blocks = new List<ParameterBlock>();
        foreach (var block in parameters.GetProperty("layout").EnumerateArray())
            blocks.Add(new ParameterBlock(block.GetProperty("name").GetString() ?? "", block.GetProperty("rank").GetInt32(),
                block.GetProperty("rows").GetInt32(), block.GetProperty("cols").GetInt32(), block.GetProperty("offset").GetInt32()));
        var layout = new ParameterLayout(blocks);
        var valuesElement = parameters.GetProperty("values");
        var values = new float[valuesElement.GetArrayLength()];
        int j = 0;
        foreach (var value in valuesElement.EnumerateArray()) values[j++] = value.GetSingle();
        if (values.Length != layout.TotalLength)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: {values.Length} parameter values for a layout of {layout.TotalLength}; expected them to match."));

        var learner = root.GetProperty("learner");
        var hyperparameters = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var property in learner.GetProperty("hyperparameters").EnumerateObject())
            hyperparameters[property.Name] = property.Value.GetDouble();

        FitOptions? training = null;
        if (root.TryGetProperty("training", out var t))
        {
            training = new FitOptions
            {
                Epochs = t.GetProperty("epochs").GetInt32(),
                BatchSize = t.GetProperty("batchSize").GetInt32(),
                Window = t.GetProperty("window").GetInt32(),
                WindowMode = Enum.Parse<WindowMode>(t.GetProperty("windowMode").GetString() ?? ""),
                LearningRate = t.GetProperty("learningRate").GetDouble(),
                Beta1 = t.GetProperty("beta1").GetDouble(),
                Beta2 = t.GetProperty("beta2").GetDouble(),
                Epsilon = t.GetProperty("epsilon").GetDouble(),
                WeightDecay = t.GetProperty("weightDecay").GetDouble(),
                ClipNorm = t.GetProperty("clipNorm").GetDouble(),
                Lambda = t.GetProperty("lambda").GetDouble(),
                RegularizerSampleCap = t.GetProperty("regularizerSampleCap").GetInt32(),
                Seed = t.GetProperty("seed").GetUInt64(),
                Threads = t.GetProperty("threads").GetInt32(),
            };
        }
        string? fingerprint = root.TryGetProperty("dataFingerprint", out var f) ? f.GetString() : null;
        return new SavedModel(type, form, shape, layout, values, learner.GetProperty("name").GetString() ?? "",
            hyperparameters, training, fingerprint);
    }
}
