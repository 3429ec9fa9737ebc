namespace Diml;

/// <summary>
/// An anonymous mechanism that also evaluates many queries in one call: query <c>q</c> is the own action
/// <c>ownActions[q]</c> against the opponent counts <c>opponentCounts[q·A ..][..A]</c>; <c>payoffs[q]</c> is its
/// payoff (see <see cref="IBatchedJointMechanism"/>).
/// </summary>
public interface IBatchedAnonymousMechanism : IAnonymousMechanism
{
    void PayoffBatch(ReadOnlySpan<float> theta, ReadOnlySpan<int> ownActions, ReadOnlySpan<int> opponentCounts, int count, Span<float> payoffs);
    void PayoffBatchAdjoint(ReadOnlySpan<float> theta, ReadOnlySpan<int> ownActions, ReadOnlySpan<int> opponentCounts, int count, ReadOnlySpan<float> payoffsBar, Span<float> thetaBar);
}
