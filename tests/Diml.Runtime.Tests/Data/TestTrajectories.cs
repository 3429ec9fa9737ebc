using Diml.Data;

namespace Diml.Tests.Data;

/// <summary>Seeded trajectories for tests.</summary>
internal static class TestTrajectories
{
    /// <summary>Uniformly random actions from <c>new Random(seed)</c>.</summary>
    public static Trajectories Random(int seed, int episodes, int steps, int agents, int actions, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var random = new Random(seed);
        var values = new int[episodes * steps * agents];
        for (int k = 0; k < values.Length; k++) values[k] = random.Next(actions);
        return new Trajectories(new GameShape(agents, actions), episodes, steps, values, metadata);
    }

    /// <summary>The action at <c>(e, t, i)</c> is <c>(e + 2t + 3i) mod actions</c>: every value is predictable from its index.</summary>
    public static Trajectories Patterned(int episodes, int steps, int agents, int actions)
    {
        var values = new int[episodes * steps * agents];
        for (int e = 0; e < episodes; e++)
            for (int t = 0; t < steps; t++)
                for (int i = 0; i < agents; i++)
                    values[(e * steps + t) * agents + i] = (e + 2 * t + 3 * i) % actions;
        return new Trajectories(new GameShape(agents, actions), episodes, steps, values);
    }
}
