using Diml.Data;
using Diml.Simulation;

namespace Diml.Evaluation.Counterfactuals;

/// <summary>
/// Predicts behaviour under a policy change (issue 16): simulates the estimated learners on the data's design — its
/// sessions, groups and re-matching, absences and initial conditions (<see cref="SimulationDesign"/>) — under
/// <c>M'</c> and under the fitted mechanism itself, many replications per parameter draw, and summarises per period the
/// action shares and mean payoffs with percentile bands, and the change the policy makes.
/// </summary>
/// <remarks>
/// Replication <c>r</c> of draw <c>d</c> simulates session <c>e</c> on stream <c>r·E + e</c> of the seed, under both
/// mechanisms: the two share their random numbers (common random numbers), so the change is measured replication by
/// replication without independent noise, and a zero change gives exactly the no-change prediction. Each replication
/// writes only its own slot and the summaries run in a fixed order, so a seed gives bit-identical results on any number
/// of threads.
/// </remarks>
public static class PolicyPrediction
{
    /// <summary>
    /// The prediction of <paramref name="change"/> applied to <paramref name="fitted"/> at each of <paramref name="draws"/>,
    /// on <paramref name="design"/>.
    /// </summary>
    public static PolicyForecast Predict(IMechanism fitted, IReadOnlyList<ModelDraw> draws, PolicyChange change, SimulationDesign design,
        PredictionOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(fitted);
        ArgumentNullException.ThrowIfNull(draws);
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (draws.Count == 0) throw new ArgumentException($"{nameof(draws)}: expected at least one parameter draw, found none.", nameof(draws));
        int p = fitted.Layout.TotalLength;
        for (int d = 0; d < draws.Count; d++)
            if (draws[d].Theta.Length != p)
                throw new ArgumentException($"{nameof(draws)}[{d}]: expected {p} parameters ({fitted.Layout}), found {draws[d].Theta.Length}.", nameof(draws));
        int a = design.Shape.Actions, n = design.Shape.Agents, steps = design.Steps, sessions = design.Sessions;
        var (changed, parametersOf) = change.Apply(fitted, a);
        var changedThetas = draws.Select(d => parametersOf(d.Theta)).ToArray();
        int replications = options.Replications, jobs = checked(draws.Count * replications);

        // Per replication: action counts and payoff sums per period, without and with the change.
        var shares = new double[2][];
        var payoffs = new double[2][];
        for (int s = 0; s < 2; s++)
        {
            shares[s] = new double[checked(jobs * steps * a)];
            payoffs[s] = new double[checked(jobs * steps)];
        }
        Parallel.For(0, jobs, new ParallelOptions { MaxDegreeOfParallelism = options.Threads, CancellationToken = cancellation },
            () => new Worker(fitted, changed, design),
            (job, _, worker) =>
            {
                int d = (int)job / replications, r = (int)job % replications;
                var draw = draws[d];
                worker.Replicate(0, draw.Theta, draw.Learner, r, options.Seed, shares[0].AsSpan((int)job * steps * a, steps * a), payoffs[0].AsSpan((int)job * steps, steps));
                worker.Replicate(1, changedThetas[d], draw.Learner, r, options.Seed, shares[1].AsSpan((int)job * steps * a, steps * a), payoffs[1].AsSpan((int)job * steps, steps));
                return worker;
            },
            _ => { });

        double tail = (1 - options.BandLevel) / 2;
        return new PolicyForecast(steps, a, jobs, change.ToString(),
            Summarise(shares[0], null, jobs, steps * a, tail), Summarise(shares[1], null, jobs, steps * a, tail), Summarise(shares[1], shares[0], jobs, steps * a, tail),
            Summarise(payoffs[0], null, jobs, steps, tail), Summarise(payoffs[1], null, jobs, steps, tail), Summarise(payoffs[1], payoffs[0], jobs, steps, tail));
    }

    /// <summary>
    /// Mean and percentile band of each of <paramref name="width"/> quantities over <paramref name="jobs"/> replications
    /// (of <paramref name="values"/> minus <paramref name="baseline"/> when given).
    /// </summary>
    private static Band[] Summarise(double[] values, double[]? baseline, int jobs, int width, double tail)
    {
        var bands = new Band[width];
        var column = new double[jobs];
        for (int q = 0; q < width; q++)
        {
            for (int j = 0; j < jobs; j++)
                column[j] = values[(j * width) + q] - (baseline is null ? 0 : baseline[(j * width) + q]);
            // Summed as deviations from the first replication: equal values then have exactly that value as their mean.
            double first = column[0], deviations = 0;
            for (int j = 0; j < jobs; j++) deviations += column[j] - first;
            Array.Sort(column);
            bands[q] = new Band(first + (deviations / jobs), Percentile(column, tail), Percentile(column, 1 - tail));
        }
        return bands;
    }

    /// <summary>The <paramref name="level"/> quantile of sorted values, interpolating linearly between order statistics.</summary>
    internal static double Percentile(double[] sorted, double level)
    {
        double position = level * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        double weight = position - below;
        // NaN-free: a mean payoff of a period with nobody acting is NaN, and stays NaN.
        return sorted[below] + (weight * (sorted[above] - sorted[below]));
    }

    /// <summary>One thread's simulators (without and with the change) and buffers.</summary>
    private sealed class Worker(IMechanism fitted, IMechanism changed, SimulationDesign design)
    {
        private readonly DesignSimulator[] _simulators = [new DesignSimulator(fitted, design), new DesignSimulator(changed, design)];
        private readonly int[] _played = new int[design.Steps * design.Shape.Agents];
        private readonly float[] _received = new float[design.Steps * design.Shape.Agents];
        private readonly int[] _acting = new int[design.Steps];

        /// <summary>Replication <paramref name="replication"/> of every session: shares and mean payoffs per period.</summary>
        public void Replicate(int which, float[] theta, ILearningRule learner, int replication, ulong seed, Span<double> shares, Span<double> payoffs)
        {
            int n = design.Shape.Agents, a = design.Shape.Actions, steps = design.Steps;
            shares.Clear();
            payoffs.Clear();
            Array.Clear(_acting);
            for (int e = 0; e < design.Sessions; e++)
            {
                ulong stream = ((ulong)replication * (ulong)design.Sessions) + (ulong)e;
                _simulators[which].Run(theta, learner, e, seed, stream, _played, _received);
                for (int t = 0; t < steps; t++)
                    for (int i = 0; i < n; i++)
                    {
                        int action = _played[(t * n) + i];
                        if (action == Trajectories.Absent) continue;
                        shares[(t * a) + action]++;
                        payoffs[t] += _received[(t * n) + i];
                        _acting[t]++;
                    }
            }
            for (int t = 0; t < steps; t++)
            {
                double acting = _acting[t];
                for (int k = 0; k < a; k++) shares[(t * a) + k] = acting > 0 ? shares[(t * a) + k] / acting : double.NaN;
                payoffs[t] = acting > 0 ? payoffs[t] / acting : double.NaN;
            }
        }
    }
}
