using Diml.Data;

namespace Diml.Evaluation;

/// <summary>
/// <c>cfkl_params_in_support</c>: <c>cfkl_params</c> restricted to where the training data say something. From two
/// counterfactual simulations (the shifted learner under the true and under the estimated mechanism; in the suite their
/// own, larger set of episodes, <see cref="MetricContext.SupportUnderTruth"/>),
/// take every transition <c>a[t] → a[t+1]</c> (<c>t = 0..T−2</c>) whose context <c>a[t]</c> is in the
/// <see cref="TrainingSupport"/>, histogram the next joint actions <c>a[t+1]</c> of those transitions (keyed as
/// <see cref="ContextKey"/>: exact joint actions in small games, action totals in large ones), normalise each histogram
/// over its own in-support transitions, and return <c>KL(p_true ‖ p_est)</c> with <c>1e-12</c> inside the logs.
/// NaN when either simulation has no in-support transition.
/// </summary>
public sealed class CfklParamsInSupport : IMetric
{
    /// <summary>The registered instance.</summary>
    public static CfklParamsInSupport Metric { get; } = new();

    private CfklParamsInSupport() { }

    /// <inheritdoc/>
    public string Name => "cfkl_params_in_support";

    /// <inheritdoc/>
    public string Description => "cfkl_params over next joint actions of transitions whose context is in the training support";

    /// <inheritdoc/>
    public bool IsReference => true;

    /// <inheritdoc/>
    public MetricNeeds Needs => MetricNeeds.Payoffs | MetricNeeds.Simulation;

    /// <inheritdoc/>
    double IMetric.Compute(MetricContext context) => CfklParamsInSupport.Compute(context.SupportUnderTruth, context.SupportUnderEstimate, context.Support);

    /// <summary>Computes the metric.</summary>
    public static double Compute(Trajectories underTruth, Trajectories underEstimate, TrainingSupport support)
    {
        ArgumentNullException.ThrowIfNull(underTruth);
        ArgumentNullException.ThrowIfNull(underEstimate);
        ArgumentNullException.ThrowIfNull(support);
        var p = NextActions(underTruth, support, out long pTotal);
        var q = NextActions(underEstimate, support, out long qTotal);
        if (pTotal == 0 || qTotal == 0) return double.NaN;
        double sum = 0;
        // Sorted keys make the floating-point sum independent of the dictionary's layout.
        foreach (ulong key in p.Keys.Order())
        {
            double pk = (double)p[key] / pTotal;
            double qk = q.TryGetValue(key, out long qCount) ? (double)qCount / qTotal : 0;
            sum += pk * Math.Log((pk + KlDivergence.Floor) / (qk + KlDivergence.Floor));
        }
        return sum;
    }

    /// <summary>The histogram of next joint actions over transitions whose context is in the support.</summary>
    public static Dictionary<ulong, long> NextActions(Trajectories data, TrainingSupport support, out long total)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(support);
        data.RequireFullPlay("the metric cfkl_params_in_support");
        if (support.Shape != data.Shape) throw new ArgumentException($"{nameof(support)}: expected the support of a game of {data.Shape}, found {support.Shape}.", nameof(support));
        var key = new ContextKey(data.Shape);
        var counts = new Dictionary<ulong, long>();
        total = 0;
        for (int e = 0; e < data.Episodes; e++)
            for (int t = 0; t + 1 < data.Steps; t++)
            {
                if (!support.Contains(key.Of(data.Step(e, t)))) continue;
                ulong next = key.Of(data.Step(e, t + 1));
                counts[next] = counts.GetValueOrDefault(next) + 1;
                total++;
            }
        return counts;
    }
}
