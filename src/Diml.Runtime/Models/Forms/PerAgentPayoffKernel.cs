using System.Numerics;
using Diml.Fitting;

namespace Diml;

/// <summary>The per-agent form: one kernel call gives one agent's payoff of one joint action.</summary>
internal sealed class PerAgentPayoffKernel<T>(IPerAgentMechanism mechanism, int agents, int actions) : PayoffKernel<T>(agents, actions)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int[] _profile = new int[agents];

    public override int QueryWidth => Actions;

    /// <remarks>The key is the profile with the own slot blanked, then the agent: values are its payoff of each own action.</remarks>
    public override void EvaluateQuery(ReadOnlySpan<T> theta, ReadOnlySpan<int> key, Span<T> values)
    {
        int n = Agents, agent = key[n];
        key[..n].CopyTo(_profile);
        for (int k = 0; k < Actions; k++)
        {
            _profile[agent] = k;
            values[k] = ModelCalls.Payoff(mechanism, theta, _profile, agent);
        }
    }

    public override void QueryAdjoint(ReadOnlySpan<T> theta, ReadOnlySpan<int> key, ReadOnlySpan<T> seeds, Span<T> thetaBar)
    {
        int n = Agents, agent = key[n];
        key[..n].CopyTo(_profile);
        for (int k = 0; k < Actions; k++)
        {
            if (seeds[k] == T.Zero) continue;
            _profile[agent] = k;
            ModelCalls.PayoffAdjoint(mechanism, theta, _profile, agent, seeds[k], thetaBar);
        }
    }

    public override void Payoffs(ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, Span<T> payoffs)
    {
        for (int i = 0; i < Agents; i++) payoffs[i] = ModelCalls.Payoff(mechanism, theta, joint, i);
    }

    public override T Payoff(ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, int agent) =>
        ModelCalls.Payoff(mechanism, theta, joint, agent);

    public override void Counterfactual(ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, Span<T> payoffs)
    {
        int n = Agents, a = Actions;
        joint.CopyTo(_profile);
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < a; k++)
            {
                _profile[i] = k;
                payoffs[(i * a) + k] = ModelCalls.Payoff(mechanism, theta, _profile, i);
            }
            _profile[i] = joint[i];
        }
    }
}
