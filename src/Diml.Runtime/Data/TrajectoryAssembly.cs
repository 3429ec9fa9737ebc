using System.Globalization;

namespace Diml.Data;

/// <summary>
/// The structure checks and assembly every trajectory reader shares (the long CSV, Parquet): the column names, the
/// value ranges, and the rows, once parsed, checked as a whole and built into <see cref="Trajectories"/>. Errors name
/// rows through a <see cref="RowLocator"/>: by line in a CSV, by row group and row in a Parquet file.
/// </summary>
internal static class TrajectoryAssembly
{
    /// <summary>Column names, in the writers' order.</summary>
    public static readonly string[] ColumnNames = ["episode", "t", "agent", "action", "group"];
    public const int EpisodeColumn = 0, TColumn = 1, AgentColumn = 2, ActionColumn = 3, GroupColumn = 4;

    /// <summary>The columns every file has; <c>group</c> is optional.</summary>
    public const int RequiredColumns = 4;

    /// <summary>
    /// The largest value a column may hold, exclusive: the expected shape's agents and actions, or without one the
    /// documented limits, so that one huge value is reported at its row before anything is sized by it.
    /// </summary>
    public static int Limit(int column, GameShape? shape) => column switch
    {
        AgentColumn => shape?.Agents ?? GameShape.MaxAgents,
        ActionColumn => shape?.Actions ?? GameShape.MaxActions,
        _ => int.MaxValue,
    };

    public static string ExpectedValue(int column, GameShape? shape) => (column, shape) switch
    {
        (AgentColumn, GameShape s) => string.Create(CultureInfo.InvariantCulture, $"an agent in 0..{s.Agents - 1} (the expected shape has {s.Agents} agents)"),
        (ActionColumn, GameShape s) => string.Create(CultureInfo.InvariantCulture, $"an action in 0..{s.Actions - 1} (the expected shape has {s.Actions} actions)"),
        (AgentColumn, null) => string.Create(CultureInfo.InvariantCulture, $"an agent in 0..{GameShape.MaxAgents - 1} (games have at most {GameShape.MaxAgents} agents)"),
        (ActionColumn, null) => string.Create(CultureInfo.InvariantCulture, $"an action in 0..{GameShape.MaxActions - 1} (games have at most {GameShape.MaxActions} actions)"),
        _ => "a non-negative integer",
    };

