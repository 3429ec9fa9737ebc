namespace Diml;

/// <summary>
/// A mechanism in joint form. <c>theta</c> is the flat parameter vector (<see cref="IDifferentiableModel.Layout"/>).
/// Adjoints <b>add</b> into <c>thetaBar</c>.
/// </summary>
public interface IJointMechanism : IMechanism
{
    void Payoffs(ReadOnlySpan<float> theta, ReadOnlySpan<int> joint, Span<float> payoffs);
    void PayoffsAdjoint(ReadOnlySpan<float> theta, ReadOnlySpan<int> joint, ReadOnlySpan<float> payoffsBar, Span<float> thetaBar);
    void Payoffs(ReadOnlySpan<double> theta, ReadOnlySpan<int> joint, Span<double> payoffs);
    void PayoffsAdjoint(ReadOnlySpan<double> theta, ReadOnlySpan<int> joint, ReadOnlySpan<double> payoffsBar, Span<double> thetaBar);
}
