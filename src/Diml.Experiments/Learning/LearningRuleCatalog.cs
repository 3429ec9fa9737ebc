using System.Globalization;
using Diml.Learning;

namespace Diml.Experiments.Learning;

/// <summary>
/// The learning rules the <c>diml</c> tool builds by name. Adding a rule is one entry in <see cref="Entries"/>:
/// its hyperparameters (each becomes a <c>--name</c> option of every command that takes a rule), a factory,
/// and the shift <c>cfkl_params</c> applies to it.
/// </summary>
public static class LearningRuleCatalog
{
    /// <summary>The rule used when <c>--rule</c> is not given.</summary>
    public const string DefaultName = "logit-q";

    /// <summary>Every known rule, in the order help lists them.</summary>
    public static IReadOnlyList<LearningRuleEntry> Entries { get; } =
    [
        new LearningRuleEntry(
            "logit-q", nameof(LogitQ),
            "Logit-Q: Q' = (1-α)Q + αu, π = (1-ε)softmax(βQ) + ε/A",
            [
                new Hyperparameter("alpha", "α", 0.25, "a step size in (0, 1]", v => v > 0 && v <= 1),
                new Hyperparameter("beta", "β", 3, "a positive finite inverse temperature", v => v > 0 && v <= float.MaxValue),
                new Hyperparameter("epsilon", "ε", 0.06, "an exploration rate in [0, 1)", v => v >= 0 && v < 1),
            ],
            h => new LogitQ((float)h["alpha"], (float)h["beta"], (float)h["epsilon"]),
            h => new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["alpha"] = h["alpha"] * 0.6,
                ["beta"] = h["beta"] * 1.4,
                ["epsilon"] = Math.Min(h["epsilon"] * 1.5, 0.5),
            }),
        new LearningRuleEntry(
            "hedge", nameof(Hedge),
            "Hedge: S' = S + u, π ∝ exp(ηS)",
            [
                new Hyperparameter("eta", "η", 0.1, "a positive finite learning rate", v => v > 0 && v <= float.MaxValue),
            ],
            h => new Hedge((float)h["eta"]),
            h => new Dictionary<string, double>(StringComparer.Ordinal) { ["eta"] = h["eta"] * 1.4 }),
    ];

    /// <summary>The names, comma-separated, for messages.</summary>
    public static string NameList => string.Join(", ", Entries.Select(e => e.Name));

    /// <summary>Every hyperparameter name of any rule, each once, in catalog order (one option each).</summary>
    public static IReadOnlyList<string> AllHyperparameterNames =>
        Entries.SelectMany(e => e.Hyperparameters).Select(h => h.Name).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>The rule called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static LearningRuleEntry? Find(string name) =>
        Entries.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The rule whose class name is <paramref name="ruleName"/>, or null.</summary>
    public static LearningRuleEntry? FindByRuleName(string ruleName) =>
        Entries.FirstOrDefault(e => string.Equals(e.RuleName, ruleName, StringComparison.Ordinal));

    /// <summary>
    /// Completes <paramref name="values"/> with the defaults and checks every value; returns null, or the
    /// problem as "name: expected ..., found ...".
    /// </summary>
    public static string? Validate(LearningRuleEntry entry, IDictionary<string, double> values)
    {
        foreach (var h in entry.Hyperparameters)
        {
            if (!values.TryGetValue(h.Name, out double value)) values[h.Name] = value = h.Default;
            if (!h.IsValid(value))
                return string.Create(CultureInfo.InvariantCulture, $"{h.Name}: expected {h.Expected}, found {value:R}");
        }
        return null;
    }
}
