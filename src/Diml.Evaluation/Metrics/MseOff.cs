using Diml.Data;
using Diml.Simulation;

namespace Diml.Evaluation;

/// <summary>
/// <c>mse_off</c>: the mean squared payoff error over every joint action when <c>A^n ≤</c>
/// <see cref="DefaultExhaustiveLimit"/>, else over <see cref="DefaultProbes"/> joint actions drawn uniformly
/// (seeded), and all agents — how well the fit extrapolates away from the visited play.
/// </summary>
public sealed class MseOff : IMetric
{
    /// <summary>The registered instance.</summary>
    public static MseOff Metric { get; } = new();

    private MseOff() { }

    /// <inheritdoc/>
    public string Name => "mse_off";

    /// <inheritdoc/>
    public string Description => "mean squared payoff error over all joint actions (or random probes in large games)";

    /// <inheritdoc/>
    public bool IsReference => false;

    /// <inheritdoc/>
    public MetricNeeds Needs => MetricNeeds.Payoffs;

    /// <inheritdoc/>
    double IMetric.Compute(MetricContext context) => MseOff.Compute(context.Truth, context.Estimate!, context.Seed, context.MseOffProbes, threads: context.Threads);

    /// <summary>Largest <c>A^n</c> evaluated exhaustively.</summary>
    public const long DefaultExhaustiveLimit = 20_000;

    /// <summary>Random joint actions probed in larger games (the reference's <c>probe_k</c>).</summary>
    public const int DefaultProbes = 8000;

    /// <summary>Computes the metric; <paramref name="seed"/> drives the probes of large games.</summary>
    public static double Compute(IPayoffModel truth, IPayoffModel estimate, ulong seed = 0,
        int probes = DefaultProbes, long exhaustiveLimit = DefaultExhaustiveLimit)
    {
        ArgumentNullException.ThrowIfNull(truth);
        MetricArguments.Check(truth, estimate, truth.Shape);
        return Compute(() => truth, () => estimate, seed, probes, exhaustiveLimit, threads: 1);
    }

    /// <summary>
    /// The metric with the payoffs evaluated on <paramref name="threads"/> workers (the factories are called once per
    /// worker); the same value bit for bit whatever <paramref name="threads"/>.
    /// </summary>
    public static double Compute(Func<IPayoffModel> truth, Func<IPayoffModel> estimate, ulong seed,
        int probes, long exhaustiveLimit = DefaultExhaustiveLimit, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(estimate);
        var truthModel = truth();
        var shape = truthModel.Shape;
        MetricArguments.Check(truthModel, estimate(), shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(probes, 1);
        int n = shape.Agents;
        var joint = new int[n];
        var joints = new List<int>();
        if (shape.HasAtMostJointActions(exhaustiveLimit))
        {
            // Odometer over {0..A-1}^n, agent n-1 fastest.
            do joints.AddRange(joint);
            while (Next(joint, shape.Actions));
        }
        else
        {
            var random = new SplitMix64(seed);
            for (int p = 0; p < probes; p++)
            {
                for (int i = 0; i < joint.Length; i++) joint[i] = random.NextInt(shape.Actions);
                joints.AddRange(joint);
            }
        }
        var all = joints.ToArray();
        return SquaredPayoffError.MeanOver(truth, estimate, all.Length / n, shape, (j, into) => all.AsSpan(j * n, n).CopyTo(into), threads);
    }

    /// <summary>
    /// The metric on the games of grouped data: for each group size of <paramref name="data"/>, the metric of the truth's and
    /// the estimate's models of that size (<see cref="GroupPayoffModels"/>), averaged with weights the agent-steps the data
    /// spend in groups of that size — how well the fit extrapolates away from play in the games the data are made of. On
    /// data without groups or absent agents it is <see cref="Compute(IPayoffModel, IPayoffModel, ulong, int, long)"/>.
    /// </summary>
    public static double ComputeOnGroups(IPayoffModel truth, IPayoffModel estimate, Trajectories data, ulong seed = 0,
        int probes = DefaultProbes, long exhaustiveLimit = DefaultExhaustiveLimit)
    {
        ArgumentNullException.ThrowIfNull(data);
        GroupPayoffModels.Check(truth, estimate, data);
        if (data.IsFullPlay) return Compute(truth, estimate, seed, probes, exhaustiveLimit);
        var agentSteps = new SortedDictionary<int, long>();
        for (int e = 0; e < data.Episodes; e++)
            for (int t = 0; t < data.Steps; t++)
            {
                var groups = data.Groups(e, t);
                for (int g = 0; g < groups.Count; g++) agentSteps[groups.Size(g)] = agentSteps.GetValueOrDefault(groups.Size(g)) + groups.Size(g);
            }
        var truths = new GroupPayoffModels(truth, "truth", "mse_off", data);
        var estimates = new GroupPayoffModels(estimate, "estimate", "mse_off", data);
        double weighted = 0;
        long total = 0;
        foreach (var (size, weight) in agentSteps)
        {
            weighted += weight * Compute(truths.OfSize(size), estimates.OfSize(size), seed, probes, exhaustiveLimit);
            total += weight;
        }
        return total == 0 ? double.NaN : weighted / total;
    }

    private static bool Next(int[] joint, int actions)
    {
        for (int i = joint.Length - 1; i >= 0; i--)
        {
            if (++joint[i] < actions) return true;
            joint[i] = 0;
        }
        return false;
    }
}
