namespace Diml.Data;

/// <summary>
/// Action trajectories: episodes × steps × agents actions stored flat in <c>[e, t, i]</c> order.
/// (Temporary minimal version for the fitting branch; replaced by the data layer's own at merge.)
/// </summary>
public sealed class Trajectories
{
    private readonly int[] _actions;

    /// <summary>Wraps <paramref name="actions"/> (length episodes·steps·agents, layout <c>[e, t, i]</c>).</summary>
    public Trajectories(GameShape shape, int episodes, int steps, int[] actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (shape.Agents < 1 || shape.Actions < 1)
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "A game needs at least one agent and one action.");
        ArgumentOutOfRangeException.ThrowIfNegative(episodes);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        long expected = (long)episodes * steps * shape.Agents;
        if (actions.Length != expected)
            throw new ArgumentException($"The action array has {actions.Length} entries; expected episodes·steps·agents = {expected}.", nameof(actions));
        foreach (int a in actions)
            if ((uint)a >= (uint)shape.Actions)
                throw new ArgumentException($"Action {a} is outside 0..{shape.Actions - 1}.", nameof(actions));
        Shape = shape;
        Episodes = episodes;
        Steps = steps;
        _actions = actions;
    }

    /// <summary>Agents and actions of the game.</summary>
    public GameShape Shape { get; }

    /// <summary>Number of episodes, E.</summary>
    public int Episodes { get; }

    /// <summary>Number of steps per episode, T.</summary>
    public int Steps { get; }

    /// <summary>The joint action of episode <paramref name="e"/> at step <paramref name="t"/>.</summary>
    public ReadOnlySpan<int> Step(int e, int t) => _actions.AsSpan(((e * Steps) + t) * Shape.Agents, Shape.Agents);

    /// <summary>The action of agent <paramref name="i"/> in episode <paramref name="e"/> at step <paramref name="t"/>.</summary>
    public int Action(int e, int t, int i) => _actions[(((e * Steps) + t) * Shape.Agents) + i];
}
