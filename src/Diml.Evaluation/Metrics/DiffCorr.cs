namespace Diml.Evaluation;

/// <summary>
/// <c>diff_corr</c> (ours): the Pearson correlation of the true and the estimated payoff differences at <c>diff_mse</c>'s sampled contexts: 1 for a fit right up to a positive scale factor, NaN when the estimate's differences are constant (the zero predictor). See <see cref="SampledPayoffDifferences"/>.
/// </summary>
public sealed class DiffCorr : IMetric
{
    /// <summary>The registered instance.</summary>
    public static DiffCorr Metric { get; } = new();

    private DiffCorr() { }

    /// <inheritdoc/>
    public string Name => "diff_corr";

    /// <inheritdoc/>
    public string Description => "Pearson correlation of the true and the estimated payoff differences at diff_mse's contexts (scale-free: 1 perfect up to scale)";

    /// <inheritdoc/>
    public bool IsReference => false;

    /// <inheritdoc/>
    public MetricNeeds Needs => MetricNeeds.Payoffs;

    /// <inheritdoc/>
    double IMetric.Compute(MetricContext context) => context.Differences.DiffCorr;
}
