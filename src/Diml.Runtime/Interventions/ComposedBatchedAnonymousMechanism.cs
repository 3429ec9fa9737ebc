using Diml.Fitting;

namespace Diml.Interventions;

/// <summary>
/// <c>M̂ + Δ</c> in anonymous form when the fitted mechanism has a batched kernel: the fitted part keeps its batched kernel
/// (so simulation and fitting round as they do without the intervention) and the intervention is added query by query.
/// </summary>
internal sealed class ComposedBatchedAnonymousMechanism(IMechanism fitted, IMechanism intervention, int actions)
    : ComposedAnonymousMechanism(fitted, intervention, actions), IBatchedAnonymousMechanism
{
    private readonly IBatchedAnonymousMechanism _fittedBatched = (IBatchedAnonymousMechanism)fitted;

    public void PayoffBatch(ReadOnlySpan<float> theta, ReadOnlySpan<int> ownActions, ReadOnlySpan<int> opponentCounts, int count, Span<float> payoffs)
    {
        _fittedBatched.PayoffBatch(FittedPart(theta), ownActions, opponentCounts, count, payoffs);
        var change = InterventionParameters(theta);
        int a = Actions;
        for (int q = 0; q < count; q++)
            payoffs[q] += ModelCalls.Payoff(InterventionAnonymous, change, ownActions[q], opponentCounts.Slice(q * a, a));
    }

    public void PayoffBatchAdjoint(ReadOnlySpan<float> theta, ReadOnlySpan<int> ownActions, ReadOnlySpan<int> opponentCounts, int count, ReadOnlySpan<float> payoffsBar, Span<float> thetaBar)
    {
        _fittedBatched.PayoffBatchAdjoint(FittedPart(theta), ownActions, opponentCounts, count, payoffsBar, FittedPart(thetaBar));
        var change = InterventionParameters(theta);
        var changeBar = InterventionParameters(thetaBar);
        int a = Actions;
        for (int q = 0; q < count; q++)
            if (payoffsBar[q] != 0f)
                ModelCalls.PayoffAdjoint(InterventionAnonymous, change, ownActions[q], opponentCounts.Slice(q * a, a), payoffsBar[q], changeBar);
    }
}
