namespace Diml.Simulation;

/// <summary>
/// A mechanism's payoffs group by group: one kernel per group size, and the counterfactual payoffs of a group's members
/// from the group's own joint action (DESIGN §1, "Groups": an agent's payoff depends only on its group's actions). What the
/// grouped simulators and the grouped step likelihood share. One instance per thread.
/// </summary>
internal sealed class GroupPayoffKernels
{
    private readonly Dictionary<int, PayoffKernel<float>> _kernels = [];
    private readonly int[] _groupJoint;
    private readonly float[] _groupPayoffs;
    private readonly int _actions;

    /// <summary>Kernels of <paramref name="mechanism"/> for each of <paramref name="sizes"/> (batched ones where the mechanism has them, with <paramref name="batched"/>).</summary>
    public GroupPayoffKernels(IMechanism mechanism, IEnumerable<int> sizes, int agents, int actions, bool batched)
    {
        _actions = actions;
        foreach (int size in sizes.Distinct()) _kernels[size] = PayoffKernel<float>.For(mechanism, size, actions, batched);
        _groupJoint = new int[agents];
        _groupPayoffs = new float[agents * actions];
    }

    /// <summary>Whether there is a kernel for every one of <paramref name="sizes"/>.</summary>
    public bool Covers(IEnumerable<int> sizes) => sizes.All(_kernels.ContainsKey);

    /// <summary>
    /// Writes <c>u[i·A + k]</c>, the payoff of own action k to each member i of the group <paramref name="members"/> (agents
    /// in increasing order: their positions in the group's joint action) given the others' actions in
    /// <paramref name="joint"/>, and, unless <paramref name="received"/> is empty, each member's payoff of the played joint
    /// action to <c>received[i]</c>. Other agents' entries are left as they are.
    /// </summary>
    public void Evaluate(ReadOnlySpan<float> theta, ReadOnlySpan<int> joint, ReadOnlySpan<int> members, Span<float> u, Span<float> received = default)
    {
        int a = _actions, size = members.Length;
        for (int p = 0; p < size; p++) _groupJoint[p] = joint[members[p]];
        _kernels[size].Counterfactual(theta, _groupJoint.AsSpan(0, size), _groupPayoffs.AsSpan(0, size * a));
        for (int p = 0; p < size; p++)
        {
            int agent = members[p];
            _groupPayoffs.AsSpan(p * a, a).CopyTo(u.Slice(agent * a, a));
            if (!received.IsEmpty) received[agent] = _groupPayoffs[(p * a) + joint[agent]];
        }
    }
}
