using System.Numerics;
using System.Runtime.InteropServices;
using Diml.Fitting;

namespace Diml;

/// <summary>
/// The anonymous form: one kernel call gives the payoff of one own action against the counts of the others' actions.
/// Agents that played the same action see the same opponent counts, so one step needs at most <c>min(n, A)·A</c>
/// evaluations instead of <c>n·A</c>; when asked, a float mechanism with a batched kernel does them in one call.
/// </summary>
internal sealed class AnonymousPayoffKernel<T> : PayoffKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IAnonymousMechanism _mechanism;
    private readonly IBatchedAnonymousMechanism? _batched;
    private readonly int[] _counts, _contextOf, _batchOwn, _batchCounts;
    private readonly T[] _byOwnAction, _batchPayoffs;

    public AnonymousPayoffKernel(IAnonymousMechanism mechanism, int agents, int actions, bool batched) : base(agents, actions)
    {
        _mechanism = mechanism;
        // Batched kernels exist in float only.
        _batched = batched && typeof(T) == typeof(float) ? mechanism as IBatchedAnonymousMechanism : null;
        int a = actions, contexts = Math.Min(agents, actions);
        _counts = new int[a];
        _contextOf = new int[a];
        _byOwnAction = new T[a * a];
        _batchOwn = _batched is null ? [] : new int[contexts * a];
        _batchCounts = _batched is null ? [] : new int[contexts * a * a];
        _batchPayoffs = _batched is null ? [] : new T[contexts * a];
    }

    public override int QueryWidth => Actions;

    /// <remarks>The key is the opponent-count vector: values are the payoff of each own action.</remarks>
    public override void EvaluateQuery(ReadOnlySpan<T> theta, ReadOnlySpan<int> key, Span<T> values)
    {
        for (int k = 0; k < Actions; k++) values[k] = ModelCalls.Payoff(_mechanism, theta, k, key);
    }

    public override void QueryAdjoint(ReadOnlySpan<T> theta, ReadOnlySpan<int> key, ReadOnlySpan<T> seeds, Span<T> thetaBar)
    {
        for (int k = 0; k < Actions; k++)
        {
            if (seeds[k] == T.Zero) continue;
            ModelCalls.PayoffAdjoint(_mechanism, theta, k, key, seeds[k], thetaBar);
        }
    }

    public override void Payoffs(ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, Span<T> payoffs)
    {
        CountActions(joint);
        Array.Clear(_contextOf);
        for (int i = 0; i < Agents; i++)
        {
            int own = joint[i];
            if (_contextOf[own] == 0)
            {
                _counts[own]--;
                _byOwnAction[own] = ModelCalls.Payoff(_mechanism, theta, own, _counts);
                _counts[own]++;
                _contextOf[own] = 1;
            }
            payoffs[i] = _byOwnAction[own];
        }
    }

    public override T Payoff(ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, int agent)
    {
        CountActions(joint);
        int own = joint[agent];
        _counts[own]--;
        return ModelCalls.Payoff(_mechanism, theta, own, _counts);
    }

    public override void Counterfactual(ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, Span<T> payoffs)
    {
        if (_batched is not null)
        {
            CounterfactualBatch(_batched, MemoryMarshal.Cast<T, float>(theta), joint, payoffs);
            return;
        }
        int n = Agents, a = Actions;
        CountActions(joint);
        Array.Clear(_contextOf);
        for (int i = 0; i < n; i++)
        {
            int own = joint[i];
            var row = _byOwnAction.AsSpan(own * a, a);
            if (_contextOf[own] == 0)
            {
                _counts[own]--;
                for (int k = 0; k < a; k++) row[k] = ModelCalls.Payoff(_mechanism, theta, k, _counts);
                _counts[own]++;
                _contextOf[own] = 1;
            }
            row.CopyTo(payoffs.Slice(i * a, a));
        }
    }

    /// <summary>The distinct opponent-count vectors of the step (one per own action played) times every own action, in one call.</summary>
    private void CounterfactualBatch(IBatchedAnonymousMechanism mechanism, ReadOnlySpan<float> theta, ReadOnlySpan<int> joint, Span<T> payoffs)
    {
        int n = Agents, a = Actions, contexts = 0;
        CountActions(joint);
        Array.Clear(_contextOf);
        for (int i = 0; i < n; i++)
        {
            int own = joint[i];
            if (_contextOf[own] != 0) continue;
            _contextOf[own] = contexts + 1;
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
        var batchPayoffs = MemoryMarshal.Cast<T, float>(_batchPayoffs.AsSpan(0, count));
        mechanism.PayoffBatch(theta, _batchOwn.AsSpan(0, count), _batchCounts.AsSpan(0, count * a), count, batchPayoffs);
        for (int i = 0; i < n; i++)
        {
            int context = _contextOf[joint[i]] - 1;
            _batchPayoffs.AsSpan(context * a, a).CopyTo(payoffs.Slice(i * a, a));
        }
    }

    private void CountActions(ReadOnlySpan<int> joint)
    {
        Array.Clear(_counts);
        foreach (int action in joint) _counts[action]++;
    }
}
