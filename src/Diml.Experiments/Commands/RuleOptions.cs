using System.CommandLine;
using System.Globalization;
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
    }

    /// <summary>A hyperparameter's option name: its camel-cased name in kebab case (<c>initialExperience</c> → <c>initial-experience</c>).</summary>
    public static string OptionName(string hyperparameter)
        => string.Concat(hyperparameter.Select(c => char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : c.ToString()));

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_rule);
        foreach (var (_, option) in _hyperparameters) command.Options.Add(option);
    }

    /// <summary>
    /// The rule and its complete hyperparameters: the one named by <c>--rule</c> (else <paramref name="baseRule"/>, else
    /// Logit-Q), starting from <paramref name="baseValues"/> when it is the base rule (else its defaults), with every
    /// hyperparameter option given on the command line applied. Throws a usage error for an unknown rule, an option
    /// the rule does not have, or a value out of range.
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
            foreach (var h in entry.Hyperparameters)
                if (baseValues.TryGetValue(h.Name, out double v)) values[h.Name] = v;
        foreach (var (parameter, option) in _hyperparameters)
        {
            if (parse.GetValue(option) is not double value) continue;
            if (!entry.Hyperparameters.Any(h => h.Name == parameter))
                throw CliException.Usage($"--{parameter}: not a hyperparameter of rule {entry.Name}; expected one of " +
                    $"{string.Join(", ", entry.Hyperparameters.Select(h => "--" + h.Name))}, found --{parameter}.");
            values[parameter] = value;
        }
        if (LearningRuleCatalog.Validate(entry, values) is { } problem) throw CliException.Usage("--" + problem + ".");
        return new LearnerChoice(entry, values);
    }
}
