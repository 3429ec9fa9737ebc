namespace Diml.Interventions;

/// <summary><c>M̂ + Δ</c> in per-agent form: the more general part has the per-agent form.</summary>
internal sealed class ComposedPerAgentMechanism(IMechanism fitted, IMechanism intervention, int actions)
    : ComposedMechanism(fitted, intervention, actions, PayoffForm.PerAgent), IPerAgentMechanism
{
    public float Payoff(ReadOnlySpan<float> theta, ReadOnlySpan<int> joint, int agent) =>
        PartPayoffs.Payoff(Fitted, FittedPart(theta), joint, agent, Actions)
        + PartPayoffs.Payoff(InterventionPart, InterventionParameters(theta), joint, agent, Actions);

    public double Payoff(ReadOnlySpan<double> theta, ReadOnlySpan<int> joint, int agent) =>
        PartPayoffs.Payoff(Fitted, FittedPart(theta), joint, agent, Actions)
        + PartPayoffs.Payoff(InterventionPart, InterventionParameters(theta), joint, agent, Actions);

    public void PayoffAdjoint(ReadOnlySpan<float> theta, ReadOnlySpan<int> joint, int agent, float payoffBar, Span<float> thetaBar)
    {
        PartPayoffs.PayoffAdjoint(Fitted, FittedPart(theta), joint, agent, Actions, payoffBar, FittedPart(thetaBar));
        PartPayoffs.PayoffAdjoint(InterventionPart, InterventionParameters(theta), joint, agent, Actions, payoffBar, InterventionParameters(thetaBar));
    }

    public void PayoffAdjoint(ReadOnlySpan<double> theta, ReadOnlySpan<int> joint, int agent, double payoffBar, Span<double> thetaBar)
    {
        PartPayoffs.PayoffAdjoint(Fitted, FittedPart(theta), joint, agent, Actions, payoffBar, FittedPart(thetaBar));
        PartPayoffs.PayoffAdjoint(InterventionPart, InterventionParameters(theta), joint, agent, Actions, payoffBar, InterventionParameters(thetaBar));
    }
}
