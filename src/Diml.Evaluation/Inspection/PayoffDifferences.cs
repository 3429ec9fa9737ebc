using Diml.Data;

namespace Diml.Evaluation.Inspection;

/// <summary>
/// What a model says about incentives where it matters: the payoff of each own action relative to action 0, by
/// context, with the number of visits of each context in the data (<c>diml inspect</c>, <c>docs/cli.md</c>).
/// </summary>
/// <remarks>
/// <para>
/// Anonymous mechanisms: a context is what the agent's group-mates did — how many of them played each action — and the
/// group size; the difference is the same for every agent. Joint and per-agent mechanisms: a context is an agent and
/// the others' actions (a joint action with the agent's own slot open).
/// </para>
/// <para>
/// Visits count agent-steps at <c>t &lt; T−1</c>: the steps whose payoffs the learners' later choices, and so the
/// likelihood, depend on (as <see cref="TrainingSupport"/>). Unvisited contexts are listed with 0 visits and marked,
/// never dropped in silence: their differences are the model's extrapolation (an unfitted table's stay 0).
/// </para>
/// </remarks>
public static class PayoffDifferences
{
    /// <summary>The default cap on listed contexts: with more possible contexts, only the visited ones are listed.</summary>
    public const int DefaultMaxContexts = 10_000;

    /// <summary>
    /// The payoff differences of <paramref name="payoffs"/> in the contexts of <paramref name="data"/>, read as a
    /// mechanism of form <paramref name="form"/> (anonymous: by group-mates' counts; else by joint context). Every
    /// possible context is listed when there are at most <paramref name="maxContexts"/>, else only the visited ones —
    /// the <paramref name="maxContexts"/> most visited when more were visited.
    /// </summary>
    /// <exception cref="ArgumentException">The payoffs are for another game than the data.</exception>
    /// <remarks>
    /// On data with groups or absent agents a context is the agent's own group at the step: its size, and the group-mates'
    /// counts (anonymous) or the agent's position in the group and the group's joint action (joint and per-agent, as the
    /// runtime evaluates them); the payoffs are evaluated through a model of the group's size, so the model must be a
    /// mechanism (<see cref="MechanismPayoffs"/>). Absent agents visit nothing.
    /// </remarks>
    public static PayoffDifferenceTable Compute(IPayoffModel payoffs, PayoffForm form, Trajectories data, int maxContexts = DefaultMaxContexts)
    {
        ArgumentNullException.ThrowIfNull(payoffs);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(maxContexts);
        bool matches = data.IsFullPlay ? payoffs.Shape == data.Shape : payoffs.Shape.Actions == data.Shape.Actions;
        if (!matches)
            throw new ArgumentException($"{nameof(payoffs)}: expected payoffs of the data's game ({data.Shape}), found {payoffs.Shape}.", nameof(payoffs));
        var models = new GroupPayoffModels(payoffs, "model", "inspect", data);
        return form == PayoffForm.Anonymous ? ByGroupMates(models, data, maxContexts) : ByJointContext(models, data, maxContexts);
    }

    private static PayoffDifferenceTable ByGroupMates(GroupPayoffModels models, Trajectories data, int maxContexts)
    {
        int a = data.Shape.Actions;
        // Key: the group size, then how many group-mates played each action.
        var visits = new Dictionary<int[], long>(IntArrayComparer.Instance);
        var counts = new int[a + 1];
        for (int e = 0; e < data.Episodes; e++)
            for (int t = 0; t + 1 < data.Steps; t++)
            {
                var joint = data.Step(e, t);
                var groups = data.Groups(e, t);
                for (int g = 0; g < groups.Count; g++)
                {
                    var members = groups.Members(g);
                    Array.Clear(counts);
                    counts[0] = members.Length;
                    foreach (int member in members) counts[1 + joint[member]]++;
                    // Agents playing the same action see the same group-mates' counts: one key per action played.
                    for (int own = 0; own < a; own++)
                    {
                        int players = counts[1 + own];
                        if (players == 0) continue;
                        counts[1 + own]--;
                        var key = (int[])counts.Clone();
                        counts[1 + own]++;
                        visits[key] = visits.GetValueOrDefault(key) + players;
                    }
                }
            }

        var sizes = data.GroupSizes;
        double possible = 0;
        foreach (int size in sizes)
        {
            // C(mates + A − 1, A − 1) count vectors of size − 1 group-mates.
            double compositions = 1;
            for (int j = 1; j < a; j++) compositions = compositions * (size - 1 + j) / j;
            possible += Math.Round(compositions);
        }
        List<int[]> listed;
        if (possible <= maxContexts)
        {
            listed = [];
            foreach (int size in sizes)
                foreach (var composition in AllCompositions(size - 1, a)) listed.Add([size, .. composition]);
        }
        else listed = MostVisited(visits, maxContexts);
        listed.Sort(CompareAnonymous);

        var contexts = new List<PayoffContext>(listed.Count);
        foreach (var key in listed)
        {
            int size = key[0];
            var mateCounts = key[1..];
            // Position 0 stands for every member: the mechanism sees only its own action and the others' counts.
            var profile = new int[size];
            int slot = 1;
            for (int k = 0; k < a; k++)
                for (int c = 0; c < mateCounts[k]; c++) profile[slot++] = k;
            contexts.Add(new PayoffContext(size, -1, mateCounts, visits.GetValueOrDefault(key), Differences(models.OfSize(size), profile, 0, a)));
        }
        return new PayoffDifferenceTable(data.Shape, anonymous: true, grouped: !data.IsFullPlay, contexts, possible, visits.Count);
    }

