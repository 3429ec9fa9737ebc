using Diml.Kernels;

namespace Diml.Fitting;

/// <summary>
/// Runs the distinct queries of one reduction block through a mechanism's batched kernels
/// (<see cref="IBatchedJointMechanism"/> and its siblings), up to <see cref="Capacity"/> queries per call:
/// dense layers become matrix–matrix products over the queries, and the weight gradient is accumulated once
/// per call instead of once per query. Each block owns one of these, so blocks on different threads share
/// nothing and the results do not depend on the number of threads.
/// </summary>
/// <remarks>
/// The forward pass keeps the dense layers' outputs (<see cref="ActivationStore"/>, one row per query of the block) and the
/// adjoint at the same parameter version reads them back instead of multiplying again, up to
/// <see cref="StoreLimitBytes"/> per block; beyond it a layer is recomputed. The numbers are the same either way.
/// </remarks>
internal sealed class BatchedQueries
{
    /// <summary>Queries per kernel call: large enough for matrix–matrix products, small enough that the hidden activations stay in cache.</summary>
    public const int Capacity = 128;

    /// <summary>
    /// The most memory one block keeps forward activations in: 64 MiB, so 1 GiB for the 16 blocks of a minibatch's
    /// payoffs (E7 n=300, A = 40 needs about half of it: two 256-wide hidden layers of ≈ 240,000 queries).
    /// </summary>
    public const long StoreLimitBytes = 64L << 20;

    private readonly IMechanism _mechanism;
    private readonly int _agents, _actions;
    private readonly int[] _inputs;      // joint actions (joint, per-agent) or opponent counts (anonymous), query-major
    private readonly int[] _selectors;   // agent (per-agent) or own action (anonymous) of each query
    private readonly int[] _targets;     // where each query's payoff(s) live in the table's values
    private readonly float[] _payoffs;
    private readonly float[] _seeds;
    private readonly int[] _rows;        // each query's row of the activation store: its place among the block's queries
    private readonly ActivationStore _store = new(StoreLimitBytes / sizeof(float));
    private int _count;

    public BatchedQueries(IMechanism mechanism, int agents, int actions)
    {
        _mechanism = mechanism;
        _agents = agents;
        _actions = actions;
        int width = mechanism.Form == PayoffForm.Anonymous ? actions : agents;
        int outputs = mechanism.Form == PayoffForm.Joint ? agents : 1;
        _inputs = new int[Capacity * width];
        _selectors = new int[Capacity];
        _targets = new int[Capacity];
        _payoffs = new float[Capacity * outputs];
        _seeds = new float[Capacity * outputs];
        _rows = new int[Capacity];
    }

    /// <summary>The bytes of forward activations this block holds for the adjoint.</summary>
    public long KeptActivationBytes => _store.Floats * sizeof(float);

    /// <summary>Whether <paramref name="mechanism"/> has batched kernels of its form.</summary>
    public static bool Supports(IMechanism mechanism) => mechanism switch
    {
        IBatchedJointMechanism => mechanism.Form == PayoffForm.Joint,
        IBatchedPerAgentMechanism => mechanism.Form == PayoffForm.PerAgent,
        IBatchedAnonymousMechanism => mechanism.Form == PayoffForm.Anonymous,
        _ => false,
    };

    /// <summary>
    /// Evaluates entries <paramref name="start"/>..<paramref name="end"/> of <paramref name="table"/> into <paramref name="values"/>,
    /// keeping the layers' outputs for a <see cref="Backpropagate"/> of the same entries at the same <paramref name="version"/>
    /// of <paramref name="theta"/> (0: keep nothing, no adjoint follows).
    /// </summary>
    public void Evaluate(QueryTable table, int start, int end, ReadOnlySpan<float> theta, Span<float> values, long version)
    {
        _count = 0;
        int perEntry = QueriesPerEntry;
        if (version != 0) _store.Expect((end - start) * perEntry);
        for (int entry = start; entry < end; entry++)
            for (int k = 0; k < perEntry; k++)
            {
                if (_count == Capacity) Forward(theta, values, version);
                Add(table.Key(entry), k, Slot(entry, k), (entry - start) * perEntry + k);
            }
        Forward(theta, values, version);
    }

