using System.Numerics;

namespace Diml.Tests.Fitting.Models;

/// <summary>
/// Congestion tolls, per-agent form: <c>payoff_i = −(c1[a_i]·load + c2[a_i]·load²) + τ[a_i]·load</c>, where
/// <c>load</c> is the number of agents on <c>a_i</c> (including i).
/// </summary>
public sealed class CongestionMechanism : HandWrittenMechanism, IPerAgentMechanism
{
    private readonly int _actions;

    public CongestionMechanism(int actions)
        : base("Congestion", PayoffForm.PerAgent, new ParameterLayout([
            new ParameterBlock("c1", 1, actions, 1, 0),
            new ParameterBlock("c2", 1, actions, 1, actions),
            new ParameterBlock("tau", 1, actions, 1, 2 * actions)]))
        => _actions = actions;

    /// <summary>The reference's truth: c1 ~ U(0.1,0.4), c2 ~ U(0.05,0.15), τ ~ U(0,0.2).</summary>
    public override void InitializeParameters(Random random)
    {
        for (int k = 0; k < _actions; k++)
        {
            Theta[k] = (float)(0.1 + (0.3 * random.NextDouble()));
            Theta[_actions + k] = (float)(0.05 + (0.1 * random.NextDouble()));
            Theta[(2 * _actions) + k] = (float)(0.2 * random.NextDouble());
        }
    }

    public float Payoff(ReadOnlySpan<float> theta, ReadOnlySpan<int> joint, int agent) => Payoff<float>(theta, joint, agent);
    public double Payoff(ReadOnlySpan<double> theta, ReadOnlySpan<int> joint, int agent) => Payoff<double>(theta, joint, agent);
    public void PayoffAdjoint(ReadOnlySpan<float> theta, ReadOnlySpan<int> joint, int agent, float payoffBar, Span<float> thetaBar) => Adjoint(joint, agent, payoffBar, thetaBar);
    public void PayoffAdjoint(ReadOnlySpan<double> theta, ReadOnlySpan<int> joint, int agent, double payoffBar, Span<double> thetaBar) => Adjoint(joint, agent, payoffBar, thetaBar);

    private static int Load(ReadOnlySpan<int> joint, int action)
    {
        int load = 0;
        foreach (int a in joint) if (a == action) load++;
        return load;
    }

    private T Payoff<T>(ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, int agent) where T : INumber<T>
    {
        int a = joint[agent];
        T load = T.CreateTruncating(Load(joint, a));
        return -((theta[a] * load) + (theta[_actions + a] * load * load)) + (theta[(2 * _actions) + a] * load);
    }

    private void Adjoint<T>(ReadOnlySpan<int> joint, int agent, T payoffBar, Span<T> thetaBar) where T : INumber<T>
    {
        int a = joint[agent];
        T load = T.CreateTruncating(Load(joint, a));
        thetaBar[a] -= load * payoffBar;
        thetaBar[_actions + a] -= load * load * payoffBar;
        thetaBar[(2 * _actions) + a] += load * payoffBar;
    }
}
