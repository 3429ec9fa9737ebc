namespace Diml.Evaluation.Inspection;

/// <summary>
/// One context of a <see cref="PayoffDifferenceTable"/>: what the agent's payoff differences are conditioned on, how
/// often the data visited it, and the differences themselves.
/// </summary>
/// <param name="GroupSize">Agents in the group (the agent and its group-mates).</param>
/// <param name="Agent">
/// The agent, for joint and per-agent mechanisms (on grouped data, its position in its group); <c>-1</c> for anonymous ones
/// (the same for every agent).
/// </param>
/// <param name="Actions">
/// Anonymous mechanisms: how many group-mates played each action (length <c>A</c>, summing to <c>GroupSize − 1</c>).
/// Otherwise: the (group's) joint action with the agent's own slot <see cref="OwnSlot"/>.
/// </param>
/// <param name="Visits">Agent-steps of the data at <c>t &lt; T−1</c> in this context (0: never visited).</param>
/// <param name="Differences">For each own action <c>k</c>, <c>M(k, context) − M(reference, context)</c> (0 at the reference).</param>
public sealed record PayoffContext(int GroupSize, int Agent, IReadOnlyList<int> Actions, long Visits, IReadOnlyList<double> Differences)
{
    /// <summary>The placeholder of the agent's own action in a joint context.</summary>
    public const int OwnSlot = -1;

    /// <summary>Whether the data ever visited the context; differences of unvisited contexts are the model's extrapolation.</summary>
    public bool Visited => Visits > 0;

    /// <summary>Anonymous contexts: the group-mates' total action <c>Σ a·c_a</c> (for two actions, how many played action 1).</summary>
    public int MatesActionSum
    {
        get
        {
            int sum = 0;
            for (int a = 0; a < Actions.Count; a++) sum += a * Actions[a];
            return sum;
        }
    }
}
