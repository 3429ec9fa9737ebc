using Diml;

namespace DimlMechanism;

/// <summary>
/// Drivers choose one of several routes; a route's cost grows with its load, and a toll is paid per driver.
/// The generator differentiates <see cref="Payoff"/> with respect to the three [Param] fields.
/// </summary>
[Mechanism]
public sealed partial class TolledRoutes
{
    public TolledRoutes(int routes)
    {
        Cost = new float[routes];
        Toll = new float[routes];
    }

    [Param] public float[] Cost;
    [Param] public float[] Toll;
    [Param] public float Crowding = 0.1f;

    [Payoff]
    public float Payoff(ReadOnlySpan<int> joint, int agent)
    {
        int route = joint[agent];
        int load = 0;
        for (int j = 0; j < joint.Length; j++)
        {
            if (joint[j] == route) load++;
        }
        return -Cost[route] - Crowding * load * load - Toll[route];
    }
}
