using Diml.Data;

namespace Diml.Evaluation;

/// <summary>
/// The payoffs of a generated mechanism at parameters <c>θ</c>, whatever its payoff form, through its float kernels
/// (the precision it was fitted in); the metrics accumulate in double.
/// </summary>
public sealed class MechanismPayoffs : ICounterfactualPayoffs
{
    private readonly IMechanism _mechanism;
    private readonly float[] _theta;
    private readonly float[] _payoffs;
    private readonly int[] _counts;
    private readonly int[] _opponentCounts;
    private readonly float[] _byAction;
    private int[]? _profile;
    private float[]? _profilePayoffs;
    private bool[]? _byActionDone;
    private double[]? _byOwnAction;

    /// <summary>The payoffs of <paramref name="mechanism"/> at <paramref name="theta"/> (copied) in a game of <paramref name="shape"/>.</summary>
    public MechanismPayoffs(IMechanism mechanism, ReadOnlySpan<float> theta, GameShape shape)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        if (theta.Length != mechanism.Layout.TotalLength)
            throw new ArgumentException($"{nameof(theta)}: expected {mechanism.Layout.TotalLength} parameters ({mechanism.Layout}), found {theta.Length}.", nameof(theta));
        _mechanism = mechanism;
        _theta = theta.ToArray();
        Shape = shape;
        _payoffs = new float[shape.Agents];
        _counts = new int[shape.Actions];
        _opponentCounts = new int[shape.Actions];
        _byAction = new float[shape.Actions];
    }

    /// <summary>The payoffs of <paramref name="mechanism"/> at its current parameters.</summary>
    public static MechanismPayoffs AtCurrentParameters(IMechanism mechanism, GameShape shape)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        return new MechanismPayoffs(mechanism, theta, shape);
    }

    /// <inheritdoc/>
    public GameShape Shape { get; }

    /// <inheritdoc/>
    public void Payoffs(ReadOnlySpan<int> joint, Span<double> payoffs)
    {
        int n = Shape.Agents;
        CheckJoint(joint);
        switch (_mechanism)
        {
            case IJointMechanism jointForm:
                jointForm.Payoffs(_theta, joint, _payoffs);
                for (int i = 0; i < n; i++) payoffs[i] = _payoffs[i];
                break;
            case IPerAgentMechanism perAgent:
                for (int i = 0; i < n; i++) payoffs[i] = perAgent.Payoff(_theta, joint, i);
                break;
            case IAnonymousMechanism anonymous:
                // Agents playing the same action see the same opponent counts: one evaluation per action played.
                CountActions(joint);
                for (int k = 0; k < Shape.Actions; k++)
                    if (_counts[k] > 0) _byAction[k] = AnonymousPayoff(anonymous, k);
                for (int i = 0; i < n; i++) payoffs[i] = _byAction[joint[i]];
                break;
            default:
                throw new NotSupportedException($"{_mechanism.ModelName} implements no payoff interface.");
        }
    }

    /// <inheritdoc/>
    public double Payoff(ReadOnlySpan<int> joint, int agent)
    {
        CheckJoint(joint);
        switch (_mechanism)
        {
            case IJointMechanism jointForm:
                jointForm.Payoffs(_theta, joint, _payoffs);
                return _payoffs[agent];
            case IPerAgentMechanism perAgent:
                return perAgent.Payoff(_theta, joint, agent);
            case IAnonymousMechanism anonymous:
                CountActions(joint);
                return AnonymousPayoff(anonymous, joint[agent]);
            default:
                throw new NotSupportedException($"{_mechanism.ModelName} implements no payoff interface.");
        }
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

    /// <inheritdoc/>
    /// <remarks>
    /// Joint form: the played profile serves every agent's own action, the others one profile each; anonymous form:
    /// one evaluation per distinct (own action played, k) — agents playing the same action see the same opponents.
    /// </remarks>
    public void CounterfactualPayoffs(ReadOnlySpan<int> joint, Span<double> payoffs)
    {
        int n = Shape.Agents, a = Shape.Actions;
        if (joint.Length != n) throw new ArgumentException($"{nameof(joint)}: expected {n} actions, found {joint.Length}.", nameof(joint));
        if (payoffs.Length < n * a) throw new ArgumentException($"{nameof(payoffs)}: expected at least {n * a} entries, found {payoffs.Length}.", nameof(payoffs));
        switch (_mechanism)
        {
            case IAnonymousMechanism anonymous:
            {
                CountActions(joint);
                _counts.CopyTo(_opponentCounts, 0);
                var done = _byActionDone ??= new bool[a];
                var rows = _byOwnAction ??= new double[a * a];
                Array.Clear(done);
                for (int i = 0; i < n; i++)
                {
                    int own = joint[i];
                    if (!done[own])
                    {
                        _opponentCounts[own]--;
                        for (int k = 0; k < a; k++) rows[(own * a) + k] = anonymous.Payoff(_theta, k, _opponentCounts);
                        _opponentCounts[own]++;
                        done[own] = true;
                    }
                    rows.AsSpan(own * a, a).CopyTo(payoffs.Slice(i * a, a));
                }
                break;
            }
            case IJointMechanism jointForm:
            {
                var profile = _profile ??= new int[n];
                var profilePayoffs = _profilePayoffs ??= new float[n];
                jointForm.Payoffs(_theta, joint, _payoffs);
                joint.CopyTo(profile);
                for (int i = 0; i < n; i++)
                {
                    for (int k = 0; k < a; k++)
                    {
                        if (k == joint[i]) { payoffs[(i * a) + k] = _payoffs[i]; continue; }
                        profile[i] = k;
                        jointForm.Payoffs(_theta, profile, profilePayoffs);
                        payoffs[(i * a) + k] = profilePayoffs[i];
                    }
                    profile[i] = joint[i];
                }
                break;
            }
            default:
            {
                var profile = _profile ??= new int[n];
                joint.CopyTo(profile);
                for (int i = 0; i < n; i++)
                {
                    for (int k = 0; k < a; k++)
                    {
                        profile[i] = k;
                        payoffs[(i * a) + k] = Payoff(profile, i);
                    }
                    profile[i] = joint[i];
                }
                break;
            }
        }
    }

    private void CountActions(ReadOnlySpan<int> joint)
    {
        Array.Clear(_counts);
        foreach (int action in joint) _counts[action]++;
    }

    /// <summary>The payoff of an agent playing <paramref name="ownAction"/> against everyone else counted in <c>_counts</c>.</summary>
    private float AnonymousPayoff(IAnonymousMechanism anonymous, int ownAction)
    {
        _counts.CopyTo(_opponentCounts, 0);
        _opponentCounts[ownAction]--;
        return anonymous.Payoff(_theta, ownAction, _opponentCounts);
    }
}
