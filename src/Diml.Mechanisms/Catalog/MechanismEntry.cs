using Diml.Data;

namespace Diml.Mechanisms;

/// <summary>One mechanism family the <c>diml</c> tool knows by name (see <see cref="MechanismCatalog"/>).</summary>
/// <param name="Name">The command-line name, such as <c>neural-joint</c>.</param>
/// <param name="TypeName">The mechanism class's <see cref="IDifferentiableModel.ModelName"/>, which model files record.</param>
/// <param name="Description">One line for help and listings.</param>
/// <param name="DefaultHidden">The hidden width used when none is given; 0 when the family has no hidden layers.</param>
/// <param name="Create">Builds the mechanism for a game shape and settings, parameters at their zero state.</param>
/// <param name="InitializeTruth">Draws the parameters of a true mechanism as the reference experiments do.</param>
/// <param name="SettingsFromLayout">Recovers the settings a saved parameter layout was built with (for loading model files).</param>
/// <param name="AgentsFixedByParameters">Whether the parameters depend on the number of agents (so a model cannot be moved to another n).</param>
public sealed record MechanismEntry(
    string Name,
    string TypeName,
    string Description,
    int DefaultHidden,
    Func<GameShape, MechanismSettings, IMechanism> Create,
    Action<IMechanism, Random> InitializeTruth,
    Func<ParameterLayout, MechanismSettings> SettingsFromLayout,
    bool AgentsFixedByParameters)
{
    /// <summary>
    /// The family's known money term, when it has one (the return on the public account, toll revenue): what
    /// <c>diml counterfactual --scale-money</c> scales.
    /// </summary>
    public Diml.Interventions.MoneyTerm? MoneyTerm { get; init; }

    /// <summary>Whether the family has hidden layers whose width <c>--hidden</c> sets.</summary>
    public bool HasHiddenLayers => DefaultHidden > 0;

    /// <summary>
    /// Whether the family's payoffs have a known scale (a money term with a fixed coefficient of 1, say), so that a
    /// learner's payoff-scale parameter (<see cref="LearningRuleEntry.PayoffScale"/>) can be estimated with it. False for
    /// every family whose every payoff term is learned: scaling all of them by c and β by 1/c gives the same choices.
    /// </summary>
    public bool KnownScale { get; init; }
}
