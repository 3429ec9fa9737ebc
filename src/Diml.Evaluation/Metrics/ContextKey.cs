using Diml.Data;

namespace Diml.Evaluation;

/// <summary>
/// A joint action as a 64-bit key for support tests and histograms: its exact index <c>Σ a_i·A^(n−1−i)</c> when the
/// reference histograms exact joint actions (<see cref="JointActionHistogram.UsesExactJointActions"/>: <c>n ≤ 10</c> and
/// <c>A^n ≤ 2·10⁶</c>), otherwise the FNV-1a 64-bit hash of its action counts (how many agents play each action) sorted largest
/// first, the count vectors of <see cref="JointActionHistogram"/>. One instance per thread (it keeps a count buffer).
/// </summary>
public sealed class ContextKey
{
    private const ulong FnvOffset = 14695981039346656037UL, FnvPrime = 1099511628211UL;
    private readonly int _actions;
    private readonly int[] _counts;

    /// <summary>Keys for joint actions of games of <paramref name="shape"/>.</summary>
    public ContextKey(GameShape shape)
    {
        Exact = JointActionHistogram.UsesExactJointActions(shape);
        _actions = shape.Actions;
        _counts = new int[shape.Actions];
    }

    /// <summary>Whether keys are exact joint indices (otherwise hashes of action counts).</summary>
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
        Array.Clear(_counts);
        foreach (int action in joint) _counts[action]++;
        // Sorted largest first, as JointActionHistogram's count vectors.
        _counts.AsSpan().Sort(static (x, y) => y.CompareTo(x));
        ulong hash = FnvOffset;
        foreach (int count in _counts)
        {
            // Four bytes per count, little end first.
            for (int b = 0; b < 4; b++)
            {
                hash ^= (byte)(count >> (8 * b));
                hash *= FnvPrime;
            }
        }
        return hash;
    }
}
