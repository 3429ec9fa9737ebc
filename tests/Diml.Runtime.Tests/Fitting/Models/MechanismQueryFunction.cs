namespace Diml.Tests.Fitting.Models;

/// <summary>
/// A mechanism at one fixed query as a flat function of its parameters (output: the query's payoffs), for
/// gradient checks. Joint: all n payoffs of <c>joint</c>; per agent: agent <c>agent</c>'s payoff of
/// <c>joint</c>; anonymous: the payoff of own action <c>agent</c> against <c>joint</c> read as counts.
/// </summary>
public sealed class MechanismQueryFunction(IMechanism mechanism, int[] joint, int agent) : IFlatFunction
{
    public string Name => $"{mechanism.ModelName}.Payoff";
    public int InputLength => mechanism.Layout.TotalLength;
    public int OutputLength => mechanism.Form == PayoffForm.Joint ? joint.Length : 1;

    public void Evaluate(ReadOnlySpan<double> input, Span<double> output)
    {
        switch (mechanism)
        {
            case IJointMechanism m: m.Payoffs(input, joint, output); break;
            case IPerAgentMechanism m: output[0] = m.Payoff(input, joint, agent); break;
            case IAnonymousMechanism m: output[0] = m.Payoff(input, agent, joint); break;
        }
    }

    public void Adjoint(ReadOnlySpan<double> input, ReadOnlySpan<double> outputBar, Span<double> inputBar)
    {
        switch (mechanism)
        {
            case IJointMechanism m: m.PayoffsAdjoint(input, joint, outputBar, inputBar); break;
            case IPerAgentMechanism m: m.PayoffAdjoint(input, joint, agent, outputBar[0], inputBar); break;
            case IAnonymousMechanism m: m.PayoffAdjoint(input, agent, joint, outputBar[0], inputBar); break;
        }
    }

    public void Evaluate(ReadOnlySpan<float> input, Span<float> output)
    {
        switch (mechanism)
        {
            case IJointMechanism m: m.Payoffs(input, joint, output); break;
            case IPerAgentMechanism m: output[0] = m.Payoff(input, joint, agent); break;
            case IAnonymousMechanism m: output[0] = m.Payoff(input, agent, joint); break;
        }
    }

    public void Adjoint(ReadOnlySpan<float> input, ReadOnlySpan<float> outputBar, Span<float> inputBar)
    {
        switch (mechanism)
        {
            case IJointMechanism m: m.PayoffsAdjoint(input, joint, outputBar, inputBar); break;
            case IPerAgentMechanism m: m.PayoffAdjoint(input, joint, agent, outputBar[0], inputBar); break;
            case IAnonymousMechanism m: m.PayoffAdjoint(input, agent, joint, outputBar[0], inputBar); break;
        }
    }
}
