using System.Globalization;
using System.Text;
using Diml.Data;

namespace Diml.Evaluation;

/// <summary>
/// How often each joint action occurs over every episode and step of some trajectories, under one of three keys
/// (<see cref="HistogramKeying"/>): the joint action written <c>a0-a1-...</c>; the sorted count vector
/// <c>counts:c0-c1-...</c> (how many agents play each action, sorted largest first); or the action total
/// <c>total:S</c> with <c>S = Σ_i a_i</c>, the reference's key for games too large to histogram exactly.
/// </summary>
public sealed class JointActionHistogram
{
    private readonly Dictionary<string, long> _counts;

    private JointActionHistogram(Dictionary<string, long> counts, long total, HistogramKeying keying)
    {
        _counts = counts;
        Total = total;
        Keying = keying;
    }

    /// <summary>What the keys are.</summary>
    public HistogramKeying Keying { get; }

    /// <summary>Joint actions (or count vectors) with their number of occurrences.</summary>
    public IReadOnlyDictionary<string, long> Counts => _counts;

    /// <summary>Number of (episode, step) pairs counted.</summary>
    public long Total { get; }

    /// <summary>Whether keys are sorted action-count vectors.</summary>
    public bool ByCounts => Keying == HistogramKeying.CountVectors;

    /// <summary>The empirical probability of <paramref name="key"/> (0 when absent).</summary>
    public double Probability(string key) => _counts.TryGetValue(key, out long count) ? (double)count / Total : 0;

    /// <summary>
    /// Whether the reference histograms a game of <paramref name="shape"/> over exact joint actions: <c>n ≤ 10</c> and
    /// <c>A^n ≤ 2·10⁶</c>; larger games use count vectors.
    /// </summary>
    public static bool UsesExactJointActions(GameShape shape) => shape.Agents <= 10 && shape.HasAtMostJointActions(2_000_000);

    /// <summary>The histogram over exact joint actions.</summary>
    public static JointActionHistogram OfJointActions(Trajectories data) => Build(data, HistogramKeying.JointActions);

    /// <summary>The histogram over sorted action-count vectors (<c>cfkl_counts</c>).</summary>
    public static JointActionHistogram OfCountVectors(Trajectories data) => Build(data, HistogramKeying.CountVectors);

    /// <summary>
    /// The histogram <c>cfkl_params</c> compares, as the reference keys it: exact joint actions in small games
    /// (<see cref="UsesExactJointActions"/>), the action total <c>Σ_i a_i</c> in large ones (<see cref="ContextKey"/>).
    /// </summary>
    public static JointActionHistogram ForComparison(Trajectories data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Build(data, UsesExactJointActions(data.Shape) ? HistogramKeying.JointActions : HistogramKeying.ActionTotals);
    }

    /// <summary>The joint action as its key, <c>a0-a1-...</c>.</summary>
    public static string JointActionKey(ReadOnlySpan<int> joint)
    {
        var text = new StringBuilder(joint.Length * 3);
        for (int i = 0; i < joint.Length; i++)
        {
            if (i > 0) text.Append('-');
            text.Append(joint[i].ToString(CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    /// <summary>
    /// The histogram of the groups' play in trajectories with groups or absent agents: one count per group and step, keyed
    /// by the group size and the group's joint action in member order (<c>4|0-3-3-1</c>) when the group's game has at most
    /// <see cref="MaxExactGroupProfiles"/> joint actions, else by its action total (<c>12|total:5</c>).
    /// </summary>
    /// <remarks>
    /// The bound is far below the whole-game one (<see cref="UsesExactJointActions"/>): a design's groups give a few
    /// thousand group-steps per simulated design, and a histogram needs far fewer bins than samples to be estimated — with
    /// 21 actions a group of 4 has 194,481 joint actions, which would leave almost every bin empty.
    /// </remarks>
    public static JointActionHistogram OfGroups(Trajectories data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = 0;
        AddGroups(data, counts, ref total);
        return new JointActionHistogram(counts, total, HistogramKeying.GroupProfiles);
    }

    /// <summary>The group histogram of several trajectories together (simulated replications of one design).</summary>
    public static JointActionHistogram OfGroups(IEnumerable<Trajectories> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = 0;
        foreach (var part in parts) AddGroups(part, counts, ref total);
        return new JointActionHistogram(counts, total, HistogramKeying.GroupProfiles);
    }

    /// <summary>The most joint actions a group's game may have to be histogrammed exactly (<see cref="OfGroups(Trajectories)"/>).</summary>
    public const int MaxExactGroupProfiles = 1024;

    private static void AddGroups(Trajectories data, Dictionary<string, long> counts, ref long total)
    {
        var joint = new int[data.Agents];
        for (int e = 0; e < data.Episodes; e++)
            for (int t = 0; t < data.Steps; t++)
            {
                var step = data.Step(e, t);
                var groups = data.Groups(e, t);
                for (int g = 0; g < groups.Count; g++)
                {
                    var members = groups.Members(g);
                    for (int p = 0; p < members.Length; p++) joint[p] = step[members[p]];
                    var groupJoint = joint.AsSpan(0, members.Length);
                    string size = members.Length.ToString(CultureInfo.InvariantCulture);
                    string key;
                    if (new GameShape(members.Length, data.Shape.Actions).HasAtMostJointActions(MaxExactGroupProfiles)) key = size + "|" + JointActionKey(groupJoint);
                    else
                    {
                        long sum = 0;
                        foreach (int action in groupJoint) sum += action;
                        key = size + "|total:" + sum.ToString(CultureInfo.InvariantCulture);
                    }
                    counts[key] = counts.GetValueOrDefault(key) + 1;
                    total++;
                }
            }
    }

    private static JointActionHistogram Build(Trajectories data, HistogramKeying keying)
    {
        ArgumentNullException.ThrowIfNull(data);
        data.RequireFullPlay("the joint-action histogram");
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var actionCounts = new int[data.Shape.Actions];
        for (int e = 0; e < data.Episodes; e++)
        for (int t = 0; t < data.Steps; t++)
        {
            var joint = data.Step(e, t);
            string key;
            if (keying == HistogramKeying.ActionTotals)
            {
                long total = 0;
                foreach (int action in joint) total += action;
                key = "total:" + total.ToString(CultureInfo.InvariantCulture);
            }
            else if (keying == HistogramKeying.CountVectors)
            {
                Array.Clear(actionCounts);
                foreach (int action in joint) actionCounts[action]++;
                // Sorted (largest first), as the reference and docs/cli.md describe: which actions are crowded is dropped,
                // how crowded they are is kept; per-action count vectors of large games are almost all distinct.
                actionCounts.AsSpan().Sort(static (x, y) => y.CompareTo(x));
                key = "counts:" + JointActionKey(actionCounts);
            }
            else
            {
                key = JointActionKey(joint);
            }
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return new JointActionHistogram(counts, (long)data.Episodes * data.Steps, keying);
    }
}

/// <summary>What a <see cref="JointActionHistogram"/> counts.</summary>
public enum HistogramKeying
{
    /// <summary>Exact joint actions.</summary>
    JointActions,
    /// <summary>Action-count vectors sorted largest first.</summary>
    CountVectors,
    /// <summary>Action totals <c>Σ_i a_i</c>: the reference's large-game key (<see cref="ContextKey"/>).</summary>
    ActionTotals,
    /// <summary>Each group's play at a step, by group size (<see cref="JointActionHistogram.OfGroups(Trajectories)"/>).</summary>
    GroupProfiles,
}
