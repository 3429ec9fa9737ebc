using Diml.Data;
using Diml.Simulation;

namespace Diml.Evaluation;

/// <summary>
/// The sampled payoff differences behind <c>diff_mse</c>, <c>diff_rel</c> and <c>diff_corr</c>: draw a context
/// <c>(e, t &lt; T−1, i)</c> uniformly from the data and two own actions <c>k1, k2</c> uniformly, hold the others at
/// <c>a_{−i,t}</c>, and take <c>d = M(k1, a_{−i})_i − M(k2, a_{−i})_i</c> under the truth and under the estimate. All
/// three metrics read the same draws, so <c>diff_rel</c>'s zero-predictor denominator is on exactly <c>diff_mse</c>'s contexts.
/// </summary>
public static class SampledPayoffDifferences
{
    /// <summary>
    /// The three statistics. <c>DiffMse</c> = mean (d_true − d_est)²; <c>ZeroDiffMse</c> = mean d_true² (the zero
    /// predictor's <c>diff_mse</c>); <c>DiffRel</c> = their ratio (NaN when the truth's differences are all 0);
    /// <c>DiffCorr</c> = Pearson correlation of d_true and d_est (NaN when either is constant over the draws).
    /// </summary>
    public readonly record struct Result(double DiffMse, double ZeroDiffMse, double DiffRel, double DiffCorr);

