namespace Diml.Evaluation;

/// <summary>
/// <c>KL(p ‖ q) = Σ_x p(x) · log((p(x) + 1e-12) / (q(x) + 1e-12))</c> between two empirical histograms, as the
/// reference computes it: the small constant inside the logs keeps outcomes that <c>q</c> never produced finite.
/// </summary>
public static class KlDivergence
{
    /// <summary>The constant added inside the logarithms.</summary>
    public const double Floor = 1e-12;

    /// <summary>KL of <paramref name="p"/> from <paramref name="q"/> (only outcomes with <c>p &gt; 0</c> contribute).</summary>
    public static double Between(JointActionHistogram p, JointActionHistogram q)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        if (p.Keying != q.Keying) throw new ArgumentException($"q: expected a histogram keyed like p ({p.Keying}), found {q.Keying}.", nameof(q));
        double sum = 0;
        // Ordinal key order makes the floating-point sum independent of dictionary layout.
        foreach (var key in p.Counts.Keys.Order(StringComparer.Ordinal))
        {
            double pk = p.Probability(key), qk = q.Probability(key);
            sum += pk * Math.Log((pk + Floor) / (qk + Floor));
        }
        return sum;
    }
}
