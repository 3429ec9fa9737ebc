using System.Globalization;
using Diml.Learning;

namespace Diml.Mechanisms;

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
            }) { PayoffScale = "beta" },
        new LearningRuleEntry(
            "hedge", nameof(Hedge),
            "Hedge: S' = S + u, π ∝ exp(ηS)",
            [
                new Hyperparameter("eta", "η", 0.1, "a positive finite learning rate", v => v > 0 && v <= float.MaxValue),
            ],
            h => new Hedge((float)h["eta"]),
            h => new Dictionary<string, double>(StringComparer.Ordinal) { ["eta"] = h["eta"] * 1.4 }) { PayoffScale = "eta" },
        new LearningRuleEntry(
            "ewa", nameof(ExperienceWeightedAttraction),
            "EWA: N' = ρN + 1, A' = (φNA + (δ + (1-δ)[played])u)/N', π ∝ exp(λA)",
            [
                new Hyperparameter("phi", "φ", 0.9, "an attraction decay in [0, 1]", v => v >= 0 && v <= 1),
                new Hyperparameter("rho", "ρ", 0.9, "an experience decay in [0, 1]", v => v >= 0 && v <= 1),
                new Hyperparameter("delta", "δ", 0.5, "a foregone-payoff weight in [0, 1]", v => v >= 0 && v <= 1),
                new Hyperparameter("lambda", "λ", 3, "a positive finite response sensitivity", v => v > 0 && v <= float.MaxValue),
                new Hyperparameter("initialExperience", "N(0)", 1, "a non-negative finite initial experience", v => v >= 0 && v <= float.MaxValue),
            ],
            h => new ExperienceWeightedAttraction((float)h["phi"], (float)h["rho"], (float)h["delta"], (float)h["lambda"], (float)h["initialExperience"]),
            // As Logit-Q's shift: slower forgetting (φ moves 40% closer to 1, like α × 0.6) and a sharper response.
            h => new Dictionary<string, double>(h, StringComparer.Ordinal)
            {
                ["phi"] = 1 - ((1 - h["phi"]) * 0.6),
                ["lambda"] = h["lambda"] * 1.4,
            }) { PayoffScale = "lambda" },
        new LearningRuleEntry(
            "logit-q-inertia", nameof(LogitQWithInertia),
            "Logit-Q with choice inertia: Q' = (1-α)Q + αu, π = (1-ε)softmax(βQ + κ[k = previous]) + ε/A",
            [
                new Hyperparameter("alpha", "α", 0.25, "a step size in (0, 1]", v => v > 0 && v <= 1),
                new Hyperparameter("beta", "β", 3, "a positive finite inverse temperature", v => v > 0 && v <= float.MaxValue),
                new Hyperparameter("epsilon", "ε", 0.06, "an exploration rate in [0, 1)", v => v >= 0 && v < 1),
                new Hyperparameter("inertia", "κ", 0.5, "a finite bonus (log-odds) for repeating the previous action", v => Math.Abs(v) <= float.MaxValue),
            ],
            h => new LogitQWithInertia((float)h["alpha"], (float)h["beta"], (float)h["epsilon"], (float)h["inertia"]),
            // As Logit-Q's shift; the inertia is kept.
            h => new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["alpha"] = h["alpha"] * 0.6,
                ["beta"] = h["beta"] * 1.4,
                ["epsilon"] = Math.Min(h["epsilon"] * 1.5, 0.5),
                ["inertia"] = h["inertia"],
            }) { PayoffScale = "beta" },
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
