using System.Globalization;
using Diml.Data;
using Diml.Fitting;

namespace Diml.Mechanisms;

/// <summary>
/// The mechanism families the <c>diml</c> tool builds by name. Adding a family is one entry in
/// <see cref="Entries"/>: its name, its model type name, a factory, how the reference draws a true instance,
/// and how to read its settings back from a saved parameter layout.
/// </summary>
public static class MechanismCatalog
{
    /// <summary>Every known family, in the order help lists them.</summary>
    public static IReadOnlyList<MechanismEntry> Entries { get; } =
    [
        new MechanismEntry(
            "congestion", nameof(Congestion),
            "congestion with tolls: payoff_i = -(c1[a_i]·load + c2[a_i]·load²) + τ[a_i]·load (per-agent form)",
            DefaultHidden: 0,
            (shape, _) => new Congestion(shape.Actions),
            (mechanism, random) => ((Congestion)mechanism).DrawTruth(random),
            _ => new MechanismSettings(0),
            AgentsFixedByParameters: false)
        {
            MoneyTerm = new Diml.Interventions.MoneyTerm(nameof(Congestion.Toll), "toll revenue"),
        },
        new MechanismEntry(
            "neural-joint", nameof(NeuralJoint),
            "neural joint mechanism: action embeddings of all agents, 2 tanh layers, linear to n payoffs (joint form)",
            DefaultHidden: 128,
            (shape, settings) => new NeuralJoint(shape.Agents, shape.Actions, settings.Hidden),
            (mechanism, random) => mechanism.InitializeParameters(random),
            layout => new MechanismSettings(layout[nameof(NeuralJoint.B1)].Rows),
            AgentsFixedByParameters: true),
        new MechanismEntry(
            "anonymous-count", nameof(AnonymousCount),
            "anonymous count MLP: f(own action embedding, others' action shares), 2 ReLU layers (anonymous form)",
            DefaultHidden: 256,
            (shape, settings) => new AnonymousCount(shape.Actions, settings.Hidden),
            (mechanism, random) => mechanism.InitializeParameters(random),
            layout => new MechanismSettings(layout[nameof(AnonymousCount.B1)].Rows),
            AgentsFixedByParameters: false),
        new MechanismEntry(
            "pooled-anonymous", nameof(PooledAnonymous),
            "anonymous MLP for pooled group sizes: f(own action embedding, group-mates' shares, 1/group size), 2 tanh layers (anonymous form)",
            DefaultHidden: PooledAnonymous.DefaultHidden,
            (shape, settings) => new PooledAnonymous(shape.Actions, settings.Hidden),
            (mechanism, random) => mechanism.InitializeParameters(random),
            layout => new MechanismSettings(layout[nameof(PooledAnonymous.B1)].Rows),
            AgentsFixedByParameters: false),
        new MechanismEntry(
            "public-goods", nameof(PublicGoods),
            "public goods with a learned subsidy: s(1 - e^(-kΣℓ)) - cℓ_i² + sub(Σℓ, ℓ_i), sub an MLP 2→64 tanh→1 (per-agent form)",
            DefaultHidden: PublicGoods.DefaultHidden,
            (shape, settings) => new PublicGoods(shape.Actions, settings.Hidden),
            (mechanism, random) => mechanism.InitializeParameters(random),
            layout => new MechanismSettings(layout[nameof(PublicGoods.B1)].Rows),
            AgentsFixedByParameters: false)
        {
            MoneyTerm = new Diml.Interventions.MoneyTerm(nameof(PublicGoods.Scale), "return on the public account"),
        },
        new MechanismEntry(
            "linear-public-goods", nameof(LinearPublicGoods),
            "the laboratory's linear public-goods game in tokens: (E - c_i) + m·Σc + γ·c_i·mean(mates' c)/E, c in 0..A-1 (anonymous form)",
            DefaultHidden: 0,
            (shape, _) => new LinearPublicGoods(shape.Actions),
            (mechanism, _) => ((LinearPublicGoods)mechanism).SetLabTruth(),
            _ => new MechanismSettings(0),
            AgentsFixedByParameters: false)
        {
            MoneyTerm = new Diml.Interventions.MoneyTerm(nameof(LinearPublicGoods.Mpcr), "return on the public account"),
        },
        new MechanismEntry(
            "volunteers", nameof(VolunteersDilemma),
            "the volunteer's dilemma: b·[someone in the group volunteers] - k·[own volunteering], 2 actions (anonymous form)",
            DefaultHidden: 0,
            (shape, _) => new VolunteersDilemma(shape.Actions),
            (mechanism, _) => ((VolunteersDilemma)mechanism).SetLabTruth(),
            _ => new MechanismSettings(0),
            AgentsFixedByParameters: false),
        new MechanismEntry(
            "tabular", nameof(Tabular),
            "tabular: one parameter per joint action and agent, A^n ≤ 20,000 (joint form)",
            DefaultHidden: 0,
            (shape, _) => new Tabular(shape.Agents, shape.Actions),
            (mechanism, random) => ((Tabular)mechanism).DrawTruth(random),
            _ => new MechanismSettings(0),
            AgentsFixedByParameters: true),
        new MechanismEntry(
            "public-goods-fixed-return", nameof(FixedReturnPublicGoods),
            "linear public goods with the design's return fixed: money 1 - ℓ_i + 0.4·Σℓ (known scale) + w·ℓ_i - γ(ℓ_i - mean of group-mates)², w and γ learned (per-agent form)",
            DefaultHidden: 0,
            (shape, _) => new FixedReturnPublicGoods(shape.Actions),
            (mechanism, random) => ((FixedReturnPublicGoods)mechanism).DrawTruth(random),
            _ => new MechanismSettings(0),
            AgentsFixedByParameters: false) { KnownScale = true },
    ];