    /// <summary>
    /// Checks the structure (episodes 0..E-1, every episode T steps, every step all agents exactly once) and builds
    /// the trajectories. Works on the rows sorted by (episode, t, agent), so duplicates are neighbours and every gap
    /// is found in one pass without allocating anything sized by the (possibly absurd) largest index.
    /// </summary>
    public static Trajectories Assemble(Span<TrajectoryRow> rows, string source, GameShape shape, int[] columns,
        Dictionary<string, string> metadata, RowLocator locator)
    {
        if (!IsSorted(rows)) rows.Sort();

        // Episodes: consecutive from 0, each with its length (largest t + 1).
        var starts = new List<int>();
        for (int r = 0; r < rows.Length; r++)
        {
            if (r > 0 && rows[r].Episode == rows[r - 1].Episode) continue;
            int expected = starts.Count;
            if (rows[r].Episode != expected)
                throw new DataFormatException(source, null, ColumnNames[EpisodeColumn], columns[EpisodeColumn] + 1,
                    string.Create(CultureInfo.InvariantCulture, $"episode {expected} has no rows"),
                    string.Create(CultureInfo.InvariantCulture, $"episodes numbered 0..{rows[^1].Episode} without gaps"),
                    string.Create(CultureInfo.InvariantCulture, $"none for episode {expected}"));
            starts.Add(r);
        }
        int episodes = starts.Count;
        starts.Add(rows.Length);
        var lengths = new int[episodes];
        for (int e = 0; e < episodes; e++) lengths[e] = rows[starts[e + 1] - 1].T + 1;

        // The common length is the most frequent one, so that one odd episode is the one named, even if it is the first.
        var lengthCounts = new Dictionary<int, int>();
        foreach (int length in lengths) lengthCounts[length] = lengthCounts.GetValueOrDefault(length) + 1;
        int steps = lengths[0];
        foreach (var (length, n) in lengthCounts)
            if (n > lengthCounts[steps]) steps = length;
        for (int e = 0; e < episodes; e++)
        {
            int length = lengths[e];
            if (length != steps)
                throw new DataFormatException(source, null, ColumnNames[TColumn], columns[TColumn] + 1,
                    string.Create(CultureInfo.InvariantCulture, $"episode {e} has {length} steps (t 0..{length - 1}) while {lengthCounts[steps]} of {episodes} episodes have {steps}"),
                    string.Create(CultureInfo.InvariantCulture, $"every episode to have {steps} steps"),
                    string.Create(CultureInfo.InvariantCulture, $"{length} steps in episode {e}"));
        }

        int agents = shape.Agents;
        long cells = (long)episodes * steps * agents;
        // Only a file with exactly one row per cell can pass; otherwise the walk below is certain to throw, so
        // nothing sized by the cell count is allocated.
        int[]? actions = cells == rows.Length ? new int[rows.Length] : null;
        for (int e = 0; e < episodes; e++)
        {
            int t = 0, agent = 0;
            for (int r = starts[e]; r < starts[e + 1]; r++)
            {
                ref readonly var row = ref rows[r];
                int order = row.T != t ? row.T.CompareTo(t) : row.Agent.CompareTo(agent);
                if (order < 0)
                {
                    // Sorted, so a key behind the cursor repeats the previous row's key.
                    ref readonly var first = ref rows[r - 1];
                    throw locator.Duplicate(source, first.Line, row.Line,
                        string.Create(CultureInfo.InvariantCulture, $"duplicate row for episode {e}, t {row.T}, agent {row.Agent}"),
                        "one row per (episode, t, agent)");
                }
                if (order > 0) throw Missing(rows, starts[e], starts[e + 1], source, columns, e, t, agent, steps, agents);
                if (actions is not null) actions[(e * steps + t) * agents + agent] = row.Action;
                if (++agent == agents) { agent = 0; t++; }
            }
            if (t != steps) throw Missing(rows, starts[e], starts[e + 1], source, columns, e, t, agent, steps, agents);
        }
        if (actions is null)
            throw new InvalidOperationException("Internal error: the trajectory rows passed every check but do not fill the array.");
        return new Trajectories(shape, episodes, steps, actions, metadata, validate: false, source: source);
    }

    /// <summary>
    /// Checks and builds data with a <c>group</c> column: episodes 0..E-1 without gaps, at most one row per (episode, t,
    /// agent). Cells without a row are absent agents; episodes may differ in length (steps past an episode's last row are
    /// absent for everyone). The panel is sized by the largest t and agent, so it is refused, before allocating, when it
    /// cannot fit one array or the memory available.
    /// </summary>
    public static Trajectories AssembleGrouped(Span<TrajectoryRow> rows, string source, GameShape shape, int[] columns,
        Dictionary<string, string> metadata, RowLocator locator)
    {
        if (!IsSorted(rows)) rows.Sort();
        int episodes = 0, steps = 0;
        for (int r = 0; r < rows.Length; r++)
        {
            ref readonly var row = ref rows[r];
            if (r > 0 && row.SameKey(rows[r - 1]))
            {
                ref readonly var first = ref rows[r - 1];
                throw locator.Duplicate(source, first.Line, row.Line,
                    string.Create(CultureInfo.InvariantCulture, $"duplicate row for episode {row.Episode}, t {row.T}, agent {row.Agent}"),
                    "one row per (episode, t, agent): an agent is in one group at a step");
            }
            if (r == 0 || row.Episode != rows[r - 1].Episode)
            {
                if (row.Episode != episodes)
                    throw new DataFormatException(source, null, ColumnNames[EpisodeColumn], columns[EpisodeColumn] + 1,
                        string.Create(CultureInfo.InvariantCulture, $"episode {episodes} has no rows"),
                        string.Create(CultureInfo.InvariantCulture, $"episodes numbered 0..{rows[^1].Episode} without gaps"),
                        string.Create(CultureInfo.InvariantCulture, $"none for episode {episodes}"));
                episodes++;
            }
            steps = Math.Max(steps, row.T + 1);
        }

        int agents = shape.Agents;
        long cells = (long)episodes * steps * agents;
        // Actions, labels and the group structure's four arrays: six ints a cell.
        long bytes = cells * 6 * sizeof(int);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (cells > Array.MaxLength || (available > 0 && bytes > available / 2))
            throw new DataFormatException(source, null, ColumnNames[TColumn], columns[TColumn] + 1,
                "the panel is too large: every (episode, t, agent) up to the largest t and agent is a cell, absent agents included",
                string.Create(CultureInfo.InvariantCulture, $"episodes x steps x agents of at most {Math.Min(Array.MaxLength, Math.Max(1, available / 2 / 24)):N0} cells"),
                string.Create(CultureInfo.InvariantCulture, $"{episodes} x {steps} x {agents} = {cells:N0} (number the steps of each episode from 0 and the agents from 0)"));

        var actions = new int[cells];
        var labels = new int[cells];
        Array.Fill(actions, Trajectories.Absent);
        Array.Fill(labels, Trajectories.Absent);
        foreach (ref readonly var row in rows)
        {
            long k = ((long)row.Episode * steps + row.T) * agents + row.Agent;
            actions[k] = row.Action;
            labels[k] = row.Group;
        }
        return new Trajectories(shape, episodes, steps, actions, metadata, validate: false, labels, source, columns[GroupColumn] + 1);
    }

