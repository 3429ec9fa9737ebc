using System.Globalization;
using Diml.Data;

namespace Diml.Evaluation;

/// <summary>
/// The payoff models of the groups of grouped data, for the recovery metrics: on data with groups or absent agents an
/// agent's payoff at a step is its own group's (DESIGN: the payoff forms apply to the group), so a metric evaluates the
/// truth and the estimate on the group's joint action, at the agent's position in it, through a model of the group's
/// size. A mechanism's payoff model (<see cref="MechanismPayoffs"/>) gives one for any size its form takes; any other
/// model (a payoff table of one joint action of all agents) only serves groups of all its agents.
/// </summary>
internal sealed class GroupPayoffModels(IPayoffModel model, string role, string metric, Trajectories data)
{
    private readonly Dictionary<int, IPayoffModel> _bySize = new() { [model.Shape.Agents] = model };

    /// <summary>The model of a group of <paramref name="size"/> agents.</summary>
    /// <exception cref="DataFormatException">The model is not a mechanism and <paramref name="size"/> is not its number of agents.</exception>
    public IPayoffModel OfSize(int size)
    {
        if (_bySize.TryGetValue(size, out var found)) return found;
        if (model is not MechanismPayoffs mechanism)
            throw new DataFormatException(data.Source, null, "group", data.GroupColumn,
                $"the metric {metric} evaluates the {role} group by group, and the {role} is a payoff model of {model.Shape.Agents} agents, not a mechanism",
                string.Create(CultureInfo.InvariantCulture, $"groups of {model.Shape.Agents} agents, or a mechanism"),
                string.Create(CultureInfo.InvariantCulture, $"a group of {size} agents"));
        var ofSize = new MechanismPayoffs(mechanism.Mechanism, mechanism.Theta, new GameShape(size, model.Shape.Actions));
        _bySize[size] = ofSize;
        return ofSize;
    }

    /// <summary>
    /// Checks the game of the two models against the data's: the same actions, and for data without groups or absent agents
    /// the same agents too (as every metric always has).
    /// </summary>
    public static void Check(IPayoffModel truth, IPayoffModel estimate, Trajectories data)
    {
        if (data.IsFullPlay)
        {
            MetricArguments.Check(truth, estimate, data.Shape);
            return;
        }
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(estimate);
        if (truth.Shape.Actions != data.Shape.Actions)
            throw new ArgumentException($"truth: expected payoffs for a game of {data.Shape.Actions} actions, found {truth.Shape}.", nameof(truth));
        if (estimate.Shape.Actions != data.Shape.Actions)
            throw new ArgumentException($"estimate: expected payoffs for a game of {data.Shape.Actions} actions, found {estimate.Shape}.", nameof(estimate));
    }
}
