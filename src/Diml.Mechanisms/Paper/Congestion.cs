namespace Diml.Mechanisms;

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

    /// <summary>
    /// A true mechanism as the paper draws it (DESIGN §1, E2): <c>c1 ~ U(0.1, 0.4)</c>, <c>c2 ~ U(0.05, 0.15)</c>,
    /// <c>τ ~ U(0, 0.2)</c>, independently per route, drawn in that order (all c1, then all c2, then all τ).
    /// </summary>
    public static Congestion RandomTruth(int actions, Random random)
    {
        var truth = new Congestion(actions);
        truth.DrawTruth(random);
        return truth;
    }

    /// <summary>Draws the parameters as the reference draws E2's truth: c1 ~ U(0.1, 0.4), c2 ~ U(0.05, 0.15), τ ~ U(0, 0.2).</summary>
    public void DrawTruth(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Fill(LinearCost, 0.1, 0.4, random);
        Fill(QuadraticCost, 0.05, 0.15, random);
        Fill(Toll, 0.0, 0.2, random);

        static void Fill(float[] values, double low, double high, Random random)
        {
            for (int k = 0; k < values.Length; k++) values[k] = (float)(low + (high - low) * random.NextDouble());
        }
    }

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
