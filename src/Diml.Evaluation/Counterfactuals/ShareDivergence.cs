namespace Diml.Evaluation.Counterfactuals;

/// <summary>
/// <c>KL(p ‖ q)</c> between two action-share distributions with the reference's <c>1e-12</c> inside the logarithms
/// (<see cref="KlDivergence.Floor"/>): how far a predicted distribution <c>q</c> is from the true one <c>p</c>.
/// </summary>
public static class ShareDivergence
{
    /// <summary>KL of <paramref name="p"/> from <paramref name="q"/> over the same actions.</summary>
    public static double Kl(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        if (p.Length != q.Length) throw new ArgumentException($"{nameof(q)}: expected {p.Length} shares, found {q.Length}.", nameof(q));
        double sum = 0;
        for (int k = 0; k < p.Length; k++)
            if (p[k] > 0) sum += p[k] * Math.Log((p[k] + KlDivergence.Floor) / (q[k] + KlDivergence.Floor));
        return sum;
    }

    /// <summary>The KL of each period of two share tables (index <c>t·A + k</c>).</summary>
    public static double[] PerPeriod(ReadOnlySpan<double> p, ReadOnlySpan<double> q, int actions)
    {
        if (p.Length != q.Length || p.Length % actions != 0)
            throw new ArgumentException($"{nameof(q)}: expected share tables of equal length, a multiple of {actions}; found {p.Length} and {q.Length}.", nameof(q));
        var kl = new double[p.Length / actions];
        for (int t = 0; t < kl.Length; t++) kl[t] = Kl(p.Slice(t * actions, actions), q.Slice(t * actions, actions));
        return kl;
    }
}
