using System.Globalization;
using Diml.Mechanisms;

namespace Diml.Experiments.Commands;

/// <summary>A catalogued learning rule with a complete, validated set of hyperparameter values.</summary>
internal sealed record LearnerChoice(LearningRuleEntry Entry, IReadOnlyDictionary<string, double> Hyperparameters)
{
    /// <summary>Builds the rule.</summary>
    public ILearningRule Create() => Entry.Create(Hyperparameters);

    /// <summary>The learner with the <c>cfkl_params</c> shift applied.</summary>
    public LearnerChoice Shifted() => this with { Hyperparameters = Entry.CounterfactualShift(Hyperparameters) };

    /// <summary>The learner a model file records, or an input error naming <paramref name="path"/>.</summary>
    public static LearnerChoice FromModel(Diml.Fitting.SavedModel model, string path)
    {
        var entry = LearningRuleCatalog.FindByRuleName(model.LearnerName)
            ?? throw CliException.Input($"{path}, at $.learner.name: expected one of " +
                $"{string.Join(", ", LearningRuleCatalog.Entries.Select(e => e.RuleName))}, found '{model.LearnerName}'.");
        // A model file must say every hyperparameter: a missing one silently taking its default would be another learner.
        foreach (var h in entry.Hyperparameters)
            if (!model.LearnerHyperparameters.ContainsKey(h.Name))
                throw CliException.Input($"{path}, at $.learner.hyperparameters: expected a member '{h.Name}' ({entry.RuleName} has " +
                    $"{string.Join(", ", entry.Hyperparameters.Select(x => x.Name))}), found none.");
        foreach (var name in model.LearnerHyperparameters.Keys)
        {
            if (!entry.Hyperparameters.Any(h => h.Name == name) && !(entry.HasInitialAttractions && LearningRuleCatalog.IsInitialAttractionName(name)))
                throw CliException.Input($"{path}, at $.learner.hyperparameters.{name}: expected only the hyperparameters of {entry.RuleName} " +
                    $"({string.Join(", ", entry.Hyperparameters.Select(x => x.Name))}), found '{name}'.");
            double value = model.LearnerHyperparameters[name];
            if (value != 0 && (Math.Abs(value) > float.MaxValue || Math.Abs(value) < CliOptions.SmallestNormalFloat))
                throw CliException.Input(string.Create(CultureInfo.InvariantCulture,
                    $"{path}, at $.learner.hyperparameters.{name}: expected a value representable as a 32-bit float, found {value:R}."));
        }
        var values = new Dictionary<string, double>(model.LearnerHyperparameters, StringComparer.Ordinal);
        if (LearningRuleCatalog.Validate(entry, values) is { } problem)
            throw CliException.Input($"{path}, at $.learner.hyperparameters: {problem}.");
        if (LearningRuleCatalog.CheckInitialAttractions(values, model.Shape.Actions) is { } count)
            throw CliException.Input($"{path}, at $.learner.hyperparameters: {count}.");
        return new LearnerChoice(entry, values);
    }

    /// <summary>The initial attractions, one per action of the game, or none (all 0).</summary>
    public IReadOnlyList<float> InitialAttractions => LearningRuleCatalog.InitialAttractionValues(Hyperparameters);

    /// <summary>
    /// A usage error unless the initial attractions (<c>--q0</c>) are none or one per action of a game of
    /// <paramref name="actions"/> actions (<paramref name="game"/> says where that count comes from).
    /// </summary>
    public LearnerChoice CheckActions(int actions, string game)
    {
        if (LearningRuleCatalog.CheckInitialAttractions(Hyperparameters, actions) is { } problem)
            throw CliException.Usage($"--{problem} ({game}).");
        return this;
    }

    /// <summary>
    /// This learner with initial attractions for every action of a game of <paramref name="actions"/> actions: its own,
    /// or all 0 when it has none (what <c>fit --estimate q0</c> starts from).
    /// </summary>
    public LearnerChoice WithInitialAttractions(int actions)
        => InitialAttractions.Count == actions ? this
            : this with { Hyperparameters = LearningRuleCatalog.WithInitialAttractions(Hyperparameters, new double[actions]) };

    /// <summary>
    /// The hyperparameters as a trajectory file's metadata: each number under its name, the initial attractions, if
    /// any, as one comma-separated list under <c>q0</c> (metadata keys are plain names).
    /// </summary>
    public IEnumerable<KeyValuePair<string, string>> Metadata()
    {
        foreach (var (name, value) in Hyperparameters)
            if (!LearningRuleCatalog.IsInitialAttractionName(name)) yield return new(name, CliFiles.Number(value));
        if (InitialAttractions.Count > 0)
            yield return new(LearningRuleCatalog.InitialAttraction, string.Join(",", Enumerable.Range(0, InitialAttractions.Count)
                .Select(k => CliFiles.Number(Hyperparameters[LearningRuleCatalog.InitialAttractionName(k)]))));
    }

    /// <summary>A readable form such as <c>logit-q(alpha=0.25, beta=3, epsilon=0.06)</c>.</summary>
    public override string ToString() => Entry.Name + "(" + string.Join(", ",
        Entry.Hyperparameters.Select(h => string.Create(CultureInfo.InvariantCulture, $"{h.Name}={Hyperparameters[h.Name]:G10}"))) +
        (InitialAttractions.Count == 0 ? "" : ", q0=[" + string.Join(", ", Enumerable.Range(0, InitialAttractions.Count).Select(k =>
            Hyperparameters[LearningRuleCatalog.InitialAttractionName(k)].ToString("G10", CultureInfo.InvariantCulture))) + "]") + ")";
}
