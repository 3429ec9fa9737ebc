using Diml.Data;
using Diml.Simulation;

namespace Diml.Evaluation;

/// <summary>
/// <c>mse_on</c>: the mean squared payoff error <c>(M_true(a)_i − M_est(a)_i)²</c> over the joint actions visited in
/// the data (every episode and step, with multiplicity; a uniform sample without replacement of
/// <see cref="DefaultMaxVisits"/> when there are more) and all agents. On data with groups or absent agents, every
/// acting agent at the visited steps, at its own group's joint action (<see cref="GroupPayoffModels"/>).
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
    double IMetric.Compute(MetricContext context) => MseOn.Compute(context.Truth, context.Estimate!, context.Test, context.Seed, context.MseOnVisits, context.Threads);

    /// <summary>The reference's cap on visited joint actions.</summary>
    public const int DefaultMaxVisits = 200_000;

    /// <summary>Computes the metric; <paramref name="seed"/> drives the subsample when one is needed.</summary>
    public static double Compute(IPayoffModel truth, IPayoffModel estimate, Trajectories data, ulong seed = 0, int maxVisits = DefaultMaxVisits)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(estimate);
        return Compute(() => truth, () => estimate, data, seed, maxVisits, threads: 1);
    }

    /// <summary>
    /// The metric with the payoffs of full play evaluated on <paramref name="threads"/> workers (the factories are called
    /// once per worker); the same value bit for bit whatever <paramref name="threads"/>.
    /// </summary>
    public static double Compute(Func<IPayoffModel> truthModels, Func<IPayoffModel> estimateModels, Trajectories data, ulong seed, int maxVisits, int threads)
    {
        ArgumentNullException.ThrowIfNull(truthModels);
        ArgumentNullException.ThrowIfNull(estimateModels);
        ArgumentNullException.ThrowIfNull(data);
        IPayoffModel truth = truthModels(), estimate = estimateModels();
        GroupPayoffModels.Check(truth, estimate, data);
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
        if (data.IsFullPlay)
        {
            return SquaredPayoffError.MeanOver(truthModels, estimateModels, used, data.Shape,
                (j, joint) => data.Step(order[j] / data.Steps, order[j] % data.Steps).CopyTo(joint), threads);
        }
        return GroupedMean(truth, estimate, data, order.AsSpan(0, used));
    }

    /// <summary>With groups or absent agents: every acting agent's error at its group's joint action, at the visited steps.</summary>
    private static double GroupedMean(IPayoffModel truth, IPayoffModel estimate, Trajectories data, ReadOnlySpan<int> visits)
    {
        var truths = new GroupPayoffModels(truth, "truth", "mse_on", data);
        var estimates = new GroupPayoffModels(estimate, "estimate", "mse_on", data);
        var bySize = new SortedDictionary<int, SquaredPayoffError>();
        var joint = new int[data.Agents];
        foreach (int visit in visits)
        {
            int e = visit / data.Steps, t = visit % data.Steps;
            var step = data.Step(e, t);
            var groups = data.Groups(e, t);
            for (int g = 0; g < groups.Count; g++)
            {
                var members = groups.Members(g);
                if (!bySize.TryGetValue(members.Length, out var squared))
                    bySize[members.Length] = squared = new SquaredPayoffError(truths.OfSize(members.Length), estimates.OfSize(members.Length));
                for (int p = 0; p < members.Length; p++) joint[p] = step[members[p]];
                squared.Add(joint.AsSpan(0, members.Length));
            }
        }
        double sum = 0;
        long count = 0;
        foreach (var squared in bySize.Values)
        {
            sum += squared.Sum;
            count += squared.Count;
        }
        return count == 0 ? double.NaN : sum / count;
    }
}
