namespace Diml.Experiments.Mechanisms;

/// <summary>
/// Congestion with tolls (DESIGN §1, E2): an agent on route <c>a</c> shared by <c>load</c> agents earns
/// <c>−(c1[a]·load + c2[a]·load²) + τ[a]·load</c>.
/// </summary>
[Mechanism]
public sealed partial class Congestion
{
    /// <summary>Creates the mechanism for a game with <paramref name="actions"/> routes, all parameters zero.</summary>
    public Congestion(int actions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(actions, 2);
        LinearCost = new float[actions];
        QuadraticCost = new float[actions];
        Toll = new float[actions];
    }

    /// <summary>c1: cost per unit of load on each route.</summary>
    [Param] public float[] LinearCost;

    /// <summary>c2: cost per unit of squared load on each route.</summary>
    [Param] public float[] QuadraticCost;

    /// <summary>τ: toll revenue returned per unit of load on each route.</summary>
    [Param] public float[] Toll;

    /// <summary>The payoff of <paramref name="agent"/> under the joint action <paramref name="joint"/>.</summary>
    [Payoff]
    public float Payoff(ReadOnlySpan<int> joint, int agent)
    {
        int route = joint[agent];
        int load = 0;
        for (int j = 0; j < joint.Length; j++)
        {
            if (joint[j] == route) load++;
        }
        return -(LinearCost[route] * load + QuadraticCost[route] * load * load) + Toll[route] * load;
    }
}
