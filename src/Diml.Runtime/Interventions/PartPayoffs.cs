using System.Numerics;
using Diml.Fitting;

namespace Diml.Interventions;

/// <summary>
/// One part of a composed mechanism evaluated in the composition's form, which is at least as general as the part's own:
/// an anonymous part inside a joint or per-agent composition reads its agent's own action and the counts of the others'
/// actions; a per-agent part inside a joint composition is called once per agent; a joint part gives one agent's payoff
/// from its row of payoffs. Scratch is on the stack, so a composition can be shared across threads like any mechanism.
/// </summary>
internal static class PartPayoffs
{
    /// <summary>Agent <paramref name="agent"/>'s payoff of <paramref name="joint"/> under <paramref name="part"/>.</summary>
    public static T Payoff<T>(IMechanism part, ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, int agent, int actions)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (part)
        {
            case IPerAgentMechanism perAgent when part.Form == PayoffForm.PerAgent:
                return ModelCalls.Payoff(perAgent, theta, joint, agent);
            case IAnonymousMechanism anonymous when part.Form == PayoffForm.Anonymous:
            {
                Span<int> counts = actions <= 256 ? stackalloc int[actions] : new int[actions];
                OpponentCounts(joint, agent, counts);
                return ModelCalls.Payoff(anonymous, theta, joint[agent], counts);
            }
            case IJointMechanism jointForm when part.Form == PayoffForm.Joint:
            {
                Span<T> payoffs = joint.Length <= 256 ? stackalloc T[joint.Length] : new T[joint.Length];
                ModelCalls.Payoffs(jointForm, theta, joint, payoffs);
                return payoffs[agent];
            }
            default:
                throw NoInterface(part);
        }
    }

    /// <summary>Adds the adjoint of agent <paramref name="agent"/>'s payoff, seeded with <paramref name="payoffBar"/>, into <paramref name="thetaBar"/>.</summary>
    public static void PayoffAdjoint<T>(IMechanism part, ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, int agent, int actions, T payoffBar, Span<T> thetaBar)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (part)
        {
            case IPerAgentMechanism perAgent when part.Form == PayoffForm.PerAgent:
                ModelCalls.PayoffAdjoint(perAgent, theta, joint, agent, payoffBar, thetaBar);
                break;
            case IAnonymousMechanism anonymous when part.Form == PayoffForm.Anonymous:
            {
                Span<int> counts = actions <= 256 ? stackalloc int[actions] : new int[actions];
                OpponentCounts(joint, agent, counts);
                ModelCalls.PayoffAdjoint(anonymous, theta, joint[agent], counts, payoffBar, thetaBar);
                break;
            }
            case IJointMechanism jointForm when part.Form == PayoffForm.Joint:
            {
                Span<T> seeds = joint.Length <= 256 ? stackalloc T[joint.Length] : new T[joint.Length];
                seeds.Clear();
                seeds[agent] = payoffBar;
                ModelCalls.PayoffsAdjoint(jointForm, theta, joint, seeds, thetaBar);
                break;
            }
            default:
                throw NoInterface(part);
        }
    }

    /// <summary>Every agent's payoff of <paramref name="joint"/> under <paramref name="part"/>, written to <paramref name="payoffs"/>.</summary>
    public static void Payoffs<T>(IMechanism part, ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, int actions, Span<T> payoffs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (part is IJointMechanism jointForm && part.Form == PayoffForm.Joint)
        {
            ModelCalls.Payoffs(jointForm, theta, joint, payoffs);
            return;
        }
        for (int i = 0; i < joint.Length; i++) payoffs[i] = Payoff(part, theta, joint, i, actions);
    }

    /// <summary>Adds the adjoint of every agent's payoff, seeded with <paramref name="payoffsBar"/>, into <paramref name="thetaBar"/>.</summary>
    public static void PayoffsAdjoint<T>(IMechanism part, ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, int actions, ReadOnlySpan<T> payoffsBar, Span<T> thetaBar)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (part is IJointMechanism jointForm && part.Form == PayoffForm.Joint)
        {
            ModelCalls.PayoffsAdjoint(jointForm, theta, joint, payoffsBar, thetaBar);
            return;
        }
        for (int i = 0; i < joint.Length; i++)
            if (payoffsBar[i] != T.Zero) PayoffAdjoint(part, theta, joint, i, actions, payoffsBar[i], thetaBar);
    }

    /// <summary>How many of the agents other than <paramref name="agent"/> play each action.</summary>
    private static void OpponentCounts(ReadOnlySpan<int> joint, int agent, Span<int> counts)
    {
        counts.Clear();
        for (int j = 0; j < joint.Length; j++)
            if (j != agent) counts[joint[j]]++;
    }

    private static InvalidOperationException NoInterface(IMechanism part) =>
        new($"Mechanism {part.ModelName} declares form {part.Form} but does not implement its interface.");
}
