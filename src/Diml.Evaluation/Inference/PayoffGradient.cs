namespace Diml.Evaluation.Inference;

/// <summary>
/// One payoff of a mechanism and its exact gradient with respect to the parameters, in double, through the generated
/// adjoint of whichever payoff form the mechanism has: what the delta method needs for a derived quantity.
/// </summary>
public static class PayoffGradient
{
    /// <summary>
    /// <c>M_θ(profile)_agent</c>; its gradient is <b>added</b> into <paramref name="gradient"/>, scaled by
    /// <paramref name="weight"/> (so that a difference of payoffs is two calls with weights 1 and −1).
    /// </summary>
    /// <remarks><paramref name="actions"/>: the game's number of actions (the length of an anonymous mechanism's counts).</remarks>
    public static double Payoff(IMechanism mechanism, int actions, ReadOnlySpan<double> theta, ReadOnlySpan<int> profile, int agent, Span<double> gradient,
        double weight = 1)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        if (theta.Length != mechanism.Layout.TotalLength)
            throw new ArgumentException($"{nameof(theta)}: expected {mechanism.Layout.TotalLength} parameters, found {theta.Length}.", nameof(theta));
        if (gradient.Length != theta.Length)
            throw new ArgumentException($"{nameof(gradient)}: expected {theta.Length} entries, found {gradient.Length}.", nameof(gradient));
        if ((uint)agent >= (uint)profile.Length)
            throw new ArgumentOutOfRangeException(nameof(agent), agent, $"{nameof(agent)}: expected an agent in 0..{profile.Length - 1}, found {agent}.");
        switch (mechanism)
        {
            case IPerAgentMechanism perAgent:
                perAgent.PayoffAdjoint(theta, profile, agent, weight, gradient);
                return perAgent.Payoff(theta, profile, agent);
            case IJointMechanism joint:
            {
                var payoffs = new double[profile.Length];
                joint.Payoffs(theta, profile, payoffs);
                var bar = new double[profile.Length];
                bar[agent] = weight;
                joint.PayoffsAdjoint(theta, profile, bar, gradient);
                return payoffs[agent];
            }
            case IAnonymousMechanism anonymous:
            {
                var opponents = new int[actions];
                for (int j = 0; j < profile.Length; j++)
                    if (j != agent) opponents[profile[j]]++;
                anonymous.PayoffAdjoint(theta, profile[agent], opponents, weight, gradient);
                return anonymous.Payoff(theta, profile[agent], opponents);
            }
            default:
                throw new ArgumentException($"{nameof(mechanism)}: expected a joint, per-agent or anonymous mechanism, found {mechanism.GetType().Name}.", nameof(mechanism));
        }
    }
}
