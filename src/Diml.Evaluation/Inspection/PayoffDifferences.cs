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
    /// <exception cref="DataFormatException">The data have groups or absent agents (not taken yet: contexts are counted over all agents).</exception>
    public static PayoffDifferenceTable Compute(IPayoffModel payoffs, PayoffForm form, Trajectories data, int maxContexts = DefaultMaxContexts)
    {
        ArgumentNullException.ThrowIfNull(payoffs);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(maxContexts);
        data.RequireFullPlay("inspect");
        if (payoffs.Shape != data.Shape)
            throw new ArgumentException($"{nameof(payoffs)}: expected payoffs of the data's game ({data.Shape}), found {payoffs.Shape}.", nameof(payoffs));
        return form == PayoffForm.Anonymous ? ByGroupMates(payoffs, data, maxContexts) : ByJointContext(payoffs, data, maxContexts);
    }

    private static PayoffDifferenceTable ByGroupMates(IPayoffModel payoffs, Trajectories data, int maxContexts)
    {
        int n = data.Agents, a = data.Shape.Actions, mates = n - 1;
        var visits = new Dictionary<int[], long>(IntArrayComparer.Instance);
        var counts = new int[a];
        for (int e = 0; e < data.Episodes; e++)
            for (int t = 0; t + 1 < data.Steps; t++)
            {
                var joint = data.Step(e, t);
                Array.Clear(counts);
                foreach (int action in joint) counts[action]++;
                // Agents playing the same action see the same group-mates' counts: one key per action played.
                for (int own = 0; own < a; own++)
                {
                    int players = counts[own];
                    if (players == 0) continue;
                    counts[own]--;
                    var key = (int[])counts.Clone();
                    counts[own]++;
                    visits[key] = visits.GetValueOrDefault(key) + players;
                }
            }

        // C(mates + A − 1, A − 1) count vectors.
        double possible = 1;
        for (int j = 1; j < a; j++) possible = possible * (mates + j) / j;
        possible = Math.Round(possible);
        var listed = possible <= maxContexts ? AllCompositions(mates, a) : MostVisited(visits, maxContexts);
        listed.Sort(CompareAnonymous);

        var profile = new int[n];
        var contexts = new List<PayoffContext>(listed.Count);
        foreach (var mateCounts in listed)
        {
            // Agent 0 stands for every agent: the mechanism sees only its own action and the others' counts.
            int slot = 1;
            for (int k = 0; k < a; k++)
                for (int c = 0; c < mateCounts[k]; c++) profile[slot++] = k;
            contexts.Add(new PayoffContext(n, -1, mateCounts, visits.GetValueOrDefault(mateCounts), Differences(payoffs, profile, 0, a)));
        }
        return new PayoffDifferenceTable(data.Shape, anonymous: true, contexts, possible, visits.Count);
    }

    private static PayoffDifferenceTable ByJointContext(IPayoffModel payoffs, Trajectories data, int maxContexts)
    {
        int n = data.Agents, a = data.Shape.Actions;
        var visits = new Dictionary<int[], long>(IntArrayComparer.Instance);
        for (int e = 0; e < data.Episodes; e++)
            for (int t = 0; t + 1 < data.Steps; t++)
            {
                var joint = data.Step(e, t);
                for (int i = 0; i < n; i++)
                {
                    // Key: the agent, then the joint action with its own slot open.
                    var key = new int[n + 1];
                    key[0] = i;
                    joint.CopyTo(key.AsSpan(1));
                    key[1 + i] = PayoffContext.OwnSlot;
                    visits[key] = visits.GetValueOrDefault(key) + 1;
                }
            }

        double possible = n * Math.Pow(a, n - 1);
        var listed = possible <= maxContexts ? AllJointContexts(n, a) : MostVisited(visits, maxContexts);
        listed.Sort(IntArrayComparer.Instance.Compare);

        var profile = new int[n];
        var contexts = new List<PayoffContext>(listed.Count);
        foreach (var key in listed)
        {
            int agent = key[0];
            var others = key[1..];
            others.CopyTo(profile, 0);
            contexts.Add(new PayoffContext(n, agent, others, visits.GetValueOrDefault(key), Differences(payoffs, profile, agent, a)));
        }
        return new PayoffDifferenceTable(data.Shape, anonymous: false, contexts, possible, visits.Count);
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

    /// <summary>Every (agent, others' actions) key: the agent, then a joint action with its own slot open.</summary>
    private static List<int[]> AllJointContexts(int agents, int actions)
    {
        var all = new List<int[]>();
        int perAgent = checked((int)Math.Pow(actions, agents - 1));
        for (int i = 0; i < agents; i++)
            for (int index = 0; index < perAgent; index++)
            {
                var key = new int[agents + 1];
                key[0] = i;
                int rest = index;
                for (int j = agents - 1; j >= 0; j--)
                {
                    if (j == i) { key[1 + j] = PayoffContext.OwnSlot; continue; }
                    key[1 + j] = rest % actions;
                    rest /= actions;
                }
                all.Add(key);
            }
        return all;
    }

    private static int CompareAnonymous(int[] x, int[] y)
    {
        int sum = Sum(x).CompareTo(Sum(y));
        return sum != 0 ? sum : IntArrayComparer.Instance.Compare(x, y);

        static int Sum(int[] counts)
        {
            int s = 0;
            for (int k = 0; k < counts.Length; k++) s += k * counts[k];
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
