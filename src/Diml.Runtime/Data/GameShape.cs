using System.Globalization;

namespace Diml.Data;

/// <summary>
/// The size of a game: <see cref="Agents"/> agents with <see cref="Actions"/> actions each. A joint action is
/// one action per agent, so there are <c>Actions^Agents</c> of them, which overflows every integer type in
/// large games (E7 has 40^300), hence the overflow-aware members below.
/// </summary>
/// <remarks><c>default(GameShape)</c> has zero agents and actions and is not a valid shape; use the constructor.</remarks>
public readonly record struct GameShape
{
    /// <summary>
    /// The most agents a game may have. Work per step grows with <c>n·A</c> and some buffers with <c>n·A²</c>; the
    /// limits keep every buffer sized from a shape far inside the array and memory limits (E7 has 300 agents).
    /// </summary>
    public const int MaxAgents = 10_000;

    /// <summary>The most actions per agent (E7 has 40). Learners keep per-action scratch on the stack.</summary>
    public const int MaxActions = 256;

    /// <summary>
    /// Creates a shape, checking that 1 ≤ <paramref name="agents"/> ≤ <see cref="MaxAgents"/> and
    /// 2 ≤ <paramref name="actions"/> ≤ <see cref="MaxActions"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range.</exception>
    public GameShape(int agents, int actions)
    {
        if (agents < 1) ThrowHelper.ThrowArgumentOutOfRange(nameof(agents), "at least 1 agent", agents);
        if (agents > MaxAgents) ThrowHelper.ThrowArgumentOutOfRange(nameof(agents), $"at most {MaxAgents} agents (GameShape.MaxAgents)", agents);
        // One action would be no choice at all: every likelihood would be 1 and nothing could be learned.
        if (actions < 2) ThrowHelper.ThrowArgumentOutOfRange(nameof(actions), "at least 2 actions", actions);
        if (actions > MaxActions) ThrowHelper.ThrowArgumentOutOfRange(nameof(actions), $"at most {MaxActions} actions (GameShape.MaxActions)", actions);
        Agents = agents;
        Actions = actions;
    }

    /// <summary>Number of agents <c>n</c> (at least 1).</summary>
    public int Agents { get; }

    /// <summary>Number of actions <c>A</c> each agent chooses from (at least 2).</summary>
    public int Actions { get; }

    /// <summary>
    /// <c>A^n</c> as a double: exact up to 2^53, rounded beyond, and <see cref="double.PositiveInfinity"/> when it
    /// exceeds the double range (E7: 40^300 ≈ 10^480.6). Use <see cref="TryGetJointActionCount"/> for an exact count
    /// and <see cref="HasAtMostJointActions"/> for threshold tests.
    /// </summary>
    public double JointActionCount => Math.Pow(Actions, Agents);

    /// <summary><c>log10(A^n) = n·log10(A)</c>, finite for every shape (E7: ≈ 480.6).</summary>
    public double Log10JointActionCount => Agents * Math.Log10(Actions);

    /// <summary>Gets <c>A^n</c> exactly when it fits in a <see cref="long"/>; returns false (and 0) when it does not.</summary>
    public bool TryGetJointActionCount(out long count)
    {
        long product = 1;
        for (int i = 0; i < Agents; i++)
        {
            // product · A > long.MaxValue  ⇔  product > long.MaxValue / A (integer division is exact enough here).
            if (product > long.MaxValue / Actions) { count = 0; return false; }
            product *= Actions;
        }
        count = product;
        return true;
    }

    /// <summary>
    /// Whether <c>A^n ≤ limit</c>, computed exactly without overflow. The evaluation protocol switches behaviour on
    /// such thresholds (for example <c>A^n ≤ 20,000</c> for exhaustive off-support metrics and the tabular baseline).
    /// </summary>
    public bool HasAtMostJointActions(long limit)
    {
        if (limit < 1) return false;
        long product = 1;
        for (int i = 0; i < Agents; i++)
        {
            if (product > limit / Actions) return false;
            product *= Actions;
        }
        return product <= limit;
    }

    /// <summary>A readable shape such as <c>3 agents x 6 actions</c> (<c>1 agent x 2 actions</c>).</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Agents} {(Agents == 1 ? "agent" : "agents")} x {Actions} actions");

    /// <summary>Deconstructs into <c>(agents, actions)</c>.</summary>
    public void Deconstruct(out int agents, out int actions)
    {
        agents = Agents;
        actions = Actions;
    }
}
