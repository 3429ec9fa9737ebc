namespace Diml.Evaluation;

/// <summary><c>nll_test</c>: the NLL per scored agent-step of the held-out episodes (<see cref="HeldOutLikelihood"/>).</summary>
public sealed class NllTest : IMetric
{
    /// <summary>The registered instance.</summary>
    public static NllTest Metric { get; } = new();

    private NllTest() { }

    /// <inheritdoc/>
    public string Name => "nll_test";

    /// <inheritdoc/>
    public string Description => "held-out NLL per agent-step, Q from Q0 over whole episodes";

    /// <inheritdoc/>
    public bool IsReference => true;

    /// <inheritdoc/>
    public MetricNeeds Needs => MetricNeeds.Likelihood;

    /// <inheritdoc/>
    public double Compute(MetricContext context) => context.HeldOut.NllTest;
}
