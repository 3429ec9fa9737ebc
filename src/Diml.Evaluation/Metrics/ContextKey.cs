using Diml.Data;

namespace Diml.Evaluation;

/// <summary>
/// A joint action as a 64-bit key for support tests and histograms, the reference's: its exact index
/// <c>Σ a_i·A^(n−1−i)</c> when the reference histograms exact joint actions
/// (<see cref="JointActionHistogram.UsesExactJointActions"/>: <c>n ≤ 10</c> and <c>A^n ≤ 2·10⁶</c>), otherwise the
/// action total <c>Σ_i a_i</c>. The reference's large-game key is <c>mix(C · Σ_k (k+1)·count_k)</c> with <c>C</c> odd and
/// <c>mix</c> a bijective 64-bit mixer; since <c>Σ_k (k+1)·count_k = Σ_i a_i + n</c>, and multiplying by an odd constant
/// and mixing are bijections, two joint actions share its key exactly when they share their action total. The total is
/// therefore the same partition of joint actions, written plainly.
/// </summary>
public sealed class ContextKey
{
    private readonly int _actions;

    /// <summary>Keys for joint actions of games of <paramref name="shape"/>.</summary>
    public ContextKey(GameShape shape)
    {
        Exact = JointActionHistogram.UsesExactJointActions(shape);
        _actions = shape.Actions;
    }

    /// <summary>Whether keys are exact joint indices (otherwise action totals).</summary>
    public bool Exact { get; }

    /// <summary>The key of <paramref name="joint"/>.</summary>
    public ulong Of(ReadOnlySpan<int> joint)
    {
        if (Exact)
        {
            ulong index = 0;
            foreach (int action in joint) index = (index * (ulong)_actions) + (ulong)action;
            return index;
        }
        ulong total = 0;
        foreach (int action in joint) total += (ulong)action;
        return total;
    }
}
