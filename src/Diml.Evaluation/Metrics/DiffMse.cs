using Diml.Data;

namespace Diml.Evaluation;

/// <summary>
/// <c>diff_mse</c>: the squared error of payoff <i>differences</i>, the gauge-invariant recovery metric. Draw a
/// context <c>(e, t &lt; T−1, i)</c> uniformly from the data and two own actions <c>k1, k2</c> uniformly, hold the
/// others at <c>a_{−i,t}</c>, and compare <c>M(k1, a_{−i})_i − M(k2, a_{−i})_i</c> under the truth and the estimate
/// (<see cref="SampledPayoffDifferences"/>).
/// Adding any <c>c_i(a_{−i})</c> to the estimate leaves it unchanged.
/// </summary>
public sealed class DiffMse : IMetric
{
    /// <summary>The registered instance.</summary>
    public static DiffMse Metric { get; } = new();

    private DiffMse() { }

    /// <inheritdoc/>
    public string Name => "diff_mse";

    /// <inheritdoc/>
    public string Description => "squared error of payoff differences M(k1, a_-i)_i - M(k2, a_-i)_i at sampled test contexts (gauge-invariant)";

    /// <inheritdoc/>
    public bool IsReference => true;

    /// <inheritdoc/>
    public MetricNeeds Needs => MetricNeeds.Payoffs;

    /// <inheritdoc/>
    double IMetric.Compute(MetricContext context) => context.Differences.DiffMse;

    /// <summary>The reference's number of contexts for small games.</summary>
    public const int DefaultContexts = 20_000;

    /// <summary>Computes the metric over <paramref name="contexts"/> seeded draws (<see cref="SampledPayoffDifferences"/>).</summary>
    public static double Compute(IPayoffModel truth, IPayoffModel estimate, Trajectories data, ulong seed = 0, int contexts = DefaultContexts) =>
        SampledPayoffDifferences.Compute(truth, estimate, data, seed, contexts).DiffMse;
}