    /// <summary>
    /// Adds the gradient of entries <paramref name="start"/>..<paramref name="end"/>, weighted by their seeds, into
    /// <paramref name="thetaBar"/>; the layers' outputs come from the last <see cref="Evaluate"/> when it was of the same
    /// entries at this <paramref name="version"/>.
    /// </summary>
    public void Backpropagate(QueryTable table, int start, int end, ReadOnlySpan<float> theta, ReadOnlySpan<float> seeds, Span<float> thetaBar, long version)
    {
        _count = 0;
        int perEntry = QueriesPerEntry, outputs = Outputs;
        for (int entry = start; entry < end; entry++)
            for (int k = 0; k < perEntry; k++)
            {
                int slot = Slot(entry, k);
                var seed = seeds.Slice(slot, outputs);
                // Queries with no seed (outside the scored window) contribute nothing: leave them out.
                if (seed.IndexOfAnyExcept(0f) < 0) continue;
                if (_count == Capacity) Adjoint(theta, thetaBar, version);
                seed.CopyTo(_seeds.AsSpan(_count * outputs, outputs));
                Add(table.Key(entry), k, slot, (entry - start) * perEntry + k);
            }
        Adjoint(theta, thetaBar, version);
    }

    /// <summary>A joint entry is one query (all agents' payoffs); the other forms ask one query per own action.</summary>
    private int QueriesPerEntry => _mechanism.Form == PayoffForm.Joint ? 1 : _actions;

    private int Outputs => _mechanism.Form == PayoffForm.Joint ? _agents : 1;

    private int Slot(int entry, int k) => _mechanism.Form == PayoffForm.Joint ? entry * _agents : (entry * _actions) + k;

    /// <summary>Appends query <paramref name="k"/> of an entry with key <paramref name="key"/> (the table's layout, see CounterfactualPayoffs).</summary>
    private void Add(ReadOnlySpan<int> key, int k, int slot, int row)
    {
        int q = _count++;
        _targets[q] = slot;
        _rows[q] = row;
        switch (_mechanism.Form)
        {
            case PayoffForm.Joint:
                key.CopyTo(_inputs.AsSpan(q * _agents, _agents));
                break;
            case PayoffForm.PerAgent:
            {
                var joint = _inputs.AsSpan(q * _agents, _agents);
                key[.._agents].CopyTo(joint);
                int agent = key[_agents];
                joint[agent] = k;
                _selectors[q] = agent;
                break;
            }
            default:
                key.CopyTo(_inputs.AsSpan(q * _actions, _actions));
                _selectors[q] = k;
                break;
        }
    }

    private void Forward(ReadOnlySpan<float> theta, Span<float> values, long version)
    {
        int count = _count, outputs = Outputs;
        if (count == 0) return;
        var payoffs = _payoffs.AsSpan(0, count * outputs);
        using var keeping = version == 0 ? default : ActivationStore.Keeping(_store, _rows, version);
        switch (_mechanism)
        {
            case IBatchedJointMechanism joint:
                joint.PayoffsBatch(theta, _inputs.AsSpan(0, count * _agents), count, payoffs);
                break;
            case IBatchedPerAgentMechanism perAgent:
                perAgent.PayoffBatch(theta, _inputs.AsSpan(0, count * _agents), _selectors.AsSpan(0, count), count, payoffs);
                break;
            case IBatchedAnonymousMechanism anonymous:
                anonymous.PayoffBatch(theta, _selectors.AsSpan(0, count), _inputs.AsSpan(0, count * _actions), count, payoffs);
                break;
        }
        for (int q = 0; q < count; q++)
            payoffs.Slice(q * outputs, outputs).CopyTo(values.Slice(_targets[q], outputs));
        _count = 0;
    }

    private void Adjoint(ReadOnlySpan<float> theta, Span<float> thetaBar, long version)
    {
        int count = _count, outputs = Outputs;
        if (count == 0) return;
        var seeds = _seeds.AsSpan(0, count * outputs);
        using var loading = ActivationStore.Loading(_store, _rows, version);
        switch (_mechanism)
        {
            case IBatchedJointMechanism joint:
                joint.PayoffsBatchAdjoint(theta, _inputs.AsSpan(0, count * _agents), count, seeds, thetaBar);
                break;
            case IBatchedPerAgentMechanism perAgent:
                perAgent.PayoffBatchAdjoint(theta, _inputs.AsSpan(0, count * _agents), _selectors.AsSpan(0, count), count, seeds, thetaBar);
                break;
            case IBatchedAnonymousMechanism anonymous:
                anonymous.PayoffBatchAdjoint(theta, _selectors.AsSpan(0, count), _inputs.AsSpan(0, count * _actions), count, seeds, thetaBar);
                break;
        }
        _count = 0;
    }
}
