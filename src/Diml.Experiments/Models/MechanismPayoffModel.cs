using System.Globalization;
using Diml.Data;

namespace Diml.Experiments.Models;

/// <summary>
/// A generated mechanism at fixed parameters <c>θ</c> as an <see cref="IPayoffModel"/>, for any of the three payoff
/// forms, evaluated through the float kernels (the precision it was fitted in). Not thread-safe: it reuses scratch
/// buffers; create one per thread.
/// </summary>
public sealed class MechanismPayoffModel : IPayoffModel
{
    private readonly IMechanism _mechanism;
    private readonly float[] _theta;
    private readonly float[] _payoffs;
    private readonly int[] _counts;
    private readonly float[] _byAction;

    /// <summary>The payoffs of <paramref name="mechanism"/> at <paramref name="theta"/> (copied) in a game of <paramref name="shape"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="theta"/> does not fit the mechanism's layout, or the mechanism implements no payoff form.</exception>
    public MechanismPayoffModel(IMechanism mechanism, ReadOnlySpan<float> theta, GameShape shape)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        if (shape.Agents < 1 || shape.Actions < 2)
            throw new ArgumentException($"{nameof(shape)}: expected a valid game shape; found {shape}.", nameof(shape));
        int expected = mechanism.Layout.TotalLength;
        if (theta.Length != expected)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{nameof(theta)}: expected {expected} parameters ({mechanism.Layout}); found {theta.Length}."), nameof(theta));
        if (mechanism is not (IJointMechanism or IPerAgentMechanism or IAnonymousMechanism))
            throw new ArgumentException($"{nameof(mechanism)}: {mechanism.ModelName} implements no payoff interface.", nameof(mechanism));
        _mechanism = mechanism;
        _theta = theta.ToArray();
        _payoffs = new float[shape.Agents];
        _counts = new int[shape.Actions];
        _byAction = new float[shape.Actions];
        Shape = shape;
    }

    /// <summary>The payoffs of <paramref name="mechanism"/> at its current parameter fields.</summary>
    public static MechanismPayoffModel AtCurrentParameters(IMechanism mechanism, GameShape shape)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        return new MechanismPayoffModel(mechanism, theta, shape);
    }

    /// <inheritdoc/>
    public GameShape Shape { get; }

    /// <summary>The mechanism evaluated.</summary>
    public IMechanism Mechanism => _mechanism;

    /// <summary>The parameters it is evaluated at.</summary>
    public ReadOnlySpan<float> Parameters => _theta;

    /// <inheritdoc/>
    public void Payoffs(ReadOnlySpan<int> joint, Span<double> payoffs)
    {
        int n = Shape.Agents;
        CheckJoint(joint);
        if (payoffs.Length != n)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{nameof(payoffs)}: expected {n} entries; found {payoffs.Length}."), nameof(payoffs));
        if (_mechanism is IJointMechanism jointForm)
        {
            jointForm.Payoffs(_theta, joint, _payoffs);
            for (int i = 0; i < n; i++) payoffs[i] = _payoffs[i];
        }
        else if (_mechanism is IAnonymousMechanism anonymous)
        {
            // Agents playing the same action see the same opponent counts: one evaluation per action played.
            Span<float> byAction = _byAction;
            byAction.Fill(float.NaN);
            for (int i = 0; i < n; i++)
            {
                int own = joint[i];
                if (float.IsNaN(byAction[own]))
                {
                    CountOpponents(joint, i);
                    byAction[own] = anonymous.Payoff(_theta, own, _counts);
                }
                payoffs[i] = byAction[own];
            }
        }
        else
        {
            for (int i = 0; i < n; i++) payoffs[i] = PayoffCore(joint, i);
        }
    }

    /// <inheritdoc/>
    public double Payoff(ReadOnlySpan<int> joint, int agent)
    {
        CheckJoint(joint);
        if ((uint)agent >= (uint)Shape.Agents)
            throw new ArgumentOutOfRangeException(nameof(agent), agent, string.Create(CultureInfo.InvariantCulture, $"{nameof(agent)}: expected 0..{Shape.Agents - 1}; found {agent}."));
        return PayoffCore(joint, agent);
    }

    private float PayoffCore(ReadOnlySpan<int> joint, int agent)
    {
        switch (_mechanism)
        {
            case IJointMechanism jointForm:
                jointForm.Payoffs(_theta, joint, _payoffs);
                return _payoffs[agent];
            case IPerAgentMechanism perAgent:
                return perAgent.Payoff(_theta, joint, agent);
            default:
                // Anonymous: the agent's own action against how many of the others play each action.
                CountOpponents(joint, agent);
                return ((IAnonymousMechanism)_mechanism).Payoff(_theta, joint[agent], _counts);
        }
    }

    private void CountOpponents(ReadOnlySpan<int> joint, int agent)
    {
        Array.Clear(_counts);
        for (int j = 0; j < joint.Length; j++)
            if (j != agent) _counts[joint[j]]++;
    }

    private void CheckJoint(ReadOnlySpan<int> joint)
    {
        if (joint.Length != Shape.Agents)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{nameof(joint)}: expected {Shape.Agents} actions; found {joint.Length}."), nameof(joint));
        for (int i = 0; i < joint.Length; i++)
            if ((uint)joint[i] >= (uint)Shape.Actions)
                throw new ArgumentOutOfRangeException(nameof(joint), joint[i], string.Create(CultureInfo.InvariantCulture,
                    $"{nameof(joint)}[{i}]: expected an action in 0..{Shape.Actions - 1}; found {joint[i]}."));
    }
}
