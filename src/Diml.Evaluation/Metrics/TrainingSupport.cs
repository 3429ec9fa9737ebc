using Diml.Data;

namespace Diml.Evaluation;

/// <summary>
/// The contexts seen in training: the keys (<see cref="ContextKey"/>) of every joint action <c>a[e,t]</c> with
/// <c>t &lt; T−1</c> of the training episodes — the joint actions the learners were observed to respond to. The
/// <c>*_in_support</c> metrics score only steps whose context is in this set.
/// </summary>
public sealed class TrainingSupport
{
    private readonly HashSet<ulong> _keys;

    private TrainingSupport(GameShape shape, HashSet<ulong> keys)
    {
        Shape = shape;
        _keys = keys;
    }

    /// <summary>The game.</summary>
    public GameShape Shape { get; }

    /// <summary>Distinct contexts.</summary>
    public int Count => _keys.Count;

    /// <summary>Whether keys are exact joint indices (else action totals).</summary>
    public bool Exact { get; private init; }

    /// <summary>The contexts of <paramref name="training"/>.</summary>
    public static TrainingSupport Of(Trajectories training)
    {
        ArgumentNullException.ThrowIfNull(training);
        training.RequireFullPlay("the training support (metrics in and off support)");
        var key = new ContextKey(training.Shape);
        var keys = new HashSet<ulong>();
        for (int e = 0; e < training.Episodes; e++)
            for (int t = 0; t + 1 < training.Steps; t++)
                keys.Add(key.Of(training.Step(e, t)));
        return new TrainingSupport(training.Shape, keys) { Exact = key.Exact };
    }

    /// <summary>Whether a context with key <paramref name="key"/> (from a <see cref="ContextKey"/> of the same game) was seen.</summary>
    public bool Contains(ulong key) => _keys.Contains(key);
}
