namespace Diml;

/// <summary>
/// A mechanism in anonymous form: an agent's payoff depends on its own action and on how many of the
/// <i>other</i> agents play each action (<c>opponentCounts</c>, length = number of actions).
/// <c>theta</c> is the flat parameter vector; adjoints <b>add</b> into <c>thetaBar</c>.
/// </summary>
public interface IAnonymousMechanism : IMechanism
{
    float Payoff(ReadOnlySpan<float> theta, int ownAction, ReadOnlySpan<int> opponentCounts);
    void PayoffAdjoint(ReadOnlySpan<float> theta, int ownAction, ReadOnlySpan<int> opponentCounts, float payoffBar, Span<float> thetaBar);
    double Payoff(ReadOnlySpan<double> theta, int ownAction, ReadOnlySpan<int> opponentCounts);
    void PayoffAdjoint(ReadOnlySpan<double> theta, int ownAction, ReadOnlySpan<int> opponentCounts, double payoffBar, Span<double> thetaBar);
}
