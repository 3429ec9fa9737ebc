using System.Numerics;

namespace Diml;

/// <summary>
/// A mechanism's payoff kernels seen through its payoff form — the one place the runtime dispatches on
/// <see cref="PayoffForm"/> (<see cref="For"/>). The fitting objective evaluates and differentiates <i>queries</i>
/// (<see cref="EvaluateQuery"/>, <see cref="QueryAdjoint"/>); simulation and the payoff model of a fitted mechanism
/// ask for one joint action's payoffs (<see cref="Payoffs"/>) or one step's counterfactual payoffs
/// (<see cref="Counterfactual"/>). One instance per thread: it owns scratch buffers for one game shape.
/// </summary>
/// <remarks>
/// A query is what one kernel call needs, and its key is what <c>CounterfactualPayoffs</c> deduplicates on:
/// a joint profile for the joint form (values: the n payoffs), a joint profile with the own slot blanked followed by
/// the agent for the per-agent form (values: the agent's payoff of each own action), and the opponent-count vector
/// for the anonymous form (values: the payoff of each own action).
/// </remarks>
/// <typeparam name="T">float for fitting and simulation, double for gradient checks.</typeparam>
internal abstract class PayoffKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected PayoffKernel(int agents, int actions)
    {
        Agents = agents;
        Actions = actions;
    }

    /// <summary>Agents of the game.</summary>
    public int Agents { get; }

    /// <summary>Actions per agent.</summary>
    public int Actions { get; }

    /// <summary>How many values one query gives: n for the joint form, A for the others.</summary>
    public abstract int QueryWidth { get; }

    /// <summary>
    /// The kernels of <paramref name="mechanism"/> for games of <paramref name="agents"/> × <paramref name="actions"/>;
    /// with <paramref name="batched"/>, counterfactual payoffs use the mechanism's batched float kernel when it has one
    /// (the same values up to float rounding of their summation order, not bit for bit).
    /// </summary>
    /// <exception cref="InvalidOperationException">The mechanism does not implement the interface of the form it declares.</exception>
    public static PayoffKernel<T> For(IMechanism mechanism, int agents, int actions, bool batched = false) => mechanism switch
    {
        IJointMechanism joint when mechanism.Form == PayoffForm.Joint => new JointPayoffKernel<T>(joint, agents, actions),
        IPerAgentMechanism perAgent when mechanism.Form == PayoffForm.PerAgent => new PerAgentPayoffKernel<T>(perAgent, agents, actions),
        IAnonymousMechanism anonymous when mechanism.Form == PayoffForm.Anonymous => new AnonymousPayoffKernel<T>(anonymous, agents, actions, batched),
        null => throw new ArgumentNullException(nameof(mechanism)),
        _ => throw new InvalidOperationException($"Mechanism {mechanism.ModelName} declares form {mechanism.Form} but does not implement its interface."),
    };

    /// <summary>Writes the <see cref="QueryWidth"/> values of the query with key <paramref name="key"/>.</summary>
    public abstract void EvaluateQuery(ReadOnlySpan<T> theta, ReadOnlySpan<int> key, Span<T> values);

    /// <summary>
    /// Adds into <paramref name="thetaBar"/> the adjoint of the query's values seeded with <paramref name="seeds"/>;
    /// values with a zero seed cost nothing.
    /// </summary>
    public abstract void QueryAdjoint(ReadOnlySpan<T> theta, ReadOnlySpan<int> key, ReadOnlySpan<T> seeds, Span<T> thetaBar);

    /// <summary>Every agent's payoff of <paramref name="joint"/> (length n).</summary>
    public abstract void Payoffs(ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, Span<T> payoffs);

    /// <summary>Agent <paramref name="agent"/>'s payoff of <paramref name="joint"/>.</summary>
    public abstract T Payoff(ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, int agent);

    /// <summary>
    /// The counterfactual payoffs of one step, <c>u[i·A + k] = M(k, a_{−i})_i</c>, with the structure of the form
    /// exploited (each form documents how).
    /// </summary>
    public abstract void Counterfactual(ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, Span<T> payoffs);
}
