using System.CommandLine;
using System.Globalization;
using Diml.IO;
using Diml.Mechanisms;

namespace Diml.Experiments.Commands;

/// <summary>
/// <c>--rule NAME</c> and one <c>--HYPERPARAMETER</c> option per hyperparameter name in
/// <see cref="LearningRuleCatalog"/>, so a new rule in the catalog brings its options with it.
/// </summary>
internal sealed class RuleOptions
{
    private readonly Option<string?> _rule;
    private readonly List<(string Name, Option<double?> Option)> _hyperparameters = [];
    private readonly Option<double[]?> _initialAttractions;

    /// <summary>
    /// Creates the options; <paramref name="ruleHelp"/> says where the default rule comes from. With
    /// <paramref name="defaultsFromModel"/> the hyperparameters default to a model's values, and help says so.
    /// </summary>
    public RuleOptions(string ruleHelp, bool defaultsFromModel = false)
    {
        _rule = new Option<string?>("--rule") { Description = $"{ruleHelp}; one of {LearningRuleCatalog.NameList}" };
        foreach (string name in LearningRuleCatalog.AllHyperparameterNames)
        {
            var uses = LearningRuleCatalog.Entries
                .SelectMany(e => e.Hyperparameters.Where(h => h.Name == name).Select(h => (Entry: e, Parameter: h)))
                .ToArray();
            string description = string.Join("; ", uses.Select(u => string.Create(CultureInfo.InvariantCulture,
                $"{u.Entry.Name} {u.Parameter.Symbol}, {u.Parameter.Expected} (default {(defaultsFromModel ? "the model's value; " + u.Parameter.Default.ToString("R", CultureInfo.InvariantCulture) + " after --rule" : u.Parameter.Default.ToString("R", CultureInfo.InvariantCulture))})")));
            _hyperparameters.Add((name, CliOptions.OptionalDouble("--" + OptionName(name), description, _ => true, "a finite number")));
        }
        var withQ0 = LearningRuleCatalog.Entries.Where(e => e.HasInitialAttractions).Select(e => e.Name);
        _initialAttractions = new Option<double[]?>("--q0")
        {
            Description = $"{string.Join(", ", withQ0)}: the initial attractions Q0, one per action, comma-separated (e.g. 0,0.5,-1 for 3 actions; " +
                (defaultsFromModel ? "default the model's values; all 0 after --rule)" : "default all 0)"),
            CustomParser = ParseInitialAttractions,
        };
    }

    /// <summary>
    /// <c>--q0</c>: finite numbers separated by commas; an error names the element that is not one (the count is checked
    /// against the game later, <see cref="LearnerChoice.CheckActions"/>).
    /// </summary>
    private static double[]? ParseInitialAttractions(System.CommandLine.Parsing.ArgumentResult result)
    {
        string token = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        var parts = token.Split(',');
        var values = new double[parts.Length];
        for (int k = 0; k < parts.Length; k++)
        {
            if (!double.TryParse(parts[k], NumberStyles.Float, CultureInfo.InvariantCulture, out values[k]) || !double.IsFinite(values[k]) || Math.Abs(values[k]) > float.MaxValue)
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture,
                    $"--q0: expected finite numbers separated by commas (one per action), found '{MessageText.Escape(parts[k])}' as value {k + 1} of {parts.Length} in '{MessageText.Escape(token)}'."));
                return null;
            }
        }
        return values;
    }

    /// <summary>A hyperparameter's option name: its camel-cased name in kebab case (<c>initialExperience</c> → <c>initial-experience</c>).</summary>
    public static string OptionName(string hyperparameter)
        => string.Concat(hyperparameter.Select(c => char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : c.ToString()));

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_rule);
        foreach (var (_, option) in _hyperparameters) command.Options.Add(option);
        command.Options.Add(_initialAttractions);
    }

    /// <summary>
    /// The rule and its complete hyperparameters: the one named by <c>--rule</c> (else <paramref name="baseRule"/>, else
    /// Logit-Q), starting from <paramref name="baseValues"/> when it is the base rule (else its defaults), with every
    /// hyperparameter option given on the command line applied, and <c>--q0</c>'s initial attractions. Throws a usage
    /// error for an unknown rule, an option the rule does not have, or a value out of range.
    /// </summary>
    public LearnerChoice Resolve(ParseResult parse, LearningRuleEntry? baseRule = null, IReadOnlyDictionary<string, double>? baseValues = null)
    {
        string? name = parse.GetValue(_rule);
        LearningRuleEntry entry;
        if (name is null) entry = baseRule ?? LearningRuleCatalog.Find(LearningRuleCatalog.DefaultName)!;
        else entry = LearningRuleCatalog.Find(name)
            ?? throw CliException.Usage($"--rule: expected one of {LearningRuleCatalog.NameList}, found '{name}'.");

        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        if (baseValues is not null && entry == baseRule)
            foreach (var (key, v) in baseValues)
                if (entry.Hyperparameters.Any(h => h.Name == key) || LearningRuleCatalog.IsInitialAttractionName(key)) values[key] = v;
        foreach (var (parameter, option) in _hyperparameters)
        {
            if (parse.GetValue(option) is not double value) continue;
            if (!entry.Hyperparameters.Any(h => h.Name == parameter))
                throw CliException.Usage($"--{parameter}: not a hyperparameter of rule {entry.Name}; expected one of " +
                    $"{string.Join(", ", entry.Hyperparameters.Select(h => "--" + h.Name))}, found --{parameter}.");
            values[parameter] = value;
        }
        // Only when given: an absent array option still reads as an empty array.
        if (parse.GetResult(_initialAttractions) is { Implicit: false } && parse.GetValue(_initialAttractions) is { } q0)
        {
            if (!entry.HasInitialAttractions)
                throw CliException.Usage($"--q0: rule {entry.Name} has no initial attractions; expected a rule with them " +
                    $"({string.Join(", ", LearningRuleCatalog.Entries.Where(e => e.HasInitialAttractions).Select(e => e.Name))}), found --rule {entry.Name}.");
            values = LearningRuleCatalog.WithInitialAttractions(values, q0);
        }
        if (LearningRuleCatalog.Validate(entry, values) is { } problem) throw CliException.Usage("--" + problem + ".");
        return new LearnerChoice(entry, values);
    }
}
