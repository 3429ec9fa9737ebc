using Diml.Data;

namespace Diml.Tests.Fitting;

/// <summary>
/// Sessions re-matched into groups every step, with absent agents, built from the actions of plain data (the likelihood
/// and its gradient are defined for any actions, so the actions need not come from grouped play).
/// </summary>
internal static class GroupedData
{
    /// <summary>
    /// Every step, the agents are shuffled and cut into groups of <paramref name="sizes"/> (cycled until the agents run out;
    /// a last shorter group only when <paramref name="sizes"/> allows one); each group is absent with probability
    /// <paramref name="absentRate"/>.
    /// </summary>
    public static Trajectories Rematch(Trajectories plain, int[] sizes, double absentRate, int seed)
    {
        var random = new Random(seed);
        int n = plain.Agents;
        var actions = plain.AsSpan().ToArray();
        var labels = new int[actions.Length];
        var order = Enumerable.Range(0, n).ToArray();
        for (int e = 0; e < plain.Episodes; e++)
            for (int t = 0; t < plain.Steps; t++)
            {
                random.Shuffle(order);
                int start = 0, label = 0;
                while (start < n)
                {
                    int size = Math.Min(sizes[label % sizes.Length], n - start);
                    bool absent = random.NextDouble() < absentRate;
                    for (int p = start; p < start + size; p++)
                    {
                        int k = (e * plain.Steps + t) * n + order[p];
                        if (absent) actions[k] = labels[k] = Trajectories.Absent;
                        else labels[k] = 100 + label;
                    }
                    start += size;
                    label++;
                }
            }
        return new Trajectories(plain.Shape, plain.Episodes, plain.Steps, actions, labels);
    }
}