    /// <summary>Samples <paramref name="contexts"/> seeded draws.</summary>
    /// <remarks>
    /// On data with groups or absent agents a context is a decision of an agent present at <c>t</c> (a draw on an absent
    /// agent is drawn again), and the others are its group-mates at <c>t</c>: both models are evaluated on the group's joint
    /// action at the agent's position, through a model of the group's size (<see cref="GroupPayoffModels"/>).
    /// </remarks>
    public static Result Compute(IPayoffModel truth, IPayoffModel estimate, Trajectories data, ulong seed, int contexts)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(estimate);
        return Compute(() => truth, () => estimate, data, seed, contexts, threads: 1);
    }

    /// <summary>
    /// The same draws with the payoffs evaluated on <paramref name="threads"/> workers (the factories are called once per
    /// worker): the contexts are drawn first, in order, and the statistics summed in order afterwards, so the result is
    /// the same bit for bit whatever <paramref name="threads"/>.
    /// </summary>
    public static Result Compute(Func<IPayoffModel> truth, Func<IPayoffModel> estimate, Trajectories data, ulong seed, int contexts, int threads)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        var truthSide = TruthSide(truth, data, seed, contexts, threads);
        return Compute(truthSide, estimate, threads);
    }

    /// <summary>
    /// The draws and the truth's differences at them, which depend on neither the estimate nor the epoch: an experiment
    /// computes them once (<see cref="TruthSide"/>) and evaluates only the estimate at every epoch.
    /// </summary>
    public sealed class TruthDifferences
    {
        internal TruthDifferences(IPayoffModel truth, Trajectories data, ulong seed, (int E, int T, int I, int K1, int K2)[] draws, double[] differences)
        {
            Truth = truth;
            Data = data;
            Seed = seed;
            Draws = draws;
            Differences = differences;
        }

        internal IPayoffModel Truth { get; }
        internal (int E, int T, int I, int K1, int K2)[] Draws { get; }
        internal double[] Differences { get; }

        /// <summary>The data the contexts were drawn from.</summary>
        public Trajectories Data { get; }

        /// <summary>The seed of the draws.</summary>
        public ulong Seed { get; }

        /// <summary>The number of contexts drawn.</summary>
        public int Contexts => Draws.Length;
    }

    /// <summary>Draws <paramref name="contexts"/> contexts with <paramref name="seed"/> and evaluates the truth's differences at them.</summary>
    public static TruthDifferences TruthSide(Func<IPayoffModel> truth, Trajectories data, ulong seed, int contexts, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(data);
        var truthModel = truth();
        GroupPayoffModels.Check(truthModel, truthModel, data);
        ArgumentOutOfRangeException.ThrowIfLessThan(contexts, 1);
        if (data.Steps < 2) throw new ArgumentException($"{nameof(data)}: expected episodes of at least 2 steps, found {data.Steps}.", nameof(data));
        if (!HasContext(data)) throw new ArgumentException($"{nameof(data)}: expected an agent acting at some step t < T - 1, found none.", nameof(data));
        var random = new SplitMix64(seed);
        var draws = new (int E, int T, int I, int K1, int K2)[contexts];
        for (int c = 0; c < contexts; c++)
        {
            int e, t, i;
            do
            {
                e = random.NextInt(data.Episodes);
                t = random.NextInt(data.Steps - 1);
                i = random.NextInt(data.Agents);
            }
            while (!data.IsPresent(e, t, i));
            int k1 = random.NextInt(data.Shape.Actions), k2 = random.NextInt(data.Shape.Actions);
            draws[c] = (e, t, i, k1, k2);
        }
        return new TruthDifferences(truthModel, data, seed, draws, Differences(truth, "truth", data, draws, threads));
    }

    /// <summary>The statistics of <paramref name="estimate"/> at the truth's draws; the same bit for bit as drawing and evaluating both together.</summary>
    public static Result Compute(TruthDifferences truth, Func<IPayoffModel> estimate, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(estimate);
        GroupPayoffModels.Check(truth.Truth, estimate(), truth.Data);
        int contexts = truth.Contexts;
        var trueDifferences = truth.Differences;
        var estimatedDifferences = Differences(estimate, "estimate", truth.Data, truth.Draws, threads);
        double squaredError = 0, squaredTrue = 0;
        for (int c = 0; c < contexts; c++)
        {
            double dTrue = trueDifferences[c], error = dTrue - estimatedDifferences[c];
            squaredError += error * error;
            squaredTrue += dTrue * dTrue;
        }
        double diffMse = squaredError / contexts, zero = squaredTrue / contexts;
        return new Result(diffMse, zero, zero > 0 ? diffMse / zero : double.NaN, Correlation(trueDifferences, estimatedDifferences));
    }

    /// <summary>One model's difference at every draw, in blocks on <paramref name="threads"/> workers (one model each).</summary>
    private static double[] Differences(Func<IPayoffModel> models, string role, Trajectories data, (int E, int T, int I, int K1, int K2)[] draws, int threads)
    {
        var differences = new double[draws.Length];
        threads = MetricArguments.Workers(data.Shape, threads);
        const int Block = 256;
        try
        {
            Parallel.For(0, (draws.Length + Block - 1) / Block, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) },
                () => (Models: new GroupPayoffModels(models(), role, "diff_mse", data), Joint: new int[data.Agents]),
                (b, _, local) =>
                {
                    for (int c = (int)b * Block; c < Math.Min(draws.Length, ((int)b + 1) * Block); c++)
                    {
                        var (e, t, i, k1, k2) = draws[c];
                        var step = data.Step(e, t);
                        var groups = data.Groups(e, t);
                        var members = groups.Members(groups.GroupOf(i));
                        for (int p = 0; p < members.Length; p++) local.Joint[p] = step[members[p]];
                        differences[c] = Difference(local.Models.OfSize(members.Length), local.Joint.AsSpan(0, members.Length), groups.PositionOf(i), k1, k2);
                    }
                    return local;
                },
                _ => { });
        }
        catch (AggregateException failure) when (failure.InnerExceptions.Count == 1)
        {
            // A located error of the data (a group a payoff table cannot serve) reaches the caller as itself.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure.InnerExceptions[0]);
        }
        return differences;
    }

    private static bool HasContext(Trajectories data)
    {
        if (data.IsFullPlay) return true;
        for (int e = 0; e < data.Episodes; e++)
            for (int t = 0; t + 1 < data.Steps; t++)
                foreach (int action in data.Step(e, t))
                    if (action != Trajectories.Absent) return true;
        return false;
    }

    /// <summary>Pearson correlation, two-pass (centred sums); NaN when either series has zero variance.</summary>
    public static double Correlation(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length) throw new ArgumentException($"{nameof(y)}: expected {x.Length} values, found {y.Length}.", nameof(y));
        if (x.Length < 2) return double.NaN;
        double meanX = 0, meanY = 0;
        for (int j = 0; j < x.Length; j++) { meanX += x[j]; meanY += y[j]; }
        meanX /= x.Length;
        meanY /= y.Length;
        double sxx = 0, syy = 0, sxy = 0;
        for (int j = 0; j < x.Length; j++)
        {
            double dx = x[j] - meanX, dy = y[j] - meanY;
            sxx += dx * dx;
            syy += dy * dy;
            sxy += dx * dy;
        }
        if (sxx <= 0 || syy <= 0) return double.NaN;
        // Rounding can push |r| a hair past 1 for exactly proportional series.
        return Math.Clamp(sxy / Math.Sqrt(sxx * syy), -1, 1);
    }

    private static double Difference(IPayoffModel payoffs, Span<int> joint, int agent, int k1, int k2)
    {
        joint[agent] = k1;
        double first = payoffs.Payoff(joint, agent);
        joint[agent] = k2;
        return first - payoffs.Payoff(joint, agent);
    }
}
