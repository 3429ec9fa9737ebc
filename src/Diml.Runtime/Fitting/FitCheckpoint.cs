using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Diml.Data;
using Diml.IO;

namespace Diml.Fitting;

/// <summary>
/// A fit stopped between two minibatches, saved so that it can continue exactly: the session state
/// (<see cref="FitSessionState"/>), the training curve so far, and what the fit was — options, mechanism type and
/// layout, learner, data fingerprint, initial parameters, the caller's settings — so that a resume with other
/// settings is refused rather than silently giving another model. Written atomically as versioned JSON, the
/// float arrays as base64 of their little-endian bits (exact, and compact for large networks).
/// </summary>
public sealed record FitCheckpoint
{
    /// <summary>The value of the <c>format</c> member.</summary>
    public const string FormatName = "diml-checkpoint";

    /// <summary>The version this build writes and reads.</summary>
    /// <remarks>Version 2 added validation: per-epoch validation NLL, best validation NLL, patience counter.</remarks>
    public const int CurrentFormatVersion = 2;

    /// <summary>The fit's options.</summary>
    public required FitOptions Options { get; init; }

    /// <summary>The mechanism's <see cref="IDifferentiableModel.ModelName"/>.</summary>
    public required string MechanismType { get; init; }

    /// <summary>The mechanism's parameter layout, as text (<see cref="ParameterLayout.ToString"/>).</summary>
    public required string Layout { get; init; }

    /// <summary>The learner: rule name and hyperparameters, as text.</summary>
    public required string Learner { get; init; }

    /// <summary>The training data's <see cref="Trajectories.Fingerprint"/>.</summary>
    public required string DataFingerprint { get; init; }

    /// <summary>SHA-256 of the initial parameters' bits.</summary>
    public required string InitialParameters { get; init; }

    /// <summary>The caller's settings (<see cref="FitCheckpointing.Settings"/>).</summary>
    public required IReadOnlyDictionary<string, string> Settings { get; init; }

    /// <summary>The completed epochs' reports.</summary>
    public required IReadOnlyList<EpochReport> Curve { get; init; }

    /// <summary>The session state.</summary>
    public required FitSessionState State { get; init; }

