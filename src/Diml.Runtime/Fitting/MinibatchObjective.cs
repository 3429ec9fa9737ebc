using System.Numerics;
using System.Numerics.Tensors;
using Diml.Data;
using Diml.Simulation;

namespace Diml.Fitting;

/// <summary>
/// The estimator's minibatch objective and its exact gradient with respect to the mechanism parameters:
/// the negative log-likelihood of the actions in one window of each episode under the learner dynamics,
/// averaged over episodes, plus the payoff regularizer (DESIGN §1, "Estimator").
/// </summary>
/// <remarks>
/// <para>Window of length <c>W</c> (clamped to the episode length) starting at <c>t0</c>: the learner state
/// <c>Q[t0]</c> is <c>Q0</c> (<see cref="WindowMode.Reference"/>) or the state carried from <c>t = 0</c>
/// without gradient (<see cref="WindowMode.Carry"/>). For <c>t = t0 .. t0+W−2</c> it computes
/// <c>u[t]</c> from <c>a[t]</c>, updates <c>Q[t+1]</c> and scores <c>log π[t+1](a[t+1])</c>: the window's
/// <c>W</c> joint actions give <c>W−1</c> scored steps, and the window's first action is never scored (it
/// is the context of the first transition), exactly as the first action of an episode is never scored.</para>
/// <para>Regularizer: <c>λ · mean((M_θ(a)_i)²)</c> over the <c>W</c> joint actions of the window of every
/// episode (with multiplicity) and all agents, optionally on a uniform subsample of (episode, step) pairs.
/// <c>M_θ(a)_i</c> is the counterfactual payoff of the played action, so it costs no extra queries except at
/// the window's last step.</para>
/// <para>The forward pass stores <c>Q</c> at every window step; the reverse pass accumulates the adjoints of
/// the counterfactual payoffs per episode (in parallel), then sums them per distinct query in a fixed order
/// and runs the mechanism adjoint once per distinct query (see <see cref="CounterfactualPayoffs{T}"/>).
/// Nothing is allocated per call.</para>
/// <para>Groups and absent agents (an objective built with the group sizes, see <see cref="GroupSizeRule.KernelSizes"/>): payoffs
/// come from each agent's own group (<see cref="CounterfactualPayoffs{T}"/>). An agent absent at step <c>t</c> gets no
/// payoff feedback there — its learner state is carried unchanged, <c>Q[t+1] = Q[t]</c> — and an agent absent at
/// <c>t+1</c> is not scored there; the regularizer averages over the agents present. The loss stays the window's NLL
/// summed over scored agent-steps and averaged over episodes.</para>
/// <para>Learner parameters (an objective built with <see cref="LearnerParameters"/>): <c>theta</c> is
/// <c>[mechanism θ | raw learner values]</c>. The learner runs its θ-versions at the natural values, the initial state
/// included; the reverse pass adds each episode's learner-parameter adjoint into its own slot, which are summed over
/// episodes in order and pulled back through the transforms into the gradient's last <see cref="LearnerParameters.Length"/>
/// entries. In <see cref="WindowMode.Carry"/> the carried prefix also runs at these learner values, without gradient.</para>
/// </remarks>
/// <typeparam name="T">float for fitting, double for gradient checks.</typeparam>
public sealed class MinibatchObjective<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ILearningRule _rule;
    private readonly int _agents, _actions, _stateSize, _maxEpisodes, _window, _parameters;
    private readonly WindowMode _mode;
    private readonly double _lambda;
    private readonly int _regularizerSampleCap;
    private readonly T[] _initialState;
    private readonly T[] _states;           // [b, s, i, ·] for window steps s = 0..W−1
    private readonly T[] _payoffsBar;       // [b, s, i, k] for scored transitions s = 0..W−2
    private readonly double[] _episodeNll;
    private readonly double[] _agentNll;       // [b, i] of the last call: each agent's own NLL in the window, unweighted
    private readonly double[] _agentWeights;   // [b, i] of the call in progress, when weighted
    private readonly int[] _episodeScored;
    private readonly bool _grouped;
    private readonly int[] _episodes;
    private readonly int[] _sampledPairs;
    private readonly WorkerScratch[] _scratch;
    private readonly WorkerPool _pool;
    private readonly bool _ownsPool;
    private readonly CounterfactualPayoffs<T> _payoffs;
    private readonly CounterfactualPayoffs<T>? _prefixPayoffs;
    private readonly LearnerJob _learnerJob;
    private readonly LearnerParameters? _learner;
    private readonly ILearnableRule? _learnable;
    private readonly int _mechanismParameters;
    private readonly T[] _learnerTheta = [];       // the rule's natural parameters at the call's raw values
    private readonly T[] _episodeLearnerBar = [];  // [b, ·] the rule-parameter adjoint of each episode
    private readonly T[] _learnerBar = [];         // summed over episodes

    // State of the call in progress, read by the learner job.
    private Trajectories? _data;
    private int _batch, _t0, _length, _prefix;
    private bool _wantGradient;
    private bool _weighted;

    /// <summary>
    /// An objective for minibatches of up to <paramref name="maxEpisodes"/> episodes of
    /// <paramref name="steps"/> steps, windows of <paramref name="window"/> steps (clamped to
    /// <paramref name="steps"/>), on <paramref name="threads"/> threads.
    /// </summary>
    /// <remarks><c>groupSizes</c>: null for data without groups or absent agents (a file without a <c>group</c> column); otherwise
    /// what <see cref="GroupSizeRule.KernelSizes"/> says for the mechanism and the data.</remarks>
    /// <remarks><c>learner</c>: which of the rule's parameters are estimated with the mechanism (its rule must be
    /// <paramref name="rule"/>); <c>theta</c> then also holds their raw values.</remarks>
    /// <remarks><c>processes</c>: the processes that share the mechanism queries (see <see cref="IProcessGroup"/>); every one
    /// makes the same calls and gets the same results. Null: this process alone.</remarks>
    public MinibatchObjective(IMechanism mechanism, ILearningRule rule, GameShape shape, int maxEpisodes, int steps, int window,
        WindowMode mode, double lambda, int regularizerSampleCap = 0, int threads = 1, IReadOnlyList<int>? groupSizes = null,
        LearnerParameters? learner = null, IProcessGroup? processes = null)
        : this(mechanism, rule, shape, maxEpisodes, steps, window, mode, lambda, regularizerSampleCap, CreatePool(threads), ownsPool: true,
            groupSizes: groupSizes, learner: learner, processes: processes)
    {
    }

    internal MinibatchObjective(IMechanism mechanism, ILearningRule rule, GameShape shape, int maxEpisodes, int steps, int window,
        WindowMode mode, double lambda, int regularizerSampleCap, WorkerPool pool, bool ownsPool, bool deduplicate = true, IReadOnlyList<int>? groupSizes = null,
        LearnerParameters? learner = null, IProcessGroup? processes = null)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(rule);
        ModelCalls.EnsureSupported<T>();
        if (shape.Agents < 1 || shape.Actions < 2) ThrowHelper.ArgumentOutOfRange(nameof(shape), "at least 1 agent and 2 actions", shape);
        ThrowHelper.IfNotPositive(maxEpisodes, nameof(maxEpisodes));
        if (steps < 2) ThrowHelper.ArgumentOutOfRange(nameof(steps), "at least 2 steps (the first action is never scored)", steps);
        if (window < 2) ThrowHelper.ArgumentOutOfRange(nameof(window), "a window of at least 2 steps", window);
        if (!Enum.IsDefined(mode)) ThrowHelper.ArgumentOutOfRange(nameof(mode), "Reference or Carry", mode);
        ThrowHelper.IfNegativeOrNotFinite(lambda, nameof(lambda));
        if (regularizerSampleCap < 0) ThrowHelper.ArgumentOutOfRange(nameof(regularizerSampleCap), "0 (no subsampling) or a positive cap", regularizerSampleCap);

        _rule = rule;
        _agents = shape.Agents;
        _actions = shape.Actions;
        _stateSize = rule.StateSize(_actions);
        _maxEpisodes = maxEpisodes;
        _window = Math.Min(window, steps);
        _mode = mode;
        _lambda = lambda;
        _regularizerSampleCap = regularizerSampleCap;
        _mechanismParameters = mechanism.Layout.TotalLength;
        if (learner is not null && !ReferenceEquals(learner.Rule, rule))
            ThrowHelper.Argument(nameof(learner), "the parameters of the objective's own rule", learner.Rule.RuleName);
        _learner = learner is { Length: > 0 } ? learner : null;
        _learnable = _learner?.Rule;
        _parameters = _mechanismParameters + (_learner?.Length ?? 0);
        if (_learner is not null)
        {
            _learnerTheta = new T[_learner.RuleLength];
            _episodeLearnerBar = new T[checked(maxEpisodes * _learner.RuleLength)];
            _learnerBar = new T[_learner.RuleLength];
        }
        _pool = pool;
        _ownsPool = ownsPool;

        int n = _agents, a = _actions, q = _stateSize;
        _initialState = new T[q];
        ModelCalls.InitialState(rule, _initialState.AsSpan());
        _states = new T[checked(maxEpisodes * _window * n * q)];
        _payoffsBar = new T[checked(maxEpisodes * (_window - 1) * n * a)];
        _episodeNll = new double[maxEpisodes];
        _agentNll = new double[checked(maxEpisodes * n)];
        _agentWeights = new double[checked(maxEpisodes * n)];
        _episodeScored = new int[maxEpisodes];
        _grouped = groupSizes is not null;
        _episodes = new int[maxEpisodes];
        _sampledPairs = new int[regularizerSampleCap];
        _scratch = new WorkerScratch[pool.Workers];
        for (int w = 0; w < _scratch.Length; w++) _scratch[w] = new WorkerScratch(n, a, q);
        _payoffs = new CounterfactualPayoffs<T>(mechanism, shape, maxEpisodes, _window - 1, _window, pool, deduplicate, groupSizes, processes);
        // Carry mode also needs the payoffs of every step before the window, forward only. They are planned
        // separately so that no gradient can flow into the carried state (truncated backpropagation).
        if (mode == WindowMode.Carry && steps > _window)
            _prefixPayoffs = new CounterfactualPayoffs<T>(mechanism, shape, maxEpisodes, steps - _window, 0, pool, deduplicate, groupSizes, processes);
        _learnerJob = new LearnerJob(this);
    }

    /// <summary>The workers this objective runs on.</summary>
    internal WorkerPool Pool => _pool;

    /// <summary>Window length actually used (the requested window clamped to the episode length).</summary>
    public int Window => _window;

    /// <summary>The deduplicated payoffs of the last call (for diagnostics: distinct queries, evaluations).</summary>
    public CounterfactualPayoffs<T> Payoffs => _payoffs;

    /// <summary>
    /// Test hook: when set, the carried prefix of <see cref="WindowMode.Carry"/> runs at these parameters
    /// instead of θ, which makes the loss a function whose exact derivative is the truncated gradient (so it
    /// can be checked against finite differences).
    /// </summary>
    internal T[]? PrefixParametersOverride { get; set; }

    /// <summary>
    /// Whether an evaluation with a gradient keeps the mechanism's dense-layer outputs for it (<see cref="FitOptions.KeepActivations"/>);
    /// the numbers are the same either way.
    /// </summary>
    public bool KeepActivations { get; set; } = true;

    /// <summary>The bytes of forward activations the minibatch payoffs hold for the gradient now.</summary>
    public long KeptActivationBytes => _payoffs.KeptActivationBytes;

    /// <summary>
    /// The loss of the window starting at <paramref name="t0"/> of <paramref name="episodes"/> at
    /// <paramref name="theta"/>; when <paramref name="gradient"/> is not empty it is <b>overwritten</b> with the
    /// gradient. <paramref name="sampleSeed"/> picks the regularizer subsample when one is configured.
    /// </summary>
    public MinibatchLoss Evaluate(Trajectories data, ReadOnlySpan<int> episodes, int t0, ReadOnlySpan<T> theta, Span<T> gradient, ulong sampleSeed = 0) =>
        Evaluate(data, episodes, t0, theta, gradient, ReadOnlySpan<double>.Empty, sampleSeed);

    /// <summary>
    /// As <see cref="Evaluate(Trajectories, ReadOnlySpan{int}, int, ReadOnlySpan{T}, Span{T}, ulong)"/>, with the NLL of agent
    /// <c>i</c> of listed episode <c>b</c> counted <paramref name="agentWeights"/>[b·n + i] times (empty: once each): the loss,
    /// its NLL and the gradient are then of <c>Σ_b Σ_i w[b,i]·NLL[b,i]</c> (averaged over episodes), the regularizer unweighted.
    /// Agents' learner states are independent given the observed joint actions, so weighting one agent's decisions changes
    /// no one else's term. A finite mixture of learner types weights each subject's path by its type posterior.
    /// </summary>
    public MinibatchLoss Evaluate(Trajectories data, ReadOnlySpan<int> episodes, int t0, ReadOnlySpan<T> theta, Span<T> gradient,
        ReadOnlySpan<double> agentWeights, ulong sampleSeed = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!agentWeights.IsEmpty && agentWeights.Length != episodes.Length * _agents)
            ThrowHelper.Argument(nameof(agentWeights), $"empty or {episodes.Length * _agents} weights (episodes × agents)", agentWeights.Length);
        if (!data.IsFullPlay && !_grouped)
            ThrowHelper.Argument(nameof(data), "data without groups or absent agents (or an objective built with the group sizes, see GroupSizeRule.KernelSizes)",
                "data with groups or absent agents");
        if (data.Shape.Agents != _agents || data.Shape.Actions != _actions)
            ThrowHelper.Argument(nameof(data), $"a game of {_agents} agents × {_actions} actions", $"{data.Shape.Agents} × {data.Shape.Actions}");
        if (episodes.Length < 1 || episodes.Length > _maxEpisodes) ThrowHelper.ArgumentOutOfRange(nameof(episodes), $"1..{_maxEpisodes} episodes", episodes.Length);
        if (theta.Length != _parameters) ThrowHelper.Argument(nameof(theta), $"{_parameters} parameters", theta.Length);
        if (!gradient.IsEmpty && gradient.Length != _parameters) ThrowHelper.Argument(nameof(gradient), $"empty or {_parameters} entries", gradient.Length);
        int length = Math.Min(_window, data.Steps);
        if (t0 < 0 || t0 + length > data.Steps) ThrowHelper.ArgumentOutOfRange(nameof(t0), $"a window start in 0..{data.Steps - length}", t0);
        if (_mode == WindowMode.Carry && t0 > (_prefixPayoffs?.MaxSteps ?? 0))
            ThrowHelper.ArgumentOutOfRange(nameof(t0), $"a window start ≤ {_prefixPayoffs?.MaxSteps ?? 0} (episodes of the length the objective was built for)", t0);

        _data = data;
        _batch = episodes.Length;
        _t0 = t0;
        _length = length;
        _prefix = _mode == WindowMode.Carry ? t0 : 0;
        _wantGradient = !gradient.IsEmpty;
        _weighted = !agentWeights.IsEmpty;
        agentWeights.CopyTo(_agentWeights);
        episodes.CopyTo(_episodes);
        var mechanismTheta = theta[.._mechanismParameters];
        if (_learner is not null)
        {
            // The learner's natural parameters at this call's raw values, and the initial state they give.
            _learner.ToNatural(theta[_mechanismParameters..], _learnerTheta.AsSpan());
            ModelCalls.InitialState(_learnable!, _learnerTheta, _initialState.AsSpan());
        }

        // 1. Plan and evaluate the distinct mechanism queries of the whole minibatch.
        _payoffs.Plan(data, episodes, t0, length - 1, t0, length);
        _payoffs.Evaluate(mechanismTheta, keepForAdjoint: _wantGradient && KeepActivations);
        if (_prefix > 0)
        {
            _prefixPayoffs!.Plan(data, episodes, 0, _prefix, 0, 0);
            _prefixPayoffs.Evaluate(PrefixParametersOverride is { } frozen ? frozen : mechanismTheta);
        }

        // 2. Learner forward (and reverse) per episode, in parallel; each episode writes only its own slots.
        _pool.Run(_learnerJob, _batch);

        // 3. Reductions in a fixed order: episodes 0..B−1, then the regularizer pairs in order.
        double nll = 0;
        long scoredActions = 0;
        for (int b = 0; b < _batch; b++)
        {
            nll += _episodeNll[b];
            scoredActions += _episodeScored[b];
        }
        double loss = nll / _batch;

        if (_wantGradient) _payoffs.ClearSeeds();
        double regularizer = _lambda > 0 ? Regularize(sampleSeed) : 0;
        loss += regularizer;

        if (_wantGradient)
        {
            // Sum the payoff adjoints per distinct query (fixed order), then one mechanism adjoint per query.
            int n = _agents, a = _actions;
            for (int b = 0; b < _batch; b++)
                for (int s = 0; s < length - 1; s++)
                    for (int i = 0; i < n; i++)
                    {
                        // An absent agent had no payoffs at the step, so it has no seeds.
                        if (_grouped && data.Action(_episodes[b], t0 + s, i) == Trajectories.Absent) continue;
                        _payoffs.AddSeeds(b, s, i, _payoffsBar.AsSpan((((b * (_window - 1)) + s) * n + i) * a, a));
                    }
            gradient.Clear();
            _payoffs.Backpropagate(gradient[.._mechanismParameters]);
            if (_learner is not null)
            {
                // Episodes in order, then through the transforms into the raw values.
                int l = _learnerBar.Length;
                Array.Clear(_learnerBar);
                for (int b = 0; b < _batch; b++)
                    TensorPrimitives.Add(_learnerBar, _episodeLearnerBar.AsSpan(b * l, l), _learnerBar);
                _learner.PullBack(theta[_mechanismParameters..], _learnerBar, gradient[_mechanismParameters..]);
            }
        }
        _data = null;
        return new MinibatchLoss(loss, nll, regularizer, checked((int)scoredActions));
    }

    private double Regularize(ulong sampleSeed)
    {
        int pairs = _batch * _length;
        int n = _agents;
        double sum = 0;
        int count;
        if (_regularizerSampleCap > 0 && pairs > _regularizerSampleCap)
        {
            // Uniform subsample of (episode, step) pairs with replacement, from a stream fixed by the seed.
            var random = new SplitMix64(sampleSeed);
            for (int j = 0; j < _regularizerSampleCap; j++) _sampledPairs[j] = random.NextInt(pairs);
            count = 0;
            for (int j = 0; j < _regularizerSampleCap; j++)
                for (int i = 0; i < n; i++)
                {
                    if (IsAbsent(_sampledPairs[j] / _length, _sampledPairs[j] % _length, i)) continue;
                    double u = double.CreateTruncating(_payoffs.PlayedPayoff(_sampledPairs[j] / _length, _sampledPairs[j] % _length, i));
                    sum += u * u;
                    count++;
                }
            if (count == 0) return 0;
            if (_wantGradient)
            {
                T scale = T.CreateTruncating(2 * _lambda / count);
                for (int j = 0; j < _regularizerSampleCap; j++)
                    for (int i = 0; i < n; i++)
                    {
                        int b = _sampledPairs[j] / _length, r = _sampledPairs[j] % _length;
                        if (IsAbsent(b, r, i)) continue;
                        _payoffs.AddPlayedSeed(b, r, i, scale * _payoffs.PlayedPayoff(b, r, i));
                    }
            }
        }
        else
        {
            count = pairs * n;
            if (_grouped)
            {
                count = 0;
                for (int b = 0; b < _batch; b++)
                    for (int r = 0; r < _length; r++)
                        for (int i = 0; i < n; i++)
                            if (!IsAbsent(b, r, i)) count++;
                if (count == 0) return 0;
            }
            T scale = T.CreateTruncating(2 * _lambda / count);
            for (int b = 0; b < _batch; b++)
                for (int r = 0; r < _length; r++)
                    for (int i = 0; i < n; i++)
                    {
                        if (IsAbsent(b, r, i)) continue;
                        T u = _payoffs.PlayedPayoff(b, r, i);
                        double ud = double.CreateTruncating(u);
                        sum += ud * ud;
                        if (_wantGradient) _payoffs.AddPlayedSeed(b, r, i, scale * u);
                    }
        }
        return _lambda * sum / count;
    }

    /// <summary>
    /// Each agent's own NLL in the window of the last call, unweighted: entry <c>b·n + i</c> is
    /// <c>−Σ_s log π_i[s+1](a[t0+s+1,i])</c> over the steps agent <c>i</c> of listed episode <c>b</c> was scored.
    /// </summary>
    public ReadOnlySpan<double> AgentNll => _agentNll.AsSpan(0, _batch * _agents);

    /// <summary>Whether agent <paramref name="agent"/> is absent at window step <paramref name="step"/> of planned episode <paramref name="b"/>.</summary>
    private bool IsAbsent(int b, int step, int agent) => _grouped && _data!.Action(_episodes[b], _t0 + step, agent) == Trajectories.Absent;

    /// <summary>Forward (and reverse) of the learner over one episode's window.</summary>
    private void RunEpisode(int b, int worker)
    {
        var data = _data!;
        var scratch = _scratch[worker];
        int e = _episodes[b];
        int n = _agents, a = _actions, q = _stateSize, length = _length;
        var u = scratch.Payoffs.AsSpan();
        var logPolicy = scratch.LogPolicy.AsSpan();
        var states = _states.AsSpan(b * _window * n * q, length * n * q);

        // Q at the window start: Q0, or carried from t = 0 through the prefix (no gradient flows into it).
        var current = states[..(n * q)];
        for (int i = 0; i < n; i++) _initialState.CopyTo(current.Slice(i * q, q));
        if (_prefix > 0)
        {
            var next = scratch.CarryState.AsSpan();
            for (int t = 0; t < _prefix; t++)
            {
                for (int i = 0; i < n; i++)
                {
                    int played = data.Action(e, t, i);
                    // Absent: no payoff feedback, the state is carried unchanged.
                    if (played == Trajectories.Absent) { current.Slice(i * q, q).CopyTo(next.Slice(i * q, q)); continue; }
                    _prefixPayoffs!.Gather(b, t, i, u);
                    Update(current.Slice(i * q, q), u, played, next.Slice(i * q, q));
                }
                next.CopyTo(current);
            }
        }

        // Forward over the window: Q[s+1] = update(Q[s], u[s]); score log π[s+1](a[t0+s+1]).
        double nll = 0;
        int scored = 0;
        var agentNll = _agentNll.AsSpan(b * n, n);
        agentNll.Clear();
        for (int s = 0; s < length - 1; s++)
        {
            var before = states.Slice(s * n * q, n * q);
            var after = states.Slice((s + 1) * n * q, n * q);
            for (int i = 0; i < n; i++)
            {
                int played = data.Action(e, _t0 + s, i), next = data.Action(e, _t0 + s + 1, i);
                // Absent at t: no payoff feedback, Q[t+1] = Q[t]. Absent at t+1: not scored.
                if (played == Trajectories.Absent) before.Slice(i * q, q).CopyTo(after.Slice(i * q, q));
                else
                {
                    _payoffs.Gather(b, s, i, u);
                    Update(before.Slice(i * q, q), u, played, after.Slice(i * q, q));
                }
                if (next == Trajectories.Absent) continue;
                Response(after.Slice(i * q, q), logPolicy);
                double term = double.CreateTruncating(logPolicy[next]);
                agentNll[i] -= term;
                nll -= _weighted ? _agentWeights[(b * n) + i] * term : term;
                scored++;
            }
        }
        _episodeNll[b] = nll;
        _episodeScored[b] = scored;
        if (!_wantGradient) return;

        // Reverse: nextBar = ∂L/∂Q[s+1]; add the response term at s+1, then push through the update at s.
        T seed = -T.One / T.CreateTruncating(_batch);
        var nextBar = scratch.StateBarA.AsSpan();
        var currentBar = scratch.StateBarB.AsSpan();
        var logPolicyBar = scratch.LogPolicyBar.AsSpan();
        var learnerBar = _learner is null ? Span<T>.Empty : _episodeLearnerBar.AsSpan(b * _learnerTheta.Length, _learnerTheta.Length);
        learnerBar.Clear();
        nextBar.Clear();
        for (int s = length - 2; s >= 0; s--)
        {
            var before = states.Slice(s * n * q, n * q);
            var after = states.Slice((s + 1) * n * q, n * q);
            currentBar.Clear();
            for (int i = 0; i < n; i++)
            {
                int next = data.Action(e, _t0 + s + 1, i), played = data.Action(e, _t0 + s, i);
                if (next != Trajectories.Absent)
                {
                    logPolicyBar.Clear();
                    logPolicyBar[next] = _weighted ? seed * T.CreateTruncating(_agentWeights[(b * n) + i]) : seed;
                    ResponseAdjoint(after.Slice(i * q, q), logPolicyBar, nextBar.Slice(i * q, q), learnerBar);
                }
                var payoffsBar = _payoffsBar.AsSpan((((b * (_window - 1)) + s) * n + i) * a, a);
                payoffsBar.Clear();
                if (played == Trajectories.Absent)
                {
                    // Q[s+1] = Q[s]: the adjoint passes straight through.
                    TensorPrimitives.Add(currentBar.Slice(i * q, q), nextBar.Slice(i * q, q), currentBar.Slice(i * q, q));
                    continue;
                }
                _payoffs.Gather(b, s, i, u);
                UpdateAdjoint(before.Slice(i * q, q), u, played, nextBar.Slice(i * q, q), currentBar.Slice(i * q, q), payoffsBar, learnerBar);
            }
            var swap = nextBar;
            nextBar = currentBar;
            currentBar = swap;
        }
        // nextBar is now ∂L/∂Q[t0]: from the initial state when the window starts there (no gradient into a carried state).
        if (_learner is not null && _prefix == 0)
            for (int i = 0; i < n; i++)
                ModelCalls.InitialStateAdjoint(_learnable!, _learnerTheta, nextBar.Slice(i * q, q), learnerBar);
    }

    // The learner's kernels: the θ-versions at the call's learner values when parameters are estimated.

    private void Update(ReadOnlySpan<T> state, ReadOnlySpan<T> payoffs, int played, Span<T> next)
    {
        if (_learnable is null) ModelCalls.Update(_rule, state, payoffs, played, next);
        else ModelCalls.Update(_learnable, _learnerTheta, state, payoffs, played, next);
    }

    private void Response(ReadOnlySpan<T> state, Span<T> logPolicy)
    {
        if (_learnable is null) ModelCalls.Response(_rule, state, logPolicy);
        else ModelCalls.Response(_learnable, _learnerTheta, state, logPolicy);
    }

    private void UpdateAdjoint(ReadOnlySpan<T> state, ReadOnlySpan<T> payoffs, int played, ReadOnlySpan<T> nextBar, Span<T> stateBar, Span<T> payoffsBar, Span<T> learnerBar)
    {
        if (_learnable is null) ModelCalls.UpdateAdjoint(_rule, state, payoffs, played, nextBar, stateBar, payoffsBar);
        else ModelCalls.UpdateAdjoint(_learnable, _learnerTheta, state, payoffs, played, nextBar, stateBar, payoffsBar, learnerBar);
    }

    private void ResponseAdjoint(ReadOnlySpan<T> state, ReadOnlySpan<T> logPolicyBar, Span<T> stateBar, Span<T> learnerBar)
    {
        if (_learnable is null) ModelCalls.ResponseAdjoint(_rule, state, logPolicyBar, stateBar);
        else ModelCalls.ResponseAdjoint(_learnable, _learnerTheta, state, logPolicyBar, stateBar, learnerBar);
    }

    private static WorkerPool CreatePool(int threads)
    {
        ThrowHelper.IfNotPositive(threads, nameof(threads));
        return new WorkerPool(threads);
    }

    /// <summary>Stops the worker threads if this objective created them.</summary>
    public void Dispose()
    {
        if (_ownsPool) _pool.Dispose();
    }

    private sealed class WorkerScratch(int agents, int actions, int stateSize)
    {
        public readonly T[] Payoffs = new T[actions];
        public readonly T[] LogPolicy = new T[actions];
        public readonly T[] LogPolicyBar = new T[actions];
        public readonly T[] CarryState = new T[agents * stateSize];
        public readonly T[] StateBarA = new T[agents * stateSize];
        public readonly T[] StateBarB = new T[agents * stateSize];
    }

    private sealed class LearnerJob(MinibatchObjective<T> owner) : IIndexedJob
    {
        public void Execute(int index, int worker) => owner.RunEpisode(index, worker);
    }
}
