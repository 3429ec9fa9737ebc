using Diml.Data;
using Diml.Simulation;

namespace Diml.Evaluation;

/// <summary>
/// <c>mse_on</c>: the mean squared payoff error <c>(M_true(a)_i − M_est(a)_i)²</c> over the joint actions visited in
/// the data (every episode and step, with multiplicity; a uniform sample without replacement of
/// <see cref="DefaultMaxVisits"/> when there are more) and all agents.
/// </summary>
/// <remarks>Not gauge-invariant: a fit may legitimately differ from the truth by <c>c_i(a_{−i})</c> and still score badly here.</remarks>
public sealed class MseOn : IMetric
{
    /// <summary>The registered instance.</summary>
    public static MseOn Metric { get; } = new();

    private MseOn() { }

    /// <inheritdoc/>
    public string Name => "mse_on";

    /// <inheritdoc/>
    public string Description => "mean squared payoff error on the joint actions visited in the test episodes (not gauge-invariant)";

    /// <inheritdoc/>
    public bool IsReference => true;

    /// <inheritdoc/>
    public MetricNeeds Needs => MetricNeeds.Payoffs;

    /// <inheritdoc/>
    double IMetric.Compute(MetricContext context) => MseOn.Compute(context.Truth(), context.Estimate!(), context.Test, context.Seed, context.MseOnVisits);

    /// <summary>The reference's cap on visited joint actions.</summary>
    public const int DefaultMaxVisits = 200_000;

    /// <summary>Computes the metric; <paramref name="seed"/> drives the subsample when one is needed.</summary>
    public static double Compute(IPayoffModel truth, IPayoffModel estimate, Trajectories data, ulong seed = 0, int maxVisits = DefaultMaxVisits)
    {
        ArgumentNullException.ThrowIfNull(data);
        data.RequireFullPlay("the metric mse_on");
        MetricArguments.Check(truth, estimate, data.Shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxVisits, 1);
        int visits = data.Episodes * data.Steps;
        var order = Enumerable.Range(0, visits).ToArray();
        int used = Math.Min(visits, maxVisits);
        if (used < visits)
        {
            // Partial Fisher–Yates: the first `used` entries become a uniform sample without replacement.
            var random = new SplitMix64(seed);
            for (int j = 0; j < used; j++)
            {
                int r = j + random.NextInt(visits - j);
                (order[j], order[r]) = (order[r], order[j]);
            }
        }
        var squared = new SquaredPayoffError(truth, estimate);
        for (int j = 0; j < used; j++)
            squared.Add(data.Step(order[j] / data.Steps, order[j] % data.Steps));
        return squared.Mean;
    }
}
