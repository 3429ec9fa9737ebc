namespace Diml.Evaluation;

/// <summary>
/// <c>cfkl_counts</c> (ours): <c>cfkl_params</c> on the same two simulations, but always over sorted action-count vectors
/// (how many agents play each action, largest first) — what our <c>cfkl_params</c> was in large games before it followed
/// the reference's action-total key. Finer than the action total in large games, coarser than exact joint actions in
/// small ones.
/// </summary>
public sealed class CfklCounts : IMetric
{
    /// <summary>The registered instance.</summary>
    public static CfklCounts Metric { get; } = new();

    private CfklCounts() { }

    /// <inheritdoc/>
    public string Name => "cfkl_counts";

    /// <inheritdoc/>
    public string Description => "KL(p_true || p_est) of the sorted action-count vectors of the cfkl_params simulations";

    /// <inheritdoc/>
    public bool IsReference => false;

    /// <inheritdoc/>
    public MetricNeeds Needs => MetricNeeds.Payoffs | MetricNeeds.Simulation;

    /// <inheritdoc/>
    double IMetric.Compute(MetricContext context) =>
        KlDivergence.Between(context.TruthCountHistogram, JointActionHistogram.OfCountVectors(context.UnderEstimate));
}
