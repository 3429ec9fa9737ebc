using Diml.Data;

namespace Diml.Simulation;

/// <summary>
/// Simulates single episodes of learning agents (DESIGN §1, "Data generation") with buffers reused from
/// episode to episode; one instance per thread.
/// </summary>
internal sealed class EpisodeSimulator
{
    private readonly IMechanism _mechanism;
    private readonly ILearningRule _rule;
    private readonly float[] _theta;
    private readonly int _agents, _actions, _stateSize;
    private readonly float[] _initialState, _state, _next, _payoffs, _logPolicy, _jointPayoffs, _profilePayoffs, _played;
    private readonly int[] _profile, _counts, _countsCached;

    private readonly PayoffTable? _table;
    private readonly int[] _contextActions, _batchOwn, _batchCounts;
    private readonly float[] _batchPayoffs;

    public EpisodeSimulator(IMechanism mechanism, float[] theta, ILearningRule rule, GameShape shape, PayoffTable? table = null)
    {
        _mechanism = mechanism;
        _table = table;
        _rule = rule;
        _theta = theta;
        _agents = shape.Agents;
        _actions = shape.Actions;
        _stateSize = rule.StateSize(_actions);
        int n = _agents, a = _actions, q = _stateSize;
        _initialState = new float[q];
        rule.InitialState(_initialState);
        _state = new float[n * q];
        _next = new float[n * q];
        _payoffs = new float[n * a];
        _logPolicy = new float[a];
        _jointPayoffs = new float[n];
        _profilePayoffs = new float[n];
        _played = new float[a * a];
        _profile = new int[n];
        _counts = new int[a];
        _countsCached = new int[a];
        // Batched anonymous kernels: all (k, counts_{-i}) of one step in one call.
        int contexts = Math.Min(n, a);
        _contextActions = new int[contexts];
        _batchOwn = mechanism is IBatchedAnonymousMechanism ? new int[contexts * a] : [];
        _batchCounts = mechanism is IBatchedAnonymousMechanism ? new int[contexts * a * a] : [];
        _batchPayoffs = mechanism is IBatchedAnonymousMechanism ? new float[contexts * a] : [];
    }

    /// <summary>Writes episode <paramref name="episode"/>'s actions (<c>[t, i]</c>, length steps·n) into <paramref name="actions"/>.</summary>
    public void Run(ulong seed, int episode, int steps, Span<int> actions)
    {
        int n = _agents, q = _stateSize, a = _actions;
        var random = SplitMix64.ForStream(seed, (ulong)episode);
        for (int i = 0; i < n; i++) _initialState.CopyTo(_state, i * q);
        Draw(ref random, actions[..n]);
        for (int t = 0; t + 1 < steps; t++)
        {
            var joint = actions.Slice(t * n, n);
            ComputePayoffs(joint);
            for (int i = 0; i < n; i++)
                _rule.Update(_state.AsSpan(i * q, q), _payoffs.AsSpan(i * a, a), joint[i], _next.AsSpan(i * q, q));
            _next.AsSpan().CopyTo(_state);
            Draw(ref random, actions.Slice((t + 1) * n, n));
        }
    }

    /// <summary>Draws each agent's action from π(Q) independently, agent by agent from one stream.</summary>
    private void Draw(ref SplitMix64 random, Span<int> joint)
    {
        int q = _stateSize, a = _actions;
        for (int i = 0; i < _agents; i++)
        {
            _rule.Response(_state.AsSpan(i * q, q), _logPolicy);
            double total = 0;
            for (int k = 0; k < a; k++) total += Math.Exp(_logPolicy[k]);
            double r = random.NextDouble() * total, cumulative = 0;
            int chosen = a - 1;
            for (int k = 0; k < a; k++)
            {
                cumulative += Math.Exp(_logPolicy[k]);
                if (r < cumulative) { chosen = k; break; }
            }
            joint[i] = chosen;
        }
    }

