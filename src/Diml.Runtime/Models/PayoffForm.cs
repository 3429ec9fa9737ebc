namespace Diml;

/// <summary>The form of a mechanism's payoff method (see <see cref="PayoffAttribute"/>).</summary>
public enum PayoffForm
{
    /// <summary>All agents' payoffs of one joint action at once.</summary>
    Joint,
    /// <summary>One agent's payoff of one joint action.</summary>
    PerAgent,
    /// <summary>One agent's payoff from its own action and the counts of the others' actions.</summary>
    Anonymous,
}
