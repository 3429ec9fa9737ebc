using System.Globalization;
using Diml.Experiments.Learning;

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
            ?? throw CliException.Input($"{path}: the model's learner is '{model.LearnerName}'; expected one of " +
                $"{string.Join(", ", LearningRuleCatalog.Entries.Select(e => e.RuleName))}.");
        var values = new Dictionary<string, double>(model.LearnerHyperparameters, StringComparer.Ordinal);
        if (LearningRuleCatalog.Validate(entry, values) is { } problem)
            throw CliException.Input($"{path}: learner hyperparameter {problem}.");
        return new LearnerChoice(entry, values);
    }

    /// <summary>A readable form such as <c>logit-q(alpha=0.25, beta=3, epsilon=0.06)</c>.</summary>
    public override string ToString() => Entry.Name + "(" + string.Join(", ",
        Entry.Hyperparameters.Select(h => string.Create(CultureInfo.InvariantCulture, $"{h.Name}={Hyperparameters[h.Name]:G10}"))) + ")";
}