    /// <summary>Describes a fit's identity in the checkpoint's terms.</summary>
    internal static (string Layout, string Learner, string Initial) Describe(IMechanism mechanism, ILearningRule rule, ReadOnlySpan<float> initial)
    {
        string learner = rule.RuleName + "(" + string.Join(", ", rule.Hyperparameters.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value:R}"))) + ")";
        string hash = Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(initial)));
        return (mechanism.Layout.ToString(), learner, hash);
    }

    /// <summary>
    /// The settings that differ between this checkpoint and a fit of <paramref name="mechanism"/> under
    /// <paramref name="rule"/> to <paramref name="training"/> from <paramref name="initial"/> with <paramref name="options"/>
    /// and <paramref name="settings"/>. The thread count may differ: results do not depend on it.
    /// </summary>
    public IReadOnlyList<CheckpointDifference> Differences(FitOptions options, IMechanism mechanism, ILearningRule rule, Trajectories training,
        ReadOnlySpan<float> initial, IReadOnlyDictionary<string, string>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(training);
        var found = new List<CheckpointDifference>();
        void Compare(string name, string saved, string now)
        {
            if (saved != now) found.Add(new CheckpointDifference(name, saved, now));
        }
        foreach (var (name, saved, now) in OptionValues(Options).Zip(OptionValues(options), (a, b) => (a.Name, a.Value, b.Value)))
            Compare(name, saved, now);
        var (layout, learner, hash) = Describe(mechanism, rule, initial);
        Compare(nameof(MechanismType), MechanismType, mechanism.ModelName);
        Compare(nameof(Layout), Layout, layout);
        Compare(nameof(Learner), Learner, learner);
        Compare(nameof(DataFingerprint), DataFingerprint, training.Fingerprint());
        var current = settings ?? new Dictionary<string, string>();
        foreach (string key in Settings.Keys.Union(current.Keys).Order(StringComparer.Ordinal))
            Compare(key, Settings.GetValueOrDefault(key, "(none)"), current.GetValueOrDefault(key, "(none)"));
        // The initial parameters only matter when nothing else explains a difference (a caller's seed setting usually does).
        if (found.Count == 0) Compare(nameof(InitialParameters), InitialParameters, hash);
        return found;
    }

    private static IEnumerable<(string Name, string Value)> OptionValues(FitOptions o)
    {
        static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        yield return (nameof(o.Epochs), o.Epochs.ToString(CultureInfo.InvariantCulture));
        yield return (nameof(o.ValidationFraction), N(o.ValidationFraction));
        yield return (nameof(o.Patience), o.Patience.ToString(CultureInfo.InvariantCulture));
        yield return (nameof(o.MinSteps), o.MinSteps.ToString(CultureInfo.InvariantCulture));
        yield return (nameof(o.BatchSize), o.BatchSize.ToString(CultureInfo.InvariantCulture));
        yield return (nameof(o.Window), o.Window.ToString(CultureInfo.InvariantCulture));
        yield return (nameof(o.WindowMode), o.WindowMode.ToString());
        yield return (nameof(o.LearningRate), N(o.LearningRate));
        yield return (nameof(o.Beta1), N(o.Beta1));
        yield return (nameof(o.Beta2), N(o.Beta2));
        yield return (nameof(o.Epsilon), N(o.Epsilon));
        yield return (nameof(o.WeightDecay), N(o.WeightDecay));
        yield return (nameof(o.ClipNorm), N(o.ClipNorm));
        yield return (nameof(o.Lambda), N(o.Lambda));
        yield return (nameof(o.RegularizerSampleCap), o.RegularizerSampleCap.ToString(CultureInfo.InvariantCulture));
        yield return (nameof(o.Seed), o.Seed.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Writes the checkpoint to <paramref name="path"/> atomically (creating missing folders).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, stream =>
        {
            using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            w.WriteStartObject();
            w.WriteString("format", FormatName);
            w.WriteNumber("formatVersion", CurrentFormatVersion);
            ModelFile.WriteTraining(w, "training", Options);
            w.WriteString("mechanismType", MechanismType);
            w.WriteString("layout", Layout);
            w.WriteString("learner", Learner);
            w.WriteString("dataFingerprint", DataFingerprint);
            w.WriteString("initialParameters", InitialParameters);
            w.WriteStartObject("settings");
            foreach (var (key, value) in Settings.OrderBy(p => p.Key, StringComparer.Ordinal)) w.WriteString(key, value);
            w.WriteEndObject();
            w.WriteStartArray("curve");
            foreach (var r in Curve)
            {
                w.WriteStartObject();
                w.WriteNumber("epoch", r.Epoch);
                w.WriteNumber("meanLoss", r.MeanLoss);
                w.WriteNumber("seconds", r.Seconds);
                if (double.IsFinite(r.ValidationNll)) w.WriteNumber("validationNll", r.ValidationNll);
                else w.WriteNull("validationNll");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            var s = State;
            w.WriteStartObject("state");
            w.WriteNumber("epoch", s.Epoch);
            w.WriteBoolean("inEpoch", s.InEpoch);
            w.WriteNumber("nextEpisode", s.NextEpisode);
            w.WriteNumber("epochLossSum", s.EpochLossSum);
            w.WriteNumber("epochMinibatches", s.EpochMinibatches);
            w.WriteNumber("epochSeconds", s.EpochSeconds);
            w.WriteNumber("randomState", s.RandomState);
            w.WriteString("order", Convert.ToBase64String(MemoryMarshal.AsBytes(s.Order.AsSpan())));
            w.WriteString("parameters", Base64(s.Parameters));
            w.WriteString("lastGood", Base64(s.LastGood));
            w.WriteNumber("adamSteps", s.AdamSteps);
            w.WriteString("firstMoment", Base64(s.FirstMoment));
            w.WriteString("secondMoment", Base64(s.SecondMoment));
            w.WriteNumber("bestEpoch", s.BestEpoch);
            if (double.IsFinite(s.BestLoss)) w.WriteNumber("bestLoss", s.BestLoss);
            else w.WriteNull("bestLoss");
            w.WriteString("bestParameters", Base64(s.BestParameters));
            if (double.IsFinite(s.BestValidationNll)) w.WriteNumber("bestValidationNll", s.BestValidationNll);
            else w.WriteNull("bestValidationNll");
            w.WriteNumber("epochsSinceBest", s.EpochsSinceBest);
            w.WriteEndObject();
            w.WriteEndObject();
        }, createDirectory: true);
    }

    /// <summary>Reads a checkpoint; every problem is a <see cref="ModelFileException"/> naming the JSON path.</summary>
    public static FitCheckpoint Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Checkpoints store little-endian bits.");
        var f = new JsonFields(path, "a Diml fit checkpoint (JSON)");
        using var document = f.Parse();
        var top = f.Object(document.RootElement, "$", "format", "formatVersion", "training", "mechanismType", "layout", "learner",
            "dataFingerprint", "initialParameters", "settings", "curve", "state");
        JsonElement R(string name) => f.Required(top, "$", name);
        string format = f.String(R("format"), "$.format", allowEmpty: true);
        if (format != FormatName) throw f.Error("$.format", $"'{FormatName}'", $"'{format}'");
        f.Int(R("formatVersion"), "$.formatVersion", CurrentFormatVersion, CurrentFormatVersion);
        var options = ModelFile.ParseTraining(f, R("training"), "$.training");
        // The planned epochs depend on the data too; this bounds them (a session checks the exact number on restore).
        int maxEpochs = Math.Max(options.Epochs, options.MinSteps);

        var settingsElement = R("settings");
        if (settingsElement.ValueKind != JsonValueKind.Object) throw f.Error("$.settings", "an object", JsonFields.Describe(settingsElement));
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in settingsElement.EnumerateObject())
            if (!settings.TryAdd(member.Name, f.String(member.Value, JsonFields.Member("$.settings", member.Name), allowEmpty: true)))
                throw f.Error(JsonFields.Member("$.settings", member.Name), $"'{member.Name}' once", "it a second time");

        var curve = new List<EpochReport>();
        int index = 0;
        foreach (var item in f.Array(R("curve"), "$.curve").EnumerateArray())
        {
            string at = JsonFields.Index("$.curve", index++);
            var r = f.Object(item, at, "epoch", "meanLoss", "seconds", "validationNll");
            var validation = f.Required(r, at, "validationNll");
            curve.Add(new EpochReport(f.Int(f.Required(r, at, "epoch"), at + ".epoch", 1, maxEpochs), 0,
                f.Double(f.Required(r, at, "meanLoss"), at + ".meanLoss"), f.Double(f.Required(r, at, "seconds"), at + ".seconds"))
            {
                ValidationNll = validation.ValueKind == JsonValueKind.Null ? double.NaN : f.Double(validation, at + ".validationNll"),
            });
        }

        const string st = "$.state";
        var s = f.Object(R("state"), st, "epoch", "inEpoch", "nextEpisode", "epochLossSum", "epochMinibatches", "epochSeconds", "randomState",
            "order", "parameters", "lastGood", "adamSteps", "firstMoment", "secondMoment", "bestEpoch", "bestLoss", "bestParameters",
            "bestValidationNll", "epochsSinceBest");
        JsonElement S(string name) => f.Required(s, st, name);
        string P(string name) => JsonFields.Member(st, name);
        var inEpoch = S("inEpoch");
        if (inEpoch.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw f.Error(P("inEpoch"), "true or false", JsonFields.Describe(inEpoch));
        var bestLoss = S("bestLoss");
        var bestValidation = S("bestValidationNll");
        var state = new FitSessionState
        {
            Epoch = f.Int(S("epoch"), P("epoch"), 0, maxEpochs),
            InEpoch = inEpoch.GetBoolean(),
            NextEpisode = f.Int(S("nextEpisode"), P("nextEpisode"), 0, int.MaxValue),
            EpochLossSum = f.Double(S("epochLossSum"), P("epochLossSum")),
            EpochMinibatches = f.Int(S("epochMinibatches"), P("epochMinibatches"), 0, int.MaxValue),
            EpochSeconds = f.Double(S("epochSeconds"), P("epochSeconds")),
            RandomState = f.ULong(S("randomState"), P("randomState")),
            Order = Ints(f, S("order"), P("order")),
            Parameters = Floats(f, S("parameters"), P("parameters")),
            LastGood = Floats(f, S("lastGood"), P("lastGood")),
            AdamSteps = f.Int(S("adamSteps"), P("adamSteps"), 0, int.MaxValue),
            FirstMoment = Floats(f, S("firstMoment"), P("firstMoment")),
            SecondMoment = Floats(f, S("secondMoment"), P("secondMoment")),
            BestEpoch = f.Int(S("bestEpoch"), P("bestEpoch"), 0, maxEpochs),
            BestLoss = bestLoss.ValueKind == JsonValueKind.Null ? double.PositiveInfinity : f.Double(bestLoss, P("bestLoss")),
            BestParameters = Floats(f, S("bestParameters"), P("bestParameters")),
            BestValidationNll = bestValidation.ValueKind == JsonValueKind.Null ? double.PositiveInfinity : f.Double(bestValidation, P("bestValidationNll")),
            EpochsSinceBest = f.Int(S("epochsSinceBest"), P("epochsSinceBest"), 0, maxEpochs),
        };
        int p = state.Parameters.Length;
        foreach (var (name, length) in new[] { ("lastGood", state.LastGood.Length), ("firstMoment", state.FirstMoment.Length),
                     ("secondMoment", state.SecondMoment.Length), ("bestParameters", state.BestParameters.Length) })
            if (length != p) throw f.Error(P(name), string.Create(CultureInfo.InvariantCulture, $"{p} values, as many as the parameters"), length.ToString(CultureInfo.InvariantCulture));
        if (curve.Count != state.Epoch)
            throw f.Error("$.curve", string.Create(CultureInfo.InvariantCulture, $"{state.Epoch} epochs, as the state"), curve.Count.ToString(CultureInfo.InvariantCulture));
        return new FitCheckpoint
        {
            Options = options,
            MechanismType = f.String(R("mechanismType"), "$.mechanismType"),
            Layout = f.String(R("layout"), "$.layout", allowEmpty: true),
            Learner = f.String(R("learner"), "$.learner"),
            DataFingerprint = f.String(R("dataFingerprint"), "$.dataFingerprint"),
            InitialParameters = f.String(R("initialParameters"), "$.initialParameters"),
            Settings = settings,
            Curve = curve,
            State = state,
        };
    }

    private static string Base64(float[] values) => Convert.ToBase64String(MemoryMarshal.AsBytes(values.AsSpan()));

    private static byte[] Bytes(JsonFields f, JsonElement element, string path, int width)
    {
        string text = f.String(element, path, allowEmpty: true);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw f.Error(path, "base64 text", "other text");
        }
        if (bytes.Length % width != 0)
            throw f.Error(path, string.Create(CultureInfo.InvariantCulture, $"a whole number of {width}-byte values"), string.Create(CultureInfo.InvariantCulture, $"{bytes.Length} bytes"));
        return bytes;
    }

    private static float[] Floats(JsonFields f, JsonElement element, string path)
    {
        var values = MemoryMarshal.Cast<byte, float>(Bytes(f, element, path, sizeof(float))).ToArray();
        for (int j = 0; j < values.Length; j++)
            if (!float.IsFinite(values[j])) throw f.Error(JsonFields.Index(path, j), "a finite value", values[j].ToString(CultureInfo.InvariantCulture));
        return values;
    }

    private static int[] Ints(JsonFields f, JsonElement element, string path) =>
        MemoryMarshal.Cast<byte, int>(Bytes(f, element, path, sizeof(int))).ToArray();
}