    /// <summary>
    /// The anonymous case with a batched kernel: the distinct opponent-count vectors of the step (one per own
    /// action played) times every own action, in one call.
    /// </summary>
    private void ComputeAnonymousBatch(IBatchedAnonymousMechanism mechanism, ReadOnlySpan<int> joint)
    {
        int n = _agents, a = _actions, contexts = 0;
        Array.Clear(_counts);
        foreach (int action in joint) _counts[action]++;
        Array.Clear(_countsCached);
        for (int i = 0; i < n; i++)
        {
            int own = joint[i];
            if (_countsCached[own] != 0) continue;
            _countsCached[own] = contexts + 1;
            _contextActions[contexts] = own;
            _counts[own]--;
            for (int k = 0; k < a; k++)
            {
                int q = (contexts * a) + k;
                _batchOwn[q] = k;
                _counts.CopyTo(_batchCounts, q * a);
            }
            _counts[own]++;
            contexts++;
        }
        int count = contexts * a;
        mechanism.PayoffBatch(_theta, _batchOwn.AsSpan(0, count), _batchCounts.AsSpan(0, count * a), count, _batchPayoffs.AsSpan(0, count));
        for (int i = 0; i < n; i++)
        {
            int context = _countsCached[joint[i]] - 1;
            _batchPayoffs.AsSpan(context * a, a).CopyTo(_payoffs.AsSpan(i * a, a));
        }
    }

    /// <summary>u[i,k] = M_θ(k, a_{-i})_i for every agent and own action, with the structure of each form exploited.</summary>
    private void ComputePayoffs(ReadOnlySpan<int> joint)
    {
        int n = _agents, a = _actions;
        ReadOnlySpan<float> theta = _theta;
        if (_table is not null)
        {
            _table.Counterfactual(joint, a, _payoffs);
            return;
        }
        switch (_mechanism)
        {
            case IBatchedAnonymousMechanism batched when _mechanism.Form == PayoffForm.Anonymous:
                ComputeAnonymousBatch(batched, joint);
                break;
            case IJointMechanism mechanism when _mechanism.Form == PayoffForm.Joint:
            {
                // The played profile serves every agent's k = a_i; the others need one profile each.
                mechanism.Payoffs(theta, joint, _jointPayoffs);
                joint.CopyTo(_profile);
                for (int i = 0; i < n; i++)
                {
                    for (int k = 0; k < a; k++)
                    {
                        if (k == joint[i]) { _payoffs[(i * a) + k] = _jointPayoffs[i]; continue; }
                        _profile[i] = k;
                        mechanism.Payoffs(theta, _profile, _profilePayoffs);
                        _payoffs[(i * a) + k] = _profilePayoffs[i];
                    }
                    _profile[i] = joint[i];
                }
                break;
            }
            case IPerAgentMechanism mechanism when _mechanism.Form == PayoffForm.PerAgent:
                joint.CopyTo(_profile);
                for (int i = 0; i < n; i++)
                {
                    for (int k = 0; k < a; k++)
                    {
                        _profile[i] = k;
                        _payoffs[(i * a) + k] = mechanism.Payoff(theta, _profile, i);
                    }
                    _profile[i] = joint[i];
                }
                break;
            case IAnonymousMechanism mechanism when _mechanism.Form == PayoffForm.Anonymous:
            {
                // Agents that played the same action see the same opponent counts: evaluate each distinct
                // (k, counts_{-i}) once per step — at most min(n, A)·A evaluations instead of n·A.
                Array.Clear(_counts);
                foreach (int action in joint) _counts[action]++;
                Array.Clear(_countsCached);
                for (int i = 0; i < n; i++)
                {
                    int own = joint[i];
                    var row = _played.AsSpan(own * a, a);
                    if (_countsCached[own] == 0)
                    {
                        _counts[own]--;
                        for (int k = 0; k < a; k++) row[k] = mechanism.Payoff(theta, k, _counts);
                        _counts[own]++;
                        _countsCached[own] = 1;
                    }
                    row.CopyTo(_payoffs.AsSpan(i * a, a));
                }
                break;
            }
            default:
                throw new InvalidOperationException($"Mechanism {_mechanism.ModelName} declares form {_mechanism.Form} but does not implement its interface.");
        }
    }
}
