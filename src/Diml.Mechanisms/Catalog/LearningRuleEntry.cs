namespace Diml.Mechanisms;

/// <summary>One learning rule the <c>diml</c> tool knows by name (see <see cref="LearningRuleCatalog"/>).</summary>
/// <param name="Name">The command-line name, such as <c>logit-q</c>.</param>
/// <param name="RuleName">The rule class's <see cref="ILearningRule.RuleName"/>, which model files record.</param>
/// <param name="Description">One line for help.</param>
/// <param name="Hyperparameters">The rule's hyperparameters, each offered as an option.</param>
/// <param name="Create">Builds the rule from a complete set of hyperparameter values (validated beforehand).</param>
/// <param name="CounterfactualShift">
/// The shifted learner of the <c>cfkl_params</c> metric: hyperparameter values ↦ shifted values (Logit-Q:
/// α×0.6, β×1.4, ε×1.5 capped at 0.5).
/// </param>
public sealed record LearningRuleEntry(
    string Name,
    string RuleName,
    string Description,
    IReadOnlyList<Hyperparameter> Hyperparameters,
    Func<IReadOnlyDictionary<string, double>, ILearningRule> Create,
    Func<IReadOnlyDictionary<string, double>, IReadOnlyDictionary<string, double>> CounterfactualShift)
{
    /// <summary>
    /// The hyperparameter that only scales payoffs (Logit-Q β, EWA λ, Hedge η), or null. Estimating it together with a
    /// mechanism whose payoffs have no fixed scale is not identified (<c>fit --estimate</c> refuses it, see
    /// <see cref="MechanismEntry.KnownScale"/>).
    /// </summary>
    public string? PayoffScale { get; init; }

    /// <summary>
    /// Whether the rule has initial attractions Q0, one per action (Logit-Q): besides its scalar hyperparameters it then
    /// takes <c>q0[0]</c>, <c>q0[1]</c>, … (none: all 0; <see cref="LearningRuleCatalog.InitialAttractionValues"/>).
    /// </summary>
    public bool HasInitialAttractions { get; init; }

    /// <summary>Every hyperparameter at its default.</summary>
    public IReadOnlyDictionary<string, double> Defaults =>
        Hyperparameters.ToDictionary(h => h.Name, h => h.Default, StringComparer.Ordinal);
}
