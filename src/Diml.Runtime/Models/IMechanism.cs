namespace Diml;

/// <summary>A mechanism: joint action ↦ payoffs, with learned parameters.</summary>
public interface IMechanism : IDifferentiableModel
{
    /// <summary>Which payoff interface the mechanism implements.</summary>
    PayoffForm Form { get; }

    /// <summary>
    /// Runs the generated gradient self-check at a random query of a game with <paramref name="agents"/>
    /// agents and <paramref name="actions"/> actions, at the current parameters.
    /// </summary>
    GradientCheckReport CheckGradients(int agents, int actions, int seed = 1);
}
