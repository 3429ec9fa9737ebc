namespace Diml.Data;

/// <summary>
/// The partition of one step's acting agents into groups (<see cref="Trajectories.Groups"/>): group <c>g</c> is
/// <see cref="Members"/>(g), its agents in increasing order; an agent's payoff at the step depends on its own group's
/// actions only. Groups are numbered in the order of their lowest agent. Absent agents are in no group.
/// </summary>
public readonly ref struct StepGroups
{
    private readonly ReadOnlySpan<int> _members, _starts, _labels, _groupOf, _position;

    internal StepGroups(ReadOnlySpan<int> members, ReadOnlySpan<int> starts, ReadOnlySpan<int> labels,
        ReadOnlySpan<int> groupOf, ReadOnlySpan<int> position)
    {
        _members = members;
        _starts = starts;
        _labels = labels;
        _groupOf = groupOf;
        _position = position;
    }

    /// <summary>Number of groups at the step (0 when every agent is absent).</summary>
    public int Count => _starts.Length - 1;

    /// <summary>The agents of group <paramref name="group"/>, in increasing order.</summary>
    public ReadOnlySpan<int> Members(int group) => _members[_starts[group].._starts[group + 1]];

    /// <summary>The size of group <paramref name="group"/>.</summary>
    public int Size(int group) => _starts[group + 1] - _starts[group];

    /// <summary>The group's label in the data (the file's <c>group</c> value; 0 for data without groups).</summary>
    public int Label(int group) => _labels[group];

    /// <summary>The group of <paramref name="agent"/> at the step, or <see cref="Trajectories.Absent"/> when the agent is absent.</summary>
    public int GroupOf(int agent) => _groupOf[agent];

    /// <summary>The position of <paramref name="agent"/> in its group's member list (its index in the group's joint action), or <see cref="Trajectories.Absent"/>.</summary>
    public int PositionOf(int agent) => _position[agent];
}