    /// <summary>The error for the first missing (t, agent) of an episode: a whole step, or named agents of a step.</summary>
    private static DataFormatException Missing(Span<TrajectoryRow> rows, int from, int to, string source, int[] columns,
        int episode, int t, int agent, int steps, int agents)
    {
        var present = new List<int>();
        for (int r = from; r < to; r++)
            if (rows[r].T == t && (present.Count == 0 || present[^1] != rows[r].Agent)) present.Add(rows[r].Agent);
        if (present.Count == 0)
            return new DataFormatException(source, null, ColumnNames[TColumn], columns[TColumn] + 1,
                string.Create(CultureInfo.InvariantCulture, $"episode {episode} has no rows at t {t}"),
                string.Create(CultureInfo.InvariantCulture, $"rows at every t 0..{steps - 1}"),
                string.Create(CultureInfo.InvariantCulture, $"none at t {t}"));
        string listed = present.Count <= 10
            ? string.Join(", ", present.Select(a => a.ToString(CultureInfo.InvariantCulture)))
            : string.Join(", ", present.Take(10).Select(a => a.ToString(CultureInfo.InvariantCulture))) + ", ...";
        return new DataFormatException(source, null, ColumnNames[AgentColumn], columns[AgentColumn] + 1,
            string.Create(CultureInfo.InvariantCulture, $"episode {episode}, t {t} has no row for agent {agent}"),
            string.Create(CultureInfo.InvariantCulture, $"a row for every agent 0..{agents - 1} at every step"),
            $"rows for agents {listed} only");
    }

    public static bool IsSorted(ReadOnlySpan<TrajectoryRow> rows)
    {
        for (int r = 1; r < rows.Length; r++)
            if (rows[r - 1].CompareTo(rows[r]) > 0) return false;
        return true;
    }

}

/// <summary>Where a row is in its file, for the messages of structure errors found after all rows are read.</summary>
internal abstract class RowLocator
{
    /// <summary>Rows of a text file, numbered by their 1-based line.</summary>
    public static RowLocator Lines { get; } = new LineLocator();

    /// <summary>The error for a second row with the key of an earlier one (<paramref name="first"/> and <paramref name="second"/> as the rows were numbered when read).</summary>
    public abstract DataFormatException Duplicate(string source, int first, int second, string problem, string expected);

    private sealed class LineLocator : RowLocator
    {
        public override DataFormatException Duplicate(string source, int first, int second, string problem, string expected) =>
            new(source, second, null, null, string.Create(CultureInfo.InvariantCulture, $"{problem} (lines {first} and {second})"), expected,
                string.Create(CultureInfo.InvariantCulture, $"a second one at line {second}, the first at line {first}"), relatedLine: first);
    }
}
