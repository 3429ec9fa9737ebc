using Diml.Data;

namespace Diml.Simulation;

/// <summary>
/// Every agent's learner state along a sequence of joint actions under a payoff model (DESIGN §1): <c>Q = Q0</c> at
/// <see cref="Reset"/>, and each <see cref="Observe(ReadOnlySpan{int})"/> of the joint action <c>a[t]</c> applies the update with the
/// counterfactual payoffs <c>u[t]</c>; <see cref="LogPolicies"/> is then <c>log π[t+1]</c> and <see cref="Draw"/>
/// samples <c>a[t+1]</c>. The state is kept in float, as in fitting. This is the simulator's inner loop
/// (<see cref="Simulator"/>) and the held-out likelihood's (<see cref="Fitting.LearnerStepScorer"/>). One instance per thread.
/// </summary>
public sealed class LearnerReplay
{
    private readonly IPayoffModel? _payoffs;
    private readonly IFloatCounterfactuals? _floatPayoffs;
    private readonly ILearningRule[] _rules;   // agent i's rule (one rule for all but with learner types)
    private readonly int _agents, _actions, _stateSize;
    private readonly float[] _initial, _state, _next, _logPolicies, _u;
    private readonly double[] _counterfactual;
    private bool _policiesCurrent;

    /// <summary>A replay of learners following <paramref name="rule"/> under <paramref name="payoffs"/>.</summary>
    public LearnerReplay(IPayoffModel payoffs, ILearningRule rule)
        : this(payoffs, Enumerable.Repeat(rule ?? throw new ArgumentNullException(nameof(rule)), payoffs?.Shape.Agents ?? 0).ToArray())
    {
    }

    /// <summary>
    /// A replay in which agent <c>i</c> follows <paramref name="agentRules"/>[i] (a population of learner types: the same
    /// rule at different parameters); every rule must have the same state size.
    /// </summary>
    public LearnerReplay(IPayoffModel payoffs, IReadOnlyList<ILearningRule> agentRules)
        : this((payoffs ?? throw new ArgumentNullException(nameof(payoffs))).Shape, payoffs, agentRules)
    {
    }

    /// <summary>
    /// A replay of learners following <paramref name="rule"/> in a game of <paramref name="shape"/> whose payoffs the caller
    /// supplies (<see cref="Observe(ReadOnlySpan{int}, ReadOnlySpan{float})"/>): for groups, where each group has its own game.
    /// </summary>
    internal LearnerReplay(GameShape shape, ILearningRule rule)
        : this(shape, null, Enumerable.Repeat(rule ?? throw new ArgumentNullException(nameof(rule)), shape.Agents).ToArray())
    {
    }

    private LearnerReplay(GameShape shape, IPayoffModel? payoffs, IReadOnlyList<ILearningRule> agentRules)
    {
        ArgumentNullException.ThrowIfNull(agentRules);
        _payoffs = payoffs;
        Shape = shape;
        _floatPayoffs = payoffs as IFloatCounterfactuals;
        _agents = shape.Agents;
        _actions = shape.Actions;
        if (agentRules.Count != _agents)
            throw new ArgumentException($"{nameof(agentRules)}: expected one rule per agent ({_agents}), found {agentRules.Count}.", nameof(agentRules));
        _rules = [.. agentRules];
        foreach (var rule in _rules) ArgumentNullException.ThrowIfNull(rule, nameof(agentRules));
        _stateSize = _rules[0].StateSize(_actions);
        if (_rules.Any(r => r.StateSize(_actions) != _stateSize))
            throw new ArgumentException($"{nameof(agentRules)}: expected rules of one state size ({_stateSize}), found {string.Join(", ", _rules.Select(r => r.StateSize(_actions)).Distinct())}.", nameof(agentRules));
        _initial = new float[_agents * _stateSize];
        for (int i = 0; i < _agents; i++) _rules[i].InitialState(_initial.AsSpan(i * _stateSize, _stateSize));
        _state = new float[_agents * _stateSize];
        _next = new float[_agents * _stateSize];
        _logPolicies = new float[_agents * _actions];
        // Payoffs the replay computes itself need room; supplied ones (groups) do not.
        _u = payoffs is null ? [] : new float[_agents * _actions];
        _counterfactual = payoffs is null || _floatPayoffs is not null ? [] : new double[_agents * _actions];
        Reset();
    }