    private static PayoffDifferenceTable ByJointContext(GroupPayoffModels models, Trajectories data, int maxContexts)
    {
        int a = data.Shape.Actions;
        // Key: the group size, the agent's position in the group, then the group's joint action with its own slot open.
        var visits = new Dictionary<int[], long>(IntArrayComparer.Instance);
        for (int e = 0; e < data.Episodes; e++)
            for (int t = 0; t + 1 < data.Steps; t++)
            {
                var joint = data.Step(e, t);
                var groups = data.Groups(e, t);
                for (int g = 0; g < groups.Count; g++)
                {
                    var members = groups.Members(g);
                    for (int position = 0; position < members.Length; position++)
                    {
                        var key = new int[members.Length + 2];
                        key[0] = members.Length;
                        key[1] = position;
                        for (int p = 0; p < members.Length; p++) key[2 + p] = joint[members[p]];
                        key[2 + position] = PayoffContext.OwnSlot;
                        visits[key] = visits.GetValueOrDefault(key) + 1;
                    }
                }
            }

        var sizes = data.GroupSizes;
        double possible = 0;
        foreach (int size in sizes) possible += size * Math.Pow(a, size - 1);
        List<int[]> listed;
        if (possible <= maxContexts)
        {
            listed = [];
            foreach (int size in sizes) listed.AddRange(AllJointContexts(size, a));
        }
        else listed = MostVisited(visits, maxContexts);
        listed.Sort(IntArrayComparer.Instance.Compare);

        var contexts = new List<PayoffContext>(listed.Count);
        foreach (var key in listed)
        {
            int size = key[0], position = key[1];
            var others = key[2..];
            var profile = (int[])others.Clone();
            contexts.Add(new PayoffContext(size, position, others, visits.GetValueOrDefault(key), Differences(models.OfSize(size), profile, position, a)));
        }
        return new PayoffDifferenceTable(data.Shape, anonymous: false, grouped: !data.IsFullPlay, contexts, possible, visits.Count);
    }

    /// <summary>The visited contexts, or the <paramref name="limit"/> most visited of them (ties in context order).</summary>
    private static List<int[]> MostVisited(Dictionary<int[], long> visits, int limit)
    {
        if (visits.Count <= limit) return visits.Keys.ToList();
        return visits.OrderByDescending(p => p.Value).ThenBy(p => p.Key, IntArrayComparer.Instance).Take(limit).Select(p => p.Key).ToList();
    }

    /// <summary><c>M(k, profile_{−agent})_agent − M(0, profile_{−agent})_agent</c> for every own action <c>k</c>.</summary>
    private static double[] Differences(IPayoffModel payoffs, int[] profile, int agent, int actions)
    {
        var differences = new double[actions];
        profile[agent] = PayoffDifferenceTable.ReferenceAction;
        double reference = payoffs.Payoff(profile, agent);
        for (int k = 0; k < actions; k++)
        {
            if (k == PayoffDifferenceTable.ReferenceAction) continue;
            profile[agent] = k;
            differences[k] = payoffs.Payoff(profile, agent) - reference;
        }
        return differences;
    }

    /// <summary>Every way of spreading <paramref name="mates"/> group-mates over <paramref name="actions"/> actions.</summary>
    private static List<int[]> AllCompositions(int mates, int actions)
    {
        var all = new List<int[]>();
        var counts = new int[actions];
        void Fill(int action, int left)
        {
            if (action == actions - 1)
            {
                counts[action] = left;
                all.Add((int[])counts.Clone());
                return;
            }
            for (int c = left; c >= 0; c--)
            {
                counts[action] = c;
                Fill(action + 1, left - c);
            }
        }
        Fill(0, mates);
        return all;
    }

    /// <summary>Every (size, position, others' actions) key of a group of <paramref name="agents"/>: a joint action with the position's slot open.</summary>
    private static List<int[]> AllJointContexts(int agents, int actions)
    {
        var all = new List<int[]>();
        int perAgent = checked((int)Math.Pow(actions, agents - 1));
        for (int i = 0; i < agents; i++)
            for (int index = 0; index < perAgent; index++)
            {
                var key = new int[agents + 2];
                key[0] = agents;
                key[1] = i;
                int rest = index;
                for (int j = agents - 1; j >= 0; j--)
                {
                    if (j == i) { key[2 + j] = PayoffContext.OwnSlot; continue; }
                    key[2 + j] = rest % actions;
                    rest /= actions;
                }
                all.Add(key);
            }
        return all;
    }

    /// <summary>Anonymous keys (size, counts…): by group size, then the group-mates' total action, then the counts.</summary>
    private static int CompareAnonymous(int[] x, int[] y)
    {
        int size = x[0].CompareTo(y[0]);
        if (size != 0) return size;
        int sum = Sum(x).CompareTo(Sum(y));
        return sum != 0 ? sum : IntArrayComparer.Instance.Compare(x, y);

        static int Sum(int[] key)
        {
            int s = 0;
            for (int k = 1; k < key.Length; k++) s += (k - 1) * key[k];
            return s;
        }
    }

    /// <summary>Arrays as keys and sort order: element by element.</summary>
    private sealed class IntArrayComparer : IEqualityComparer<int[]>, IComparer<int[]>
    {
        public static readonly IntArrayComparer Instance = new();

        public bool Equals(int[]? x, int[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(int[] obj)
        {
            var hash = new HashCode();
            foreach (int v in obj) hash.Add(v);
            return hash.ToHashCode();
        }

        public int Compare(int[]? x, int[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
