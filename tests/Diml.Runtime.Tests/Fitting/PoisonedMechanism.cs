using Diml.Tests.Fitting.Models;

namespace Diml.Tests.Fitting;

/// <summary>Congestion payoffs that turn NaN once any parameter leaves [−limit, limit]: a deterministic way to make a fit diverge.</summary>
internal sealed class PoisonedMechanism(int actions, float limit) : IPerAgentMechanism
{
    private readonly CongestionMechanism _inner = new(actions);

    public CongestionMechanism Inner => _inner;
    public string ModelName => "Poisoned";
    public ParameterLayout Layout => _inner.Layout;
    public PayoffForm Form => PayoffForm.PerAgent;
    public void ReadParameters(Span<float> destination) => _inner.ReadParameters(destination);
    public void WriteParameters(ReadOnlySpan<float> source) => _inner.WriteParameters(source);
    public void InitializeParameters(Random random) => _inner.InitializeParameters(random);
    public GradientCheckReport CheckGradients(int agents, int actions, int seed = 1) => _inner.CheckGradients(agents, actions, seed);

    private bool Outside<T>(ReadOnlySpan<T> theta) where T : System.Numerics.INumber<T>
    {
        foreach (var value in theta) if (T.Abs(value) > T.CreateTruncating(limit)) return true;
        return false;
    }

    public float Payoff(ReadOnlySpan<float> theta, ReadOnlySpan<int> joint, int agent) => Outside(theta) ? float.NaN : _inner.Payoff(theta, joint, agent);
    public double Payoff(ReadOnlySpan<double> theta, ReadOnlySpan<int> joint, int agent) => Outside(theta) ? double.NaN : _inner.Payoff(theta, joint, agent);
    public void PayoffAdjoint(ReadOnlySpan<float> theta, ReadOnlySpan<int> joint, int agent, float payoffBar, Span<float> thetaBar) => _inner.PayoffAdjoint(theta, joint, agent, payoffBar, thetaBar);
    public void PayoffAdjoint(ReadOnlySpan<double> theta, ReadOnlySpan<int> joint, int agent, double payoffBar, Span<double> thetaBar) => _inner.PayoffAdjoint(theta, joint, agent, payoffBar, thetaBar);
}
