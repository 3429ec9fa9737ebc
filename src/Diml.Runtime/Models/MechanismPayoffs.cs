using Diml.Data;
using Diml.Kernels;

namespace Diml;

/// <summary>
/// The payoff model of a generated mechanism at parameters <c>θ</c>, whatever its payoff form, through its float kernels
/// (the precision it was fitted and simulated in; double results are those float values exactly).
/// </summary>
/// <remarks>
/// Counterfactual payoffs come from the mechanism's batched kernel when it has one (an anonymous mechanism's
/// counterfactuals for all own actions of a context in one pass): the simulator, the metrics' simulations and the
/// held-out scoring all call them once per step, and the scalar kernel there cost most of an evaluation. The batched
/// values equal the scalar kernel's up to float rounding. A joint mechanism in a small game (at most
/// <see cref="MemoProfiles"/> joint profiles) keeps each profile's payoffs once computed: a simulation or a metric asks
/// for the same few profiles at every step, each a whole network evaluation otherwise. The memo holds the kernel's own
/// values, so results are the same bit for bit. The parameters are never written after construction, so the kernels'
/// batched layers reuse their transposed weights without comparing them (<see cref="TransposeCache.Freeze(float[])"/>).
/// </remarks>
public sealed class MechanismPayoffs : IPayoffModel, IFloatCounterfactuals
{
    private readonly IMechanism _mechanism;
    private readonly PayoffKernel<float> _kernel;
    private readonly float[] _theta, _payoffs, _counterfactual;

    /// <summary>The largest number of joint profiles whose payoffs a joint mechanism's payoff model keeps (n floats each).</summary>
    internal const int MemoProfiles = 1 << 14;

    // Joint form in a small game: the payoffs of profile p at [p·n, p·n + n), valid where _known[p].
    private readonly float[]? _memo;
    private readonly bool[]? _known;
    private readonly int[]? _profile;

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
        if (mechanism.Form == PayoffForm.Joint && ProfileCount(shape) is long profiles and <= MemoProfiles)
        {
            _memo = new float[profiles * shape.Agents];
            _known = new bool[profiles];
            _profile = new int[shape.Agents];
        }
    }

    private static long ProfileCount(GameShape shape)
    {
        long count = 1;
        for (int i = 0; i < shape.Agents && count <= MemoProfiles; i++) count *= shape.Actions;
        return count;
    }

    /// <summary>The memoised payoffs of every agent at <paramref name="joint"/> (joint form in a small game).</summary>
    private ReadOnlySpan<float> MemoPayoffs(ReadOnlySpan<int> joint)
    {
        int index = 0;
        foreach (int action in joint) index = (index * Shape.Actions) + action;
        var payoffs = _memo.AsSpan(index * Shape.Agents, Shape.Agents);
        if (!_known![index])
        {
            using var frozen = TransposeCache.Freeze(_theta);
            _kernel.Payoffs(_theta, joint, payoffs);
            _known[index] = true;
        }
        return payoffs;
    }

    /// <summary>Counterfactual payoffs from the memo, in the joint kernel's layout: agent i's payoff of own action k at [i·A + k].</summary>
    private void MemoCounterfactual(ReadOnlySpan<int> joint, Span<float> payoffs)
    {
        int n = Shape.Agents, a = Shape.Actions;
        var profile = _profile.AsSpan();
        joint.CopyTo(profile);
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < a; k++)
            {
                profile[i] = k;
                payoffs[(i * a) + k] = MemoPayoffs(profile)[i];
            }
            profile[i] = joint[i];
        }
    }

    /// <summary>
    /// The simulator's payoffs: over a parameter array its workers share (not copied; nothing changes it during the
    /// simulation, nor after it: the array must not be written again once the simulation has begun).
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
        ReadOnlySpan<float> values = _memo is null ? Evaluate(joint) : MemoPayoffs(joint);
        for (int i = 0; i < values.Length; i++) payoffs[i] = values[i];
    }

    /// <inheritdoc/>
    public double Payoff(ReadOnlySpan<int> joint, int agent)
    {
        CheckJoint(joint);
        if ((uint)agent >= (uint)Shape.Agents)
            throw new ArgumentOutOfRangeException(nameof(agent), agent, $"{nameof(agent)}: expected an agent in 0..{Shape.Agents - 1}, found {agent}.");
        if (_memo is not null) return MemoPayoffs(joint)[agent];
        using var frozen = TransposeCache.Freeze(_theta);
        return _kernel.Payoff(_theta, joint, agent);
    }

    private float[] Evaluate(ReadOnlySpan<int> joint)
    {
        using var frozen = TransposeCache.Freeze(_theta);
        _kernel.Payoffs(_theta, joint, _payoffs);
        return _payoffs;
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
        Counterfactual(joint, _counterfactual);
        for (int j = 0; j < _counterfactual.Length; j++) payoffs[j] = _counterfactual[j];
    }

    /// <summary>The counterfactual payoffs in float, as the learners of <see cref="Simulation.Simulator"/> take them.</summary>
    void IFloatCounterfactuals.CounterfactualPayoffs(ReadOnlySpan<int> joint, Span<float> payoffs)
    {
        CheckJoint(joint);
        Counterfactual(joint, payoffs);
    }

    private void Counterfactual(ReadOnlySpan<int> joint, Span<float> payoffs)
    {
        if (_memo is not null)
        {
            MemoCounterfactual(joint, payoffs);
            return;
        }
        using var frozen = TransposeCache.Freeze(_theta);
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
