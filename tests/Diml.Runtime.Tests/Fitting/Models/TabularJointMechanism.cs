using System.Numerics;

namespace Diml.Tests.Fitting.Models;

/// <summary>One parameter per joint action and agent: <c>payoff_i(a) = table[index(a), i]</c> (TabularMLE).</summary>
public sealed class TabularJointMechanism : HandWrittenMechanism, IJointMechanism
{
    private readonly int _agents, _actions;

    public TabularJointMechanism(int agents, int actions)
        : base("TabularJoint", PayoffForm.Joint, new ParameterLayout([new ParameterBlock("table", 2, (int)Math.Pow(actions, agents), agents, 0)]))
    {
        _agents = agents;
        _actions = actions;
    }

    /// <summary>Little-endian base-A index of a joint action.</summary>
    public int Index(ReadOnlySpan<int> joint)
    {
        int index = 0;
        for (int j = _agents - 1; j >= 0; j--) index = (index * _actions) + joint[j];
        return index;
    }

    public void Payoffs(ReadOnlySpan<float> theta, ReadOnlySpan<int> joint, Span<float> payoffs) => theta.Slice(Index(joint) * _agents, _agents).CopyTo(payoffs);
    public void Payoffs(ReadOnlySpan<double> theta, ReadOnlySpan<int> joint, Span<double> payoffs) => theta.Slice(Index(joint) * _agents, _agents).CopyTo(payoffs);
    public void PayoffsAdjoint(ReadOnlySpan<float> theta, ReadOnlySpan<int> joint, ReadOnlySpan<float> payoffsBar, Span<float> thetaBar) => Add(joint, payoffsBar, thetaBar);
    public void PayoffsAdjoint(ReadOnlySpan<double> theta, ReadOnlySpan<int> joint, ReadOnlySpan<double> payoffsBar, Span<double> thetaBar) => Add(joint, payoffsBar, thetaBar);

    private void Add<T>(ReadOnlySpan<int> joint, ReadOnlySpan<T> payoffsBar, Span<T> thetaBar) where T : INumber<T>
    {
        var row = thetaBar.Slice(Index(joint) * _agents, _agents);
        for (int i = 0; i < _agents; i++) row[i] += payoffsBar[i];
    }
}
