namespace Diml;

/// <summary>
/// A joint mechanism that also evaluates many queries in one call (generated when the payoff method's control
/// flow is the same for every query). <c>joints</c> holds <c>count</c> joint actions back to back;
/// <c>payoffs</c> and <c>payoffsBar</c> hold <c>count</c> rows of n payoffs. Results equal the
/// per-query methods' up to float rounding.
/// </summary>
public interface IBatchedJointMechanism : IJointMechanism
{
    void PayoffsBatch(ReadOnlySpan<float> theta, ReadOnlySpan<int> joints, int count, Span<float> payoffs);
    void PayoffsBatchAdjoint(ReadOnlySpan<float> theta, ReadOnlySpan<int> joints, int count, ReadOnlySpan<float> payoffsBar, Span<float> thetaBar);
}