    /// <summary>The names, comma-separated, for messages.</summary>
    public static string NameList => string.Join(", ", Entries.Select(e => e.Name));

    /// <summary>The family called <paramref name="name"/> (command-line name, case-insensitive), or null.</summary>
    public static MechanismEntry? Find(string name) =>
        Entries.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The family whose model type name is <paramref name="typeName"/>, or null.</summary>
    public static MechanismEntry? FindByTypeName(string typeName) =>
        Entries.FirstOrDefault(e => string.Equals(e.TypeName, typeName, StringComparison.Ordinal));

    /// <summary>
    /// Rebuilds the mechanism a model file holds, for a game of <paramref name="shape"/> (the model's own
    /// shape when null), with the saved parameters written in. Throws <see cref="InvalidDataException"/>
    /// naming the file when the type is unknown or the parameters do not fit the requested shape.
    /// </summary>
    public static (MechanismEntry Entry, IMechanism Mechanism) Rebuild(SavedModel model, string path, GameShape? shape = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var entry = FindByTypeName(model.MechanismType)
            ?? throw new InvalidDataException($"{path}: the model's mechanism type is '{model.MechanismType}'; expected one of {string.Join(", ", Entries.Select(e => e.TypeName))}.");
        var target = shape ?? model.Shape;
        if (target.Actions != model.Shape.Actions)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: the model is for games with {model.Shape.Actions} actions; expected {target.Actions} actions."));
        if (entry.AgentsFixedByParameters && target.Agents != model.Shape.Agents)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: a {entry.Name} model's parameters are tied to its {model.Shape.Agents} agents; expected {target.Agents} agents, which needs a model fitted for them."));
        MechanismSettings settings;
        try
        {
            settings = entry.SettingsFromLayout(model.Layout);
        }
        catch (KeyNotFoundException)
        {
            throw new InvalidDataException($"{path}: the parameter layout [{model.Layout}] is not one of a {entry.Name} mechanism.");
        }
        var mechanism = entry.Create(target, settings);
        if (mechanism.Form != model.Form)
            throw new InvalidDataException($"{path}: the model has payoff form {model.Form}; expected {mechanism.Form} for {entry.Name}.");
        var expected = mechanism.Layout;
        bool sameLayout = expected.Blocks.Count == model.Layout.Blocks.Count
            && expected.Blocks.Zip(model.Layout.Blocks).All(pair => pair.First == pair.Second);
        if (!sameLayout)
            throw new InvalidDataException($"{path}: the model's parameter layout is [{model.Layout}]; expected [{expected}] for {entry.Name}.");
        mechanism.WriteParameters(model.Parameters);
        return (entry, mechanism);
    }
}
