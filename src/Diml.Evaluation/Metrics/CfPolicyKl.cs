using Diml.Data;
using Diml.Simulation;

namespace Diml.Evaluation;

/// <summary>
/// <c>cf_policy_kl</c> (ours): the question of <c>cfkl_params</c> — does the fitted mechanism predict play under changed
/// learning? — without its sampling noise. Along trajectories simulated with the shifted learner under the <i>true</i>
/// mechanism, two learner states are run side by side on the same played actions, one updated with the true
/// counterfactual payoffs and one with the estimated ones, and the result is the mean over episodes, steps
/// <c>t = 1..T−1</c> and agents of <c>KL(π_true,i[t] ‖ π_est,i[t])</c>, an exact sum over the agent's actions.
/// It is 0 exactly when both mechanisms give the same policies on the visited path (a gauge shift
/// <c>c_i(a_{−i})</c> leaves softmax-type learners' policies unchanged).
/// </summary>
public sealed class CfPolicyKl : IMetric
{
    /// <summary>The registered instance.</summary>
    public static CfPolicyKl Metric { get; } = new();

    private CfPolicyKl() { }

    /// <inheritdoc/>
    public string Name => "cf_policy_kl";

    /// <inheritdoc/>
    public string Description => "exact KL of the shifted learner's policies under the true and the estimated payoffs along play under the truth";

    /// <inheritdoc/>
    public bool IsReference => false;

    /// <inheritdoc/>
    public MetricNeeds Needs => MetricNeeds.Payoffs | MetricNeeds.Simulation;

    /// <inheritdoc/>
    double IMetric.Compute(MetricContext context) => Compute(context.TruthPolicies, context.Estimate!, context.ShiftedLearner, context.Threads);

    /// <summary>
    /// Computes the metric over <paramref name="underTruth"/> (simulated with <paramref name="shiftedRule"/> under the
    /// truth); the payoff factories are called once per worker thread. Independent of <paramref name="threads"/>.
    /// </summary>
    public static double Compute(Func<IPayoffModel> truth, Func<IPayoffModel> estimate, ILearningRule shiftedRule,
        Trajectories underTruth, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentNullException.ThrowIfNull(shiftedRule);
        ArgumentNullException.ThrowIfNull(underTruth);
        underTruth.RequireFullPlay("the metric cf_policy_kl");
        if (underTruth.Steps < 2) throw new ArgumentException($"{nameof(underTruth)}: expected episodes of at least 2 steps, found {underTruth.Steps}.", nameof(underTruth));
        return Compute(PolicyPath.Of(truth, shiftedRule, underTruth, threads), estimate, shiftedRule, threads);
    }

    /// <summary>
    /// The metric against the truth's policies already computed along its play (<see cref="PolicyPath.Of"/> of the truth
    /// and <paramref name="shiftedRule"/>): only the estimate's side is replayed. The same value as
    /// <see cref="Compute(Func{IPayoffModel}, Func{IPayoffModel}, ILearningRule, Trajectories, int)"/>, bit for bit.
    /// </summary>
    public static double Compute(PolicyPath truth, Func<IPayoffModel> estimate, ILearningRule shiftedRule, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentNullException.ThrowIfNull(shiftedRule);
        var underTruth = truth.Play;
        int episodes = underTruth.Episodes, n = underTruth.Agents, a = underTruth.Shape.Actions;
        var sums = new double[episodes];
        Parallel.For(0, episodes, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) },
            () => new LearnerReplay(estimate(), shiftedRule),
            (e, _, replay) =>
            {
                replay.Reset();
                double sum = 0;
                for (int t = 0; t + 1 < underTruth.Steps; t++)
                {
                    replay.Observe(underTruth.Step((int)e, t));
                    var p = truth.After((int)e, t);
                    var q = replay.LogPolicies;
                    for (int j = 0; j < n * a; j++)
                    {
                        double logP = p[j];
                        sum += Math.Exp(logP) * (logP - q[j]);
                    }
                }
                sums[e] = sum;
                return replay;
            },
            _ => { });
        double total = 0;
        foreach (double s in sums) total += s;
        return total / ((double)episodes * (underTruth.Steps - 1) * n);
    }
}
