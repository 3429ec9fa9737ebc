namespace Diml;

/// <summary>
/// A per-agent mechanism that also evaluates many queries in one call: query <c>q</c> is the joint action
/// <c>joints[q·n ..][..n]</c> and the agent <c>agents[q]</c>; <c>payoffs[q]</c> is its payoff (see
/// <see cref="IBatchedJointMechanism"/>).
/// </summary>
public interface IBatchedPerAgentMechanism : IPerAgentMechanism
{
    void PayoffBatch(ReadOnlySpan<float> theta, ReadOnlySpan<int> joints, ReadOnlySpan<int> agents, int count, Span<float> payoffs);
    void PayoffBatchAdjoint(ReadOnlySpan<float> theta, ReadOnlySpan<int> joints, ReadOnlySpan<int> agents, int count, ReadOnlySpan<float> payoffsBar, Span<float> thetaBar);
}
