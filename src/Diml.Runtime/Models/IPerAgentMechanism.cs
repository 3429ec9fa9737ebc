namespace Diml;

/// <summary>
/// A mechanism in per-agent form. <c>theta</c> is the flat parameter vector; adjoints <b>add</b> into <c>thetaBar</c>.
/// </summary>
public interface IPerAgentMechanism : IMechanism
{
    float Payoff(ReadOnlySpan<float> theta, ReadOnlySpan<int> joint, int agent);
    void PayoffAdjoint(ReadOnlySpan<float> theta, ReadOnlySpan<int> joint, int agent, float payoffBar, Span<float> thetaBar);
    double Payoff(ReadOnlySpan<double> theta, ReadOnlySpan<int> joint, int agent);
    void PayoffAdjoint(ReadOnlySpan<double> theta, ReadOnlySpan<int> joint, int agent, double payoffBar, Span<double> thetaBar);
}
