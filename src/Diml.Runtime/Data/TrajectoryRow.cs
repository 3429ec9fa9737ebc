namespace Diml.Data;

/// <summary>
/// One parsed data row of a trajectory CSV, kept with its line number so that structural errors found after
/// parsing (duplicates, gaps) can still point at the file. <see cref="Group"/> is 0 in files without a <c>group</c> column. Orders by (episode, t, agent), then line.
/// </summary>
internal readonly record struct TrajectoryRow(int Episode, int T, int Agent, int Action, int Group, int Line) : IComparable<TrajectoryRow>
{
    /// <summary>Size in memory; the reader's memory estimate is built on it.</summary>
    public const int SizeInBytes = 6 * sizeof(int);

    /// <inheritdoc/>
    public int CompareTo(TrajectoryRow other)
    {
        int c = Episode.CompareTo(other.Episode);
        if (c != 0) return c;
        c = T.CompareTo(other.T);
        if (c != 0) return c;
        c = Agent.CompareTo(other.Agent);
        return c != 0 ? c : Line.CompareTo(other.Line);
    }

    /// <summary>Whether the two rows are for the same (episode, t, agent).</summary>
    public bool SameKey(in TrajectoryRow other) => Episode == other.Episode && T == other.T && Agent == other.Agent;
}
