namespace Diml.Evaluation;

/// <summary><c>nll_test_in_support</c>: <c>nll_test</c> over the steps whose context was seen in training (<see cref="HeldOutLikelihood"/>).</summary>
public sealed class NllTestInSupport : IMetric
{
    /// <summary>The registered instance.</summary>
    public static NllTestInSupport Metric { get; } = new();

    private NllTestInSupport() { }

    /// <inheritdoc/>
    public string Name => "nll_test_in_support";

    /// <inheritdoc/>
    public string Description => "nll_test over steps whose context a[t] occurs in the training data";

    /// <inheritdoc/>
    public bool IsReference => true;

    /// <inheritdoc/>
    public MetricNeeds Needs => MetricNeeds.Likelihood;

    /// <inheritdoc/>
    public double Compute(MetricContext context) => context.HeldOut.NllTestInSupport;
}
