using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Numerics;
using System.Numerics.Tensors;
using Diml.Data;
using Diml.Kernels;

namespace Diml.Fitting;

/// <summary>
/// The counterfactual payoffs <c>u[t,i,k] = M_θ(k, a_{-i,t})_i</c> a minibatch window needs, computed with
/// exact query deduplication. <see cref="Plan"/> collects the distinct mechanism queries of the window —
/// joint profiles for a joint mechanism (one evaluation gives all n payoffs), contexts <c>(a_{-i}, i)</c>
/// for a per-agent mechanism, opponent-count vectors for an anonymous one (at most <c>min(n, A)</c> per
/// step) — and records for every <c>(episode, step, agent, action)</c> where its payoff lives.
/// <see cref="Evaluate"/> runs the mechanism once per distinct query; <see cref="Backpropagate"/> runs its
/// adjoint once per distinct query on the summed seeds.
/// </summary>
/// <remarks>
/// <para>Data with groups (<see cref="Trajectories.Groups"/>) are planned group by group: the joint form's query is the
/// group's joint action (its length is the group size), the per-agent form's the group's joint action with the agent's
/// position, the anonymous form's the counts of the agent's group-mates' actions — whose sum is the group size less one,
/// so that the key (group size, own action, group-mates' counts) is exact. A per-agent mechanism on groups of several
/// sizes gets keys of the form <c>(size, profile with the own slot blanked, position, 0…)</c> and a kernel per size, one
/// query at a time. Absent agents have no payoffs (their slots are −1 and must not be read).</para>
/// Every buffer is sized in the constructor from the largest minibatch and window, so planning, evaluating
/// and backpropagating allocate nothing. Query numbering follows insertion order (episode, step, agent,
/// action), and the adjoint is accumulated in a fixed number of query blocks reduced in block order, so the
/// gradient is bit-identical whatever the number of threads.
/// <para>With an <see cref="IProcessGroup"/> of several processes, each evaluates and backpropagates only its contiguous
/// share of the blocks; the query values and the block gradients are then gathered to every process
/// (<see cref="IProcessGroup.AllGather"/>), which adds the block gradients in block order: the result is bit-identical
/// whatever the number of processes too.</para>
/// </remarks>
/// <typeparam name="T">float for fitting, double for gradient checks.</typeparam>
public sealed class CounterfactualPayoffs<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Number of query blocks the adjoint is split into; fixed so that the reduction order never depends on the thread count.</summary>
    internal const int ReductionBlocks = 16;

    private readonly IMechanism _mechanism;
    private readonly PayoffForm _form;
    private readonly int _agents, _actions, _entryWidth, _parameters;
    private readonly int _size;      // agents of a query: n, or the (largest) group size of grouped data (joint and per-agent forms)
    private readonly bool _grouped;  // planned group by group (data with groups or absent agents)
    private readonly bool _sizedKeys; // per-agent form on several group sizes: keys start with the size
    private readonly PayoffKernel<T>?[][]? _sizeKernels; // [block][size], for sized keys
    private readonly int[] _groupJoint;
    private readonly bool _deduplicate;
    private readonly QueryTable _table;
    private readonly T[] _values, _seeds;
    private readonly int[] _slots, _regularizerSlots;
    private readonly int[] _profile, _counts, _actionContext, _actionStamp;
    private readonly T[] _blockGradients; // [block, parameter]
    private readonly IProcessGroup _processes;
    private readonly int[] _partOffsets, _partCounts; // bytes of each process's part of an exchange
    private int _firstBlock; // the first block this process runs in the job in progress
    private readonly PayoffKernel<T>[] _kernels;
    private readonly int _maxEpisodes, _maxSteps, _maxRegularizerSteps;
    private readonly WorkerPool _pool;
    private readonly EvaluateJob _evaluateJob;
    private readonly AdjointJob _adjointJob;
    private readonly BatchedQueries[]? _batches;
    private int _stamp;
    private T[] _theta = [];
    // Taken anew at every write of _theta: the batched blocks pin _theta under it, so that their dense layers find the
    // transposed weights of this step by position instead of comparing every weight on every call (TransposeCache).
    private long _thetaVersion;
    private bool _keepForAdjoint;

    /// <summary>
    /// Buffers for minibatches of up to <paramref name="maxEpisodes"/> episodes, each needing payoffs at up
    /// to <paramref name="maxSteps"/> steps and the regularizer at up to <paramref name="maxRegularizerSteps"/>.
    /// </summary>
    /// <remarks><c>groupSizes</c>: null for data without groups or absences; otherwise the data's group sizes
    /// (<see cref="GroupSizeRule.KernelSizes"/>: one for the joint form).</remarks>
    internal CounterfactualPayoffs(IMechanism mechanism, GameShape shape, int maxEpisodes, int maxSteps, int maxRegularizerSteps,
        WorkerPool pool, bool deduplicate = true, IReadOnlyList<int>? groupSizes = null, IProcessGroup? processes = null)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        ModelCalls.EnsureSupported<T>();
        _mechanism = mechanism;
        _form = mechanism.Form;
        _agents = shape.Agents;
        _actions = shape.Actions;
        _parameters = mechanism.Layout.TotalLength;
        _deduplicate = deduplicate;
        _pool = pool;
        _maxEpisodes = maxEpisodes;
        _maxSteps = maxSteps;
        _maxRegularizerSteps = maxRegularizerSteps;
        _grouped = groupSizes is not null;
        if (groupSizes is not null && (groupSizes.Count == 0 || groupSizes.Any(size => size < 1 || size > shape.Agents)))
            ThrowHelper.ArgumentOutOfRange(nameof(groupSizes), $"null or group sizes in 1..{shape.Agents}", string.Join(", ", groupSizes));
        if (_form == PayoffForm.Joint && groupSizes is { Count: > 1 })
            ThrowHelper.Argument(nameof(groupSizes), "one group size for the joint form", string.Join(", ", groupSizes));
        _sizedKeys = _form == PayoffForm.PerAgent && groupSizes is { Count: > 1 };
        _size = _form == PayoffForm.Anonymous || groupSizes is null ? _agents : groupSizes.Max();
        _groupJoint = new int[_agents];
        int n = _agents, a = _actions, k = _size;
        int stepEvents = maxEpisodes * (maxSteps + maxRegularizerSteps);
        (int keyLength, int perStep) = _form switch
        {
            // Joint: the profiles (k, a_{-i}) of one step; k = a_i is the same profile for every agent (of a group).
            PayoffForm.Joint => (k, _grouped ? n * a : deduplicate ? n * (a - 1) + 1 : n * a),
            // Per agent: one context (a_{-i} with slot i blanked, i) per agent.
            PayoffForm.PerAgent => (_sizedKeys ? k + 2 : k + 1, n),
            // Anonymous: one opponent-count vector per distinct own action played (in each group).
            _ => (a, deduplicate && !_grouped ? Math.Min(n, a) : n),
        };
        _entryWidth = _form == PayoffForm.Joint ? k : a;
        _table = new QueryTable(keyLength, checked(stepEvents * perStep));
        _values = new T[checked(_table.Capacity * _entryWidth)];
        _seeds = new T[_values.Length];
        _slots = new int[checked(maxEpisodes * maxSteps * n * a)];
        _regularizerSlots = new int[checked(maxEpisodes * maxRegularizerSteps * n)];
        _profile = new int[k + 2];
        _counts = new int[a];
        _actionContext = new int[a];
        _actionStamp = new int[a];
        _blockGradients = new T[checked(ReductionBlocks * _parameters)];
        _processes = processes ?? LocalProcessGroup.Instance;
        _partOffsets = new int[_processes.Size];
        _partCounts = new int[_processes.Size];
        // One kernel per block: blocks run in parallel, and a kernel owns scratch buffers.
        _kernels = new PayoffKernel<T>[ReductionBlocks];
        for (int j = 0; j < ReductionBlocks; j++) _kernels[j] = PayoffKernel<T>.For(mechanism, k, a);
        if (_sizedKeys)
        {
            _sizeKernels = new PayoffKernel<T>?[ReductionBlocks][];
            for (int j = 0; j < ReductionBlocks; j++)
            {
                _sizeKernels[j] = new PayoffKernel<T>?[k + 1];
                foreach (int size in groupSizes!) _sizeKernels[j][size] = PayoffKernel<T>.For(mechanism, size, a);
            }
        }
        // Float fits of mechanisms with batched kernels run each block's queries a batch at a time (one key width only).
        if (typeof(T) == typeof(float) && BatchedQueries.Supports(mechanism) && !_sizedKeys)
        {
            _batches = new BatchedQueries[ReductionBlocks];
            for (int j = 0; j < ReductionBlocks; j++) _batches[j] = new BatchedQueries(mechanism, k, a);
        }
        _evaluateJob = new EvaluateJob(this);
        _adjointJob = new AdjointJob(this);
    }

    /// <summary>Largest number of counterfactual steps per episode the buffers hold.</summary>
    internal int MaxSteps => _maxSteps;

    /// <summary>Episodes in the current plan.</summary>
    public int Episodes { get; private set; }

    /// <summary>Steps with counterfactual payoffs per episode in the current plan.</summary>
    public int Steps { get; private set; }

    /// <summary>Steps with regularized payoffs per episode in the current plan.</summary>
    public int RegularizerSteps { get; private set; }

    /// <summary>Distinct mechanism queries of the current plan (entries of the query table).</summary>
    public int DistinctQueries => _table.Count;

    /// <summary>
    /// Mechanism evaluations one forward pass of the current plan costs: one per distinct joint profile, or
    /// one per distinct context and own action for the per-agent and anonymous forms.
    /// </summary>
    public int Evaluations => _form == PayoffForm.Joint ? _table.Count : _table.Count * _actions;

    /// <summary>
    /// Collects the queries of <paramref name="episodes"/>: counterfactual payoffs at steps
    /// <c>firstStep .. firstStep+steps-1</c>, and the payoff of the action actually played at steps
    /// <c>regularizerFirstStep .. regularizerFirstStep+regularizerSteps-1</c> (for the payoff regularizer).
    /// </summary>
    public void Plan(Trajectories data, ReadOnlySpan<int> episodes, int firstStep, int steps, int regularizerFirstStep, int regularizerSteps)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.IsFullPlay && !_grouped)
            ThrowHelper.Argument(nameof(data), "data without groups or absent agents (the payoffs were built for them)", "data with groups or absent agents");
        if (data.Shape.Agents != _agents || data.Shape.Actions != _actions)
            ThrowHelper.Argument(nameof(data), $"a game of {_agents} agents × {_actions} actions", $"{data.Shape.Agents} × {data.Shape.Actions}");
        if (episodes.Length > _maxEpisodes) ThrowHelper.ArgumentOutOfRange(nameof(episodes), $"at most {_maxEpisodes} episodes", episodes.Length);
        if ((uint)steps > (uint)_maxSteps) ThrowHelper.ArgumentOutOfRange(nameof(steps), $"0..{_maxSteps}", steps);
        if ((uint)regularizerSteps > (uint)_maxRegularizerSteps) ThrowHelper.ArgumentOutOfRange(nameof(regularizerSteps), $"0..{_maxRegularizerSteps}", regularizerSteps);
        if (firstStep < 0 || firstStep + steps > data.Steps) ThrowHelper.ArgumentOutOfRange(nameof(firstStep), $"a range of {steps} steps inside 0..{data.Steps - 1}", firstStep);
        if (regularizerFirstStep < 0 || regularizerFirstStep + regularizerSteps > data.Steps)
            ThrowHelper.ArgumentOutOfRange(nameof(regularizerFirstStep), $"a range of {regularizerSteps} steps inside 0..{data.Steps - 1}", regularizerFirstStep);

        _table.Clear();
        Episodes = episodes.Length;
        Steps = steps;
        RegularizerSteps = regularizerSteps;
        int n = _agents, a = _actions;
        for (int b = 0; b < episodes.Length; b++)
        {
            int e = episodes[b];
            if ((uint)e >= (uint)data.Episodes) ThrowHelper.ArgumentOutOfRange(nameof(episodes), $"episode indices in 0..{data.Episodes - 1}", e);
            for (int s = 0; s < steps; s++)
            {
                var slots = _slots.AsSpan(((b * _maxSteps) + s) * n * a, n * a);
                if (_grouped) PlanGroupedStep(data, e, firstStep + s, slots, played: false);
                else PlanStep(data.Step(e, firstStep + s), slots);
            }
            for (int r = 0; r < regularizerSteps; r++)
            {
                int t = regularizerFirstStep + r;
                var joint = data.Step(e, t);
                var regularizer = _regularizerSlots.AsSpan(((b * _maxRegularizerSteps) + r) * n, n);
                int s = t - firstStep;
                if ((uint)s < (uint)steps)
                {
                    // Already planned as a counterfactual step: the played action's payoff is one of them.
                    var slots = _slots.AsSpan(((b * _maxSteps) + s) * n * a, n * a);
                    for (int i = 0; i < n; i++) regularizer[i] = joint[i] == Trajectories.Absent ? -1 : slots[(i * a) + joint[i]];
                }
                else if (_grouped)
                {
                    PlanGroupedStep(data, e, t, regularizer, played: true);
                }
                else
                {
                    PlanPlayed(joint, regularizer);
                }
            }
        }
    }

    /// <summary>Plans all counterfactual payoffs of one step: <paramref name="slots"/>[i·A + k] receives where u[i,k] lives.</summary>
    private void PlanStep(ReadOnlySpan<int> joint, Span<int> slots)
    {
        int n = _agents, a = _actions;
        switch (_form)
        {
            case PayoffForm.Joint:
            {
                var profile = _profile.AsSpan(0, n);
                joint.CopyTo(profile);
                for (int i = 0; i < n; i++)
                {
                    for (int k = 0; k < a; k++)
                    {
                        profile[i] = k;
                        slots[(i * a) + k] = (_table.Add(profile, _deduplicate) * n) + i;
                    }
                    profile[i] = joint[i];
                }
                break;
            }
            case PayoffForm.PerAgent:
                for (int i = 0; i < n; i++)
                {
                    int c = AddPerAgentContext(joint, i);
                    for (int k = 0; k < a; k++) slots[(i * a) + k] = (c * a) + k;
                }
                break;
            default:
                BeginAnonymousStep(joint);
                for (int i = 0; i < n; i++)
                {
                    int c = AnonymousContext(joint[i]);
                    for (int k = 0; k < a; k++) slots[(i * a) + k] = (c * a) + k;
                }
                break;
        }
    }

    /// <summary>Plans only the payoff each agent got for what it played (a regularizer step outside the counterfactual steps).</summary>
    private void PlanPlayed(ReadOnlySpan<int> joint, Span<int> regularizer)
    {
        int n = _agents, a = _actions;
        switch (_form)
        {
            case PayoffForm.Joint:
            {
                int q = _table.Add(joint, _deduplicate);
                for (int i = 0; i < n; i++) regularizer[i] = (q * n) + i;
                break;
            }
            case PayoffForm.PerAgent:
                for (int i = 0; i < n; i++) regularizer[i] = (AddPerAgentContext(joint, i) * a) + joint[i];
                break;
            default:
                BeginAnonymousStep(joint);
                for (int i = 0; i < n; i++) regularizer[i] = (AnonymousContext(joint[i]) * a) + joint[i];
                break;
        }
    }

    private int AddPerAgentContext(ReadOnlySpan<int> joint, int agent)
    {
        int size = joint.Length;
        if (_sizedKeys)
        {
            // (size, profile with the own slot blanked, position, zeros): one key width for every size.
            var sized = _profile.AsSpan(0, _size + 2);
            sized.Clear();
            sized[0] = size;
            joint.CopyTo(sized[1..]);
            sized[1 + agent] = 0;
            sized[1 + size] = agent;
            return _table.Add(sized, _deduplicate);
        }
        var key = _profile.AsSpan(0, size + 1);
        joint.CopyTo(key);
        key[agent] = 0; // the own action is the counterfactual; blank it so contexts compare equal
        key[size] = agent;
        return _table.Add(key, _deduplicate);
    }

    /// <summary>
    /// Plans one step of grouped data, group by group: with <paramref name="played"/>, only each agent's payoff of its
    /// played action (<paramref name="slots"/>[i]), else every counterfactual payoff (<paramref name="slots"/>[i·A + k]).
    /// Absent agents get −1.
    /// </summary>
    private void PlanGroupedStep(Trajectories data, int episode, int t, Span<int> slots, bool played)
    {
        int a = _actions;
        slots.Fill(-1);
        var joint = data.Step(episode, t);
        var groups = data.Groups(episode, t);
        for (int g = 0; g < groups.Count; g++)
        {
            var members = groups.Members(g);
            int size = members.Length;
            if (_form != PayoffForm.Anonymous && size != _size && !_sizedKeys)
                ThrowHelper.Argument(nameof(data), $"groups of {_size} agents (the {_form} form's kernel size)",
                    $"a group of {size} at episode {episode}, t {t}");
            var group = _groupJoint.AsSpan(0, size);
            for (int p = 0; p < size; p++) group[p] = joint[members[p]];
            if (_form == PayoffForm.Anonymous) BeginAnonymousStep(group);
            for (int p = 0; p < size; p++)
            {
                int i = members[p], own = group[p];
                switch (_form)
                {
                    case PayoffForm.Joint:
                        if (played) { slots[i] = (_table.Add(group, _deduplicate) * size) + p; break; }
                        for (int k = 0; k < a; k++)
                        {
                            group[p] = k;
                            slots[(i * a) + k] = (_table.Add(group, _deduplicate) * size) + p;
                        }
                        group[p] = own;
                        break;
                    case PayoffForm.PerAgent:
                    {
                        int c = AddPerAgentContext(group, p);
                        if (played) { slots[i] = (c * a) + own; break; }
                        for (int k = 0; k < a; k++) slots[(i * a) + k] = (c * a) + k;
                        break;
                    }
                    default:
                    {
                        int c = AnonymousContext(own);
                        if (played) { slots[i] = (c * a) + own; break; }
                        for (int k = 0; k < a; k++) slots[(i * a) + k] = (c * a) + k;
                        break;
                    }
                }
            }
        }
    }

    private void BeginAnonymousStep(ReadOnlySpan<int> joint)
    {
        Array.Clear(_counts);
        foreach (int action in joint) _counts[action]++;
        if (++_stamp == int.MaxValue) { Array.Clear(_actionStamp); _stamp = 1; }
    }

    /// <summary>The context of an agent that played <paramref name="own"/>: the counts of the others' actions.</summary>
    private int AnonymousContext(int own)
    {
        // Agents that played the same action see the same opponent counts: one query per distinct own action.
        if (_deduplicate && _actionStamp[own] == _stamp) return _actionContext[own];
        _counts[own]--;
        int c = _table.Add(_counts, _deduplicate);
        _counts[own]++;
        _actionStamp[own] = _stamp;
        _actionContext[own] = c;
        return c;
    }

    /// <summary>The bytes of forward activations the batched blocks hold for the adjoint.</summary>
    internal long KeptActivationBytes => _batches?.Sum(b => b.KeptActivationBytes) ?? 0;

    /// <summary>
    /// Evaluates the mechanism once per distinct query of the plan at <paramref name="theta"/>; with
    /// <paramref name="keepForAdjoint"/> (a <see cref="Backpropagate"/> follows) the batched kernels keep their dense layers'
    /// outputs for it (<see cref="BatchedQueries"/>).
    /// </summary>
    public void Evaluate(ReadOnlySpan<T> theta, bool keepForAdjoint = false)
    {
        _keepForAdjoint = keepForAdjoint;
        if (theta.Length != _parameters) ThrowHelper.Argument(nameof(theta), $"{_parameters} parameters", theta.Length);
        if (_theta.Length != _parameters) _theta = new T[_parameters];
        theta.CopyTo(_theta);
        _thetaVersion = TransposeCache.NewVersion();
        int blocks = Math.Min(ReductionBlocks, _table.Count);
        var (first, end) = OwnBlocks(_processes.Rank, blocks);
        _firstBlock = first;
        _pool.Run(_evaluateJob, end - first);
        if (_processes.Size == 1) return;
        // Every process needs every payoff (the learners of all episodes run everywhere): gather the blocks' values.
        long entryBytes = (long)_entryWidth * Unsafe.SizeOf<T>();
        for (int r = 0; r < _processes.Size; r++)
        {
            var (from, to) = OwnBlocks(r, blocks);
            int start = from < to ? BlockRange(from, blocks).Start : 0, stop = from < to ? BlockRange(to - 1, blocks).End : 0;
            _partOffsets[r] = checked((int)(start * entryBytes));
            _partCounts[r] = checked((int)((stop - start) * entryBytes));
        }
        _processes.AllGather(MemoryMarshal.AsBytes(_values.AsSpan()), _partOffsets, _partCounts);
    }

    /// <summary>The blocks <c>[first, end)</c> process <paramref name="rank"/> runs: a contiguous share, fixed by the rank and the process count.</summary>
    private (int First, int End) OwnBlocks(int rank, int blocks)
    {
        int size = _processes.Size;
        return ((int)((long)blocks * rank / size), (int)((long)blocks * (rank + 1) / size));
    }

    /// <summary>The counterfactual payoff u of agent <paramref name="agent"/>'s action <paramref name="action"/> at planned step <paramref name="step"/> of planned episode <paramref name="episode"/>.</summary>
    public T Payoff(int episode, int step, int agent, int action) => _values[Slot(episode, step, agent, action)];

    /// <summary>Copies agent <paramref name="agent"/>'s counterfactual payoffs (one per own action) at a planned step into <paramref name="payoffs"/>.</summary>
    public void Gather(int episode, int step, int agent, Span<T> payoffs)
    {
        var slots = SlotsOf(episode, step, agent);
        for (int k = 0; k < slots.Length; k++) payoffs[k] = _values[slots[k]];
    }

    /// <summary>The payoff agent <paramref name="agent"/> got for its played action at regularizer step <paramref name="step"/>.</summary>
    public T PlayedPayoff(int episode, int step, int agent) => _values[_regularizerSlots[(((episode * _maxRegularizerSteps) + step) * _agents) + agent]];

    /// <summary>Zeroes the payoff adjoints before a backward pass.</summary>
    public void ClearSeeds() => Array.Clear(_seeds, 0, _table.Count * _entryWidth);

    /// <summary>Adds adjoints of agent <paramref name="agent"/>'s counterfactual payoffs at a planned step; equal queries sum their seeds.</summary>
    public void AddSeeds(int episode, int step, int agent, ReadOnlySpan<T> payoffsBar)
    {
        var slots = SlotsOf(episode, step, agent);
        for (int k = 0; k < slots.Length; k++) _seeds[slots[k]] += payoffsBar[k];
    }

    /// <summary>Adds an adjoint of the payoff of a played action at a regularizer step.</summary>
    public void AddPlayedSeed(int episode, int step, int agent, T payoffBar) =>
        _seeds[_regularizerSlots[(((episode * _maxRegularizerSteps) + step) * _agents) + agent]] += payoffBar;

    /// <summary>
    /// Runs the mechanism adjoint once per distinct query with its summed seed and <b>adds</b> the result into
    /// <paramref name="thetaBar"/>. Blocks of queries accumulate separately and are added in block order.
    /// </summary>
    public void Backpropagate(Span<T> thetaBar)
    {
        if (thetaBar.Length != _parameters) ThrowHelper.Argument(nameof(thetaBar), $"{_parameters} parameters", thetaBar.Length);
        int blocks = Math.Min(ReductionBlocks, _table.Count);
        var (first, end) = OwnBlocks(_processes.Rank, blocks);
        _firstBlock = first;
        _pool.Run(_adjointJob, end - first);
        if (_processes.Size > 1)
        {
            long blockBytes = (long)_parameters * Unsafe.SizeOf<T>();
            for (int r = 0; r < _processes.Size; r++)
            {
                var (from, to) = OwnBlocks(r, blocks);
                _partOffsets[r] = checked((int)(from * blockBytes));
                _partCounts[r] = checked((int)((to - from) * blockBytes));
            }
            _processes.AllGather(MemoryMarshal.AsBytes(_blockGradients.AsSpan()), _partOffsets, _partCounts);
        }
        for (int j = 0; j < blocks; j++)
            TensorPrimitives.Add(thetaBar, BlockGradient(j), thetaBar);
    }

    private int Slot(int episode, int step, int agent, int action) =>
        _slots[(((((episode * _maxSteps) + step) * _agents) + agent) * _actions) + action];

    private ReadOnlySpan<int> SlotsOf(int episode, int step, int agent) =>
        _slots.AsSpan(((((episode * _maxSteps) + step) * _agents) + agent) * _actions, _actions);

    private Span<T> BlockGradient(int block) => _blockGradients.AsSpan(block * _parameters, _parameters);

    private (int Start, int End) BlockRange(int block, int blocks)
    {
        int count = _table.Count;
        return ((int)((long)count * block / blocks), (int)((long)count * (block + 1) / blocks));
    }

    private void EvaluateBlock(int block)
    {
        var (start, end) = BlockRange(block, Math.Min(ReductionBlocks, _table.Count));
        if (_batches is not null)
        {
            // Batches exist only for float fits, so _theta is a float[].
            using var pinned = TransposeCache.Freeze(Unsafe.As<float[]>(_theta), _thetaVersion);
            _batches[block].Evaluate(_table, start, end, MemoryMarshal.Cast<T, float>(_theta.AsSpan()), MemoryMarshal.Cast<T, float>(_values.AsSpan()),
                _keepForAdjoint ? _thetaVersion : 0);
            return;
        }
        if (_sizeKernels is not null)
        {
            for (int q = start; q < end; q++)
            {
                var key = _table.Key(q);
                _sizeKernels[block][key[0]]!.EvaluateQuery(_theta, key.Slice(1, key[0] + 1), _values.AsSpan(q * _actions, _actions));
            }
            return;
        }
        var kernel = _kernels[block];
        int width = kernel.QueryWidth;
        for (int q = start; q < end; q++)
            kernel.EvaluateQuery(_theta, _table.Key(q), _values.AsSpan(q * width, width));
    }

    private void AdjointBlock(int block)
    {
        var (start, end) = BlockRange(block, Math.Min(ReductionBlocks, _table.Count));
        ReadOnlySpan<T> theta = _theta;
        var gradient = BlockGradient(block);
        gradient.Clear();
        if (_batches is not null)
        {
            using var pinned = TransposeCache.Freeze(Unsafe.As<float[]>(_theta), _thetaVersion);
            _batches[block].Backpropagate(_table, start, end, MemoryMarshal.Cast<T, float>(_theta.AsSpan()),
                MemoryMarshal.Cast<T, float>(_seeds.AsSpan()), MemoryMarshal.Cast<T, float>(gradient), _thetaVersion);
            return;
        }
        if (_sizeKernels is not null)
        {
            for (int q = start; q < end; q++)
            {
                var key = _table.Key(q);
                _sizeKernels[block][key[0]]!.QueryAdjoint(theta, key.Slice(1, key[0] + 1), _seeds.AsSpan(q * _actions, _actions), gradient);
            }
            return;
        }
        var kernel = _kernels[block];
        int width = kernel.QueryWidth;
        for (int q = start; q < end; q++)
            kernel.QueryAdjoint(theta, _table.Key(q), _seeds.AsSpan(q * width, width), gradient);
    }

    private sealed class EvaluateJob(CounterfactualPayoffs<T> owner) : IIndexedJob
    {
        public void Execute(int index, int worker) => owner.EvaluateBlock(owner._firstBlock + index);
    }

    private sealed class AdjointJob(CounterfactualPayoffs<T> owner) : IIndexedJob
    {
        public void Execute(int index, int worker) => owner.AdjointBlock(owner._firstBlock + index);
    }
}
