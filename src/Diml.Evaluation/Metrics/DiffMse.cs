using Diml.Data;
using Diml.Simulation;

namespace Diml.Evaluation;

/// <summary>
/// <c>diff_mse</c>: the squared error of payoff <i>differences</i>, the gauge-invariant recovery metric. Draw a
/// context <c>(e, t &lt; T−1, i)</c> uniformly from the data and two own actions <c>k1, k2</c> uniformly, hold the
/// others at <c>a_{−i,t}</c>, and compare <c>M(k1, a_{−i})_i − M(k2, a_{−i})_i</c> under the truth and the estimate.
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
    double IMetric.Compute(MetricContext context) => DiffMse.Compute(context.Truth(), context.Estimate!(), context.Test, context.Seed, context.DiffContexts);

    /// <summary>The reference's number of contexts for small games.</summary>
    public const int DefaultContexts = 20_000;

    /// <summary>Computes the metric over <paramref name="contexts"/> seeded draws.</summary>
    public static double Compute(IPayoffModel truth, IPayoffModel estimate, Trajectories data, ulong seed = 0, int contexts = DefaultContexts)
    {
        ArgumentNullException.ThrowIfNull(data);
        data.RequireFullPlay("the metric diff_mse");
        MetricArguments.Check(truth, estimate, data.Shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(contexts, 1);
        if (data.Steps < 2) throw new ArgumentException($"{nameof(data)}: expected episodes of at least 2 steps, found {data.Steps}.", nameof(data));
        var random = new SplitMix64(seed);
        var joint = new int[data.Agents];
        double sum = 0;
        for (int c = 0; c < contexts; c++)
        {
            int e = random.NextInt(data.Episodes), t = random.NextInt(data.Steps - 1), i = random.NextInt(data.Agents);
            int k1 = random.NextInt(data.Shape.Actions), k2 = random.NextInt(data.Shape.Actions);
            data.Step(e, t).CopyTo(joint);
            double error = Difference(truth, joint, i, k1, k2) - Difference(estimate, joint, i, k1, k2);
            sum += error * error;
        }
        return sum / contexts;
    }

    private static double Difference(IPayoffModel payoffs, int[] joint, int agent, int k1, int k2)
    {
        joint[agent] = k1;
        double first = payoffs.Payoff(joint, agent);
        joint[agent] = k2;
        return first - payoffs.Payoff(joint, agent);
    }
}
