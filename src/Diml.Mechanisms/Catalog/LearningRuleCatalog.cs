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
            h => new LogitQ((float)h["alpha"], (float)h["beta"], (float)h["epsilon"], InitialAttractionValues(h)),
            // The initial attractions, if any, are kept.
            h => new Dictionary<string, double>(h, StringComparer.Ordinal)
            {
                ["alpha"] = h["alpha"] * 0.6,
                ["beta"] = h["beta"] * 1.4,
                ["epsilon"] = Math.Min(h["epsilon"] * 1.5, 0.5),
            }) { PayoffScale = "beta", HasInitialAttractions = true },
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
            h => new LogitQWithInertia((float)h["alpha"], (float)h["beta"], (float)h["epsilon"], (float)h["inertia"], InitialAttractionValues(h)),
            // As Logit-Q's shift; the inertia and the initial attractions are kept.
            h => new Dictionary<string, double>(h, StringComparer.Ordinal)
            {
                ["alpha"] = h["alpha"] * 0.6,
                ["beta"] = h["beta"] * 1.4,
                ["epsilon"] = Math.Min(h["epsilon"] * 1.5, 0.5),
            }) { PayoffScale = "beta", HasInitialAttractions = true },
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

    /// <summary>The name of initial attraction <paramref name="action"/> among a rule's hyperparameters: <c>q0[3]</c>.</summary>
    public static string InitialAttractionName(int action) => string.Create(CultureInfo.InvariantCulture, $"{InitialAttraction}[{action}]");

    /// <summary>
    /// The initial attractions <c>q0[0]</c>, <c>q0[1]</c>, … among <paramref name="values"/> (none: an empty array,
    /// meaning all 0). <see cref="Validate"/> has checked they are numbered from 0 without a gap.
    /// </summary>
    public static float[] InitialAttractionValues(IReadOnlyDictionary<string, double> values)
    {
        var q0 = new List<float>();
        while (values.TryGetValue(InitialAttractionName(q0.Count), out double v)) q0.Add((float)v);
        return [.. q0];
    }

    /// <summary>
    /// The values with initial attractions <paramref name="q0"/> in place of any they had (an empty list removes them).
    /// </summary>
    public static Dictionary<string, double> WithInitialAttractions(IReadOnlyDictionary<string, double> values, IReadOnlyList<double> q0)
    {
        var result = values.Where(p => !IsInitialAttractionName(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        for (int k = 0; k < q0.Count; k++) result[InitialAttractionName(k)] = q0[k];
        return result;
    }

    /// <summary>
    /// The learner parameters a request to estimate the initial attractions of a game of <paramref name="actions"/>
    /// actions stands for: <c>q0[1]</c> … <c>q0[A−1]</c>. Under a softmax an attraction is identified only up to a
    /// common shift, so the reference action 0 keeps its given value (0 unless <c>--q0</c> says otherwise).
    /// </summary>
    public static IReadOnlyList<string> IdentifiedInitialAttractions(int actions)
        => Enumerable.Range(1, actions - 1).Select(InitialAttractionName).ToArray();

    /// <summary>
    /// Null when <paramref name="values"/> has no initial attractions or one per action of a game of
    /// <paramref name="actions"/> actions; else the problem as "q0: expected ..., found ...".
    /// </summary>
    public static string? CheckInitialAttractions(IReadOnlyDictionary<string, double> values, int actions)
    {
        int count = InitialAttractionValues(values).Length;
        return count == 0 || count == actions ? null : string.Create(CultureInfo.InvariantCulture,
            $"{InitialAttraction}: expected {actions} initial attractions (one per action of the game), found {count}");
    }

    /// <summary>
    /// Completes <paramref name="values"/> with the defaults and checks every value; returns null, or the
    /// problem as "name: expected ..., found ...". A rule with initial attractions also takes <c>q0[0]</c>,
    /// <c>q0[1]</c>, … (finite, numbered from 0 without a gap; none: all 0).
    /// </summary>
    public static string? Validate(LearningRuleEntry entry, IDictionary<string, double> values)
    {
        foreach (var h in entry.Hyperparameters)
        {
            if (!values.TryGetValue(h.Name, out double value)) values[h.Name] = value = h.Default;
            if (!h.IsValid(value))
                return string.Create(CultureInfo.InvariantCulture, $"{h.Name}: expected {h.Expected}, found {value:R}");
        }
        int count = 0;
        foreach (var (name, value) in values)
        {
            if (!IsInitialAttractionName(name)) continue;
            if (!entry.HasInitialAttractions)
                return $"{name}: expected only the hyperparameters of {entry.Name} ({string.Join(", ", entry.Hyperparameters.Select(h => h.Name))}; it has no initial attractions), found '{name}'";
            if (!double.IsFinite(value) || Math.Abs(value) > float.MaxValue)
                return string.Create(CultureInfo.InvariantCulture, $"{name}: expected a finite initial attraction, found {value:R}");
            count++;
        }
        for (int k = 0; k < count; k++)
            if (!values.ContainsKey(InitialAttractionName(k)))
                return string.Create(CultureInfo.InvariantCulture,
                    $"{InitialAttraction}: expected initial attractions numbered {InitialAttraction}[0] to {InitialAttraction}[{count - 1}], found no {InitialAttractionName(k)}");
        return null;
    }

    /// <summary>The initial attractions' name: <c>q0</c> (the <c>Q0</c> field of Logit-Q).</summary>
    public const string InitialAttraction = "q0";

    /// <summary>Whether <paramref name="name"/> has the form <c>q0[k]</c>.</summary>
    public static bool IsInitialAttractionName(string name)
        => name.StartsWith(InitialAttraction + "[", StringComparison.Ordinal) && name.EndsWith(']')
            && int.TryParse(name.AsSpan(InitialAttraction.Length + 1, name.Length - InitialAttraction.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out _);
}