    /// <summary>The game.</summary>
    public GameShape Shape { get; }

    /// <summary>Every agent back at the initial state <c>Q0</c>.</summary>
    public void Reset()
    {
        _initial.CopyTo(_state, 0);
        _policiesCurrent = false;
    }

    /// <summary>One step: the agents played <paramref name="joint"/> and update on its counterfactual payoffs.</summary>
    public void Observe(ReadOnlySpan<int> joint)
    {
        if (joint.Length != _agents)
            throw new ArgumentException($"{nameof(joint)}: expected {_agents} actions, found {joint.Length}.", nameof(joint));
        if (_floatPayoffs is not null)
        {
            _floatPayoffs.CounterfactualPayoffs(joint, _u);
        }
        else
        {
            if (_payoffs is null) throw new InvalidOperationException("This replay has no payoff model: pass the counterfactual payoffs.");
            _payoffs.CounterfactualPayoffs(joint, _counterfactual);
            for (int j = 0; j < _u.Length; j++) _u[j] = (float)_counterfactual[j];
        }
        Update(joint, _u);
    }

    /// <summary>
    /// One step with the counterfactual payoffs given: <paramref name="u"/>[i·A + k] is agent i's payoff of action k; an agent
    /// whose action is <see cref="Trajectories.Absent"/> keeps its state.
    /// </summary>
    internal void Observe(ReadOnlySpan<int> joint, ReadOnlySpan<float> u)
    {
        if (joint.Length != _agents) throw new ArgumentException($"{nameof(joint)}: expected {_agents} actions, found {joint.Length}.", nameof(joint));
        if (u.Length != _agents * _actions) throw new ArgumentException($"{nameof(u)}: expected {_agents * _actions} payoffs, found {u.Length}.", nameof(u));
        Update(joint, u);
    }

    private void Update(ReadOnlySpan<int> joint, ReadOnlySpan<float> u)
    {
        int q = _stateSize, a = _actions;
        for (int i = 0; i < _agents; i++)
        {
            // An absent agent gets no payoff feedback: its state is carried unchanged (as in fitting).
            if (joint[i] == Trajectories.Absent) _state.AsSpan(i * q, q).CopyTo(_next.AsSpan(i * q, q));
            else _rules[i].Update(_state.AsSpan(i * q, q), u.Slice(i * a, a), joint[i], _next.AsSpan(i * q, q));
        }
        _next.AsSpan().CopyTo(_state);
        _policiesCurrent = false;
    }

    /// <summary><c>log π_i(k)</c> of the current state at index <c>i·A + k</c>.</summary>
    public ReadOnlySpan<float> LogPolicies
    {
        get
        {
            if (!_policiesCurrent)
            {
                int q = _stateSize, a = _actions;
                for (int i = 0; i < _agents; i++) _rules[i].Response(_state.AsSpan(i * q, q), _logPolicies.AsSpan(i * a, a));
                _policiesCurrent = true;
            }
            return _logPolicies;
        }
    }

    /// <summary>
    /// Draws every agent's next action from the current policies, agent by agent with one uniform double each, by
    /// inverse CDF of <c>exp(log π)</c> (DESIGN §1, "Data generation").
    /// </summary>
    public void Draw(ref SplitMix64 random, Span<int> joint)
    {
        var logPolicies = LogPolicies;
        int a = _actions;
        for (int i = 0; i < _agents; i++)
        {
            var logPolicy = logPolicies.Slice(i * a, a);
            double total = 0;
            for (int k = 0; k < a; k++) total += Math.Exp(logPolicy[k]);
            double r = random.NextDouble() * total, cumulative = 0;
            int chosen = a - 1;
            for (int k = 0; k < a; k++)
            {
                cumulative += Math.Exp(logPolicy[k]);
                if (r < cumulative) { chosen = k; break; }
            }
            joint[i] = chosen;
        }
    }
}
