namespace Diml.Evaluation;

/// <summary>
/// <c>diff_rel</c> (ours): <c>diff_mse</c> divided by the zero predictor's <c>diff_mse</c> (the mean squared true payoff difference) on the same sampled contexts: a scale-free recovery error, since the true mechanisms' scale varies a lot between seeds. 0 for a perfect fit, 1 for the zero predictor. See <see cref="SampledPayoffDifferences"/>.
/// </summary>
public sealed class DiffRel : IMetric
{
    /// <summary>The registered instance.</summary>
    public static DiffRel Metric { get; } = new();

    private DiffRel() { }

    /// <inheritdoc/>
    public string Name => "diff_rel";

    /// <inheritdoc/>
    public string Description => "diff_mse over the zero predictor's diff_mse on the same contexts (scale-free: 0 perfect, 1 no better than predicting no differences)";

    /// <inheritdoc/>
    public bool IsReference => false;

    /// <inheritdoc/>
    public MetricNeeds Needs => MetricNeeds.Payoffs;

    /// <inheritdoc/>
    double IMetric.Compute(MetricContext context) => context.Differences.DiffRel;
}
