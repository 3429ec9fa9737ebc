using Diml.Data;

namespace Diml;

/// <summary>
/// The payoff model of a generated mechanism at parameters <c>θ</c>, whatever its payoff form, through its float kernels
/// (the precision it was fitted and simulated in; double results are those float values exactly).
/// </summary>
/// <remarks>
/// Counterfactual payoffs come from the mechanism's batched kernel when it has one (an anonymous mechanism's
/// counterfactuals for all own actions of a context in one pass): the simulator, the metrics' simulations and the
/// held-out scoring all call them once per step, and the scalar kernel there cost most of an evaluation. The batched
/// values equal the scalar kernel's up to float rounding.
/// </remarks>
public sealed class MechanismPayoffs : IPayoffModel, IFloatCounterfactuals
{
    private readonly IMechanism _mechanism;
    private readonly PayoffKernel<float> _kernel;
    private readonly float[] _theta, _payoffs, _counterfactual;

    /// <summary>The payoffs of <paramref name="mechanism"/> at <paramref name="theta"/> (copied) in a game of <paramref name="shape"/>.</summary>
    public MechanismPayoffs(IMechanism mechanism, ReadOnlySpan<float> theta, GameShape shape)
        : this(mechanism, CheckedCopy(mechanism, theta), shape)
    {
    }

    private MechanismPayoffs(IMechanism mechanism, float[] theta, GameShape shape)
    {
        _mechanism = mechanism;
        _theta = theta;
        Shape = shape;
        _kernel = PayoffKernel<float>.For(mechanism, shape.Agents, shape.Actions, batched: true);
        _payoffs = new float[shape.Agents];
        _counterfactual = new float[shape.Agents * shape.Actions];
    }

    /// <summary>
    /// The simulator's payoffs: over a parameter array its workers share (not copied; nothing changes it during the
    /// simulation).
    /// </summary>
    internal static MechanismPayoffs ForSimulation(IMechanism mechanism, float[] sharedTheta, GameShape shape) =>
        new(mechanism, sharedTheta, shape);

    private static float[] CheckedCopy(IMechanism mechanism, ReadOnlySpan<float> theta)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        if (theta.Length != mechanism.Layout.TotalLength)
            throw new ArgumentException($"{nameof(theta)}: expected {mechanism.Layout.TotalLength} parameters ({mechanism.Layout}), found {theta.Length}.", nameof(theta));
        return theta.ToArray();
    }

    /// <summary>The payoffs of <paramref name="mechanism"/> at its current parameters.</summary>
    public static MechanismPayoffs AtCurrentParameters(IMechanism mechanism, GameShape shape)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        return new MechanismPayoffs(mechanism, theta, shape);
    }

    /// <summary>The mechanism.</summary>
    public IMechanism Mechanism => _mechanism;

    /// <summary>The parameters <c>θ</c> the payoffs are evaluated at.</summary>
    public ReadOnlySpan<float> Theta => _theta;

    /// <inheritdoc/>
    public GameShape Shape { get; }

    /// <inheritdoc/>
    public void Payoffs(ReadOnlySpan<int> joint, Span<double> payoffs)
    {
        CheckJoint(joint);
        _kernel.Payoffs(_theta, joint, _payoffs);
        for (int i = 0; i < _payoffs.Length; i++) payoffs[i] = _payoffs[i];
    }

    /// <inheritdoc/>
    public double Payoff(ReadOnlySpan<int> joint, int agent)
    {
        CheckJoint(joint);
        if ((uint)agent >= (uint)Shape.Agents)
            throw new ArgumentOutOfRangeException(nameof(agent), agent, $"{nameof(agent)}: expected an agent in 0..{Shape.Agents - 1}, found {agent}.");
        return _kernel.Payoff(_theta, joint, agent);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Joint form: the played profile serves every agent's own action, the others one profile each; anonymous form:
    /// one evaluation per distinct (own action played, k).
    /// </remarks>
    public void CounterfactualPayoffs(ReadOnlySpan<int> joint, Span<double> payoffs)
    {
        int n = Shape.Agents, a = Shape.Actions;
        CheckJoint(joint);
        if (payoffs.Length < n * a) throw new ArgumentException($"{nameof(payoffs)}: expected at least {n * a} entries, found {payoffs.Length}.", nameof(payoffs));
        _kernel.Counterfactual(_theta, joint, _counterfactual);
        for (int j = 0; j < _counterfactual.Length; j++) payoffs[j] = _counterfactual[j];
    }

    /// <summary>The counterfactual payoffs in float, as the learners of <see cref="Simulation.Simulator"/> take them.</summary>
    void IFloatCounterfactuals.CounterfactualPayoffs(ReadOnlySpan<int> joint, Span<float> payoffs)
    {
        CheckJoint(joint);
        _kernel.Counterfactual(_theta, joint, payoffs);
    }

    /// <summary>
    /// A joint action of the wrong length, or with an action out of range, would make a kernel read another
    /// parameter's values instead of failing: refuse it.
    /// </summary>
    private void CheckJoint(ReadOnlySpan<int> joint)
    {
        if (joint.Length != Shape.Agents)
            throw new ArgumentException($"{nameof(joint)}: expected {Shape.Agents} actions, found {joint.Length}.", nameof(joint));
        foreach (int action in joint)
            if ((uint)action >= (uint)Shape.Actions)
                throw new ArgumentOutOfRangeException(nameof(joint), action, $"{nameof(joint)}: expected actions in 0..{Shape.Actions - 1}, found {action}.");
    }
}
