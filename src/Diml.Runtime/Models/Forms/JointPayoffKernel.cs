using System.Numerics;
using Diml.Fitting;

namespace Diml;

/// <summary>The joint form: one kernel call gives every agent's payoff of one joint profile.</summary>
internal sealed class JointPayoffKernel<T>(IJointMechanism mechanism, int agents, int actions) : PayoffKernel<T>(agents, actions)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int[] _profile = new int[agents];
    private readonly T[] _played = new T[agents], _other = new T[agents];

    public override int QueryWidth => Agents;

    public override void EvaluateQuery(ReadOnlySpan<T> theta, ReadOnlySpan<int> key, Span<T> values) =>
        ModelCalls.Payoffs(mechanism, theta, key, values);

    public override void QueryAdjoint(ReadOnlySpan<T> theta, ReadOnlySpan<int> key, ReadOnlySpan<T> seeds, Span<T> thetaBar)
    {
        // Queries outside the scored window (the carried prefix) have no seed: skip their adjoint.
        if (seeds.IndexOfAnyExcept(T.Zero) < 0) return;
        ModelCalls.PayoffsAdjoint(mechanism, theta, key, seeds, thetaBar);
    }

    public override void Payoffs(ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, Span<T> payoffs) =>
        ModelCalls.Payoffs(mechanism, theta, joint, payoffs);

    public override T Payoff(ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, int agent)
    {
        ModelCalls.Payoffs(mechanism, theta, joint, _other);
        return _other[agent];
    }

    /// <remarks>The played profile serves every agent's <c>k = a_i</c>; the others need one profile each.</remarks>
    public override void Counterfactual(ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, Span<T> payoffs)
    {
        int n = Agents, a = Actions;
        ModelCalls.Payoffs(mechanism, theta, joint, _played);
        joint.CopyTo(_profile);
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < a; k++)
            {
                if (k == joint[i]) { payoffs[(i * a) + k] = _played[i]; continue; }
                _profile[i] = k;
                ModelCalls.Payoffs(mechanism, theta, _profile, _other);
                payoffs[(i * a) + k] = _other[i];
            }
            _profile[i] = joint[i];
        }
    }
}
