using System.Globalization;

namespace Diml.Mechanisms;

/// <summary>
/// The tabular mechanism of the TabularMLE baseline (DESIGN §1): one free parameter per joint action and agent,
/// <c>M(a)_i = Table[index(a), i]</c>, with <c>index(a) = Σ_i a_i·A^(n−1−i)</c> (agent 0 most significant, as
/// NumPy's <c>ravel_multi_index</c>).
/// </summary>
/// <remarks>
/// The table has <c>A^n · n</c> entries, so it exists only for small games: the constructor refuses
/// <c>A^n &gt; 20,000</c>, the reference's limit. Parameters start at zero.
/// </remarks>
[Mechanism]
public sealed partial class Tabular
{
    /// <summary>Largest number of joint actions the table may have (the reference's limit).</summary>
    public const int MaxJointActions = 20_000;

    /// <summary>Creates the table for <paramref name="agents"/> agents with <paramref name="actions"/> actions each, all zero.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range, or <c>actions^agents</c> exceeds <see cref="MaxJointActions"/>.</exception>
    public Tabular(int agents, int actions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(agents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(actions, 2);
        long joints = 1;
        for (int i = 0; i < agents && joints <= MaxJointActions; i++)
            joints *= actions;
        if (joints > MaxJointActions)
            throw new ArgumentOutOfRangeException(nameof(agents), agents, string.Create(CultureInfo.InvariantCulture,
                $"A tabular mechanism needs one parameter per joint action and agent; {actions}^{agents} joint actions exceed the limit of {MaxJointActions:N0}. Use a parametric mechanism for games this large."));
        Agents = agents;
        Actions = actions;
        JointActions = (int)joints;
        Table = new float[JointActions, agents];
    }

    /// <summary>Number of agents n.</summary>
    public int Agents { get; }

    /// <summary>Number of actions A per agent.</summary>
    public int Actions { get; }

    /// <summary>Number of joint actions <c>A^n</c>: the rows of <see cref="Table"/>.</summary>
    public int JointActions { get; }

    /// <summary>Row <c>index(a)</c>, column <c>i</c>: agent i's payoff of joint action a.</summary>
    [Param(Init = ParamInit.Zeros)] public float[,] Table;

    /// <summary>
    /// Draws a true table for simulations: every payoff standard normal (Box–Muller on <paramref name="random"/>), so
    /// that agents have real incentives to learn (a zero table would make them play uniformly).
    /// </summary>
    public void DrawTruth(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        for (int j = 0; j < JointActions; j++)
            for (int i = 0; i < Agents; i++)
                Table[j, i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
    }

    /// <summary>The row of <paramref name="joint"/>: <c>Σ_i a_i·A^(n−1−i)</c>.</summary>
    public int Index(ReadOnlySpan<int> joint)
    {
        if (joint.Length != Agents)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{nameof(joint)}: expected {Agents} actions; found {joint.Length}."), nameof(joint));
        int index = 0;
        for (int i = 0; i < joint.Length; i++)
        {
            if ((uint)joint[i] >= (uint)Actions)
                throw new ArgumentOutOfRangeException(nameof(joint), joint[i], string.Create(CultureInfo.InvariantCulture, $"{nameof(joint)}[{i}]: expected an action in 0..{Actions - 1}; found {joint[i]}."));
            index = index * Actions + joint[i];
        }
        return index;
    }

    /// <summary>Every agent's payoff of <paramref name="joint"/>: row <c>index(joint)</c> of the table.</summary>
    [Payoff]
    public void Payoffs(ReadOnlySpan<int> joint, Span<float> payoffs)
    {
        int index = 0;
        for (int i = 0; i < joint.Length; i++)
            index = index * Actions + joint[i];
        for (int i = 0; i < joint.Length; i++)
            payoffs[i] = Table[index, i];
    }
}
