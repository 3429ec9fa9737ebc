using Diml.Fitting;

namespace Diml.Interventions;

/// <summary><c>M̂ + Δ</c> in anonymous form: both parts have the anonymous form.</summary>
internal class ComposedAnonymousMechanism(IMechanism fitted, IMechanism intervention, int actions)
    : ComposedMechanism(fitted, intervention, actions, PayoffForm.Anonymous), IAnonymousMechanism
{
    private protected IAnonymousMechanism FittedAnonymous { get; } = (IAnonymousMechanism)fitted;

    private protected IAnonymousMechanism InterventionAnonymous { get; } = (IAnonymousMechanism)intervention;

    public float Payoff(ReadOnlySpan<float> theta, int ownAction, ReadOnlySpan<int> opponentCounts) =>
        ModelCalls.Payoff(FittedAnonymous, FittedPart(theta), ownAction, opponentCounts)
        + ModelCalls.Payoff(InterventionAnonymous, InterventionParameters(theta), ownAction, opponentCounts);

    public double Payoff(ReadOnlySpan<double> theta, int ownAction, ReadOnlySpan<int> opponentCounts) =>
        ModelCalls.Payoff(FittedAnonymous, FittedPart(theta), ownAction, opponentCounts)
        + ModelCalls.Payoff(InterventionAnonymous, InterventionParameters(theta), ownAction, opponentCounts);

    public void PayoffAdjoint(ReadOnlySpan<float> theta, int ownAction, ReadOnlySpan<int> opponentCounts, float payoffBar, Span<float> thetaBar)
    {
        ModelCalls.PayoffAdjoint(FittedAnonymous, FittedPart(theta), ownAction, opponentCounts, payoffBar, FittedPart(thetaBar));
        ModelCalls.PayoffAdjoint(InterventionAnonymous, InterventionParameters(theta), ownAction, opponentCounts, payoffBar, InterventionParameters(thetaBar));
    }

    public void PayoffAdjoint(ReadOnlySpan<double> theta, int ownAction, ReadOnlySpan<int> opponentCounts, double payoffBar, Span<double> thetaBar)
    {
        ModelCalls.PayoffAdjoint(FittedAnonymous, FittedPart(theta), ownAction, opponentCounts, payoffBar, FittedPart(thetaBar));
        ModelCalls.PayoffAdjoint(InterventionAnonymous, InterventionParameters(theta), ownAction, opponentCounts, payoffBar, InterventionParameters(thetaBar));
    }
}
