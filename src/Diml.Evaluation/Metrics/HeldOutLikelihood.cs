using Diml.Data;

namespace Diml.Evaluation;

/// <summary>
/// <c>nll_test</c> and <c>nll_test_in_support</c>: the NLL per scored agent-step of held-out episodes (every action
/// after the first, <c>Q</c> from <c>Q0</c>), and the same over only the steps <c>t+1</c> whose context <c>a[t]</c>
/// is in the <see cref="TrainingSupport"/> — how well the model predicts where the training data informed it.
/// </summary>
public static class HeldOutLikelihood
{
    /// <summary>The two means and how many agent-steps each averages.</summary>
    public readonly record struct Result(double NllTest, double NllTestInSupport, long ScoredAgentSteps, long InSupportAgentSteps);

    /// <summary>
    /// Scores <paramref name="test"/>; <paramref name="scorer"/> is called once per worker thread. The result does not
    /// depend on <paramref name="threads"/> (per-episode sums added in episode order). <c>NllTestInSupport</c> is NaN
    /// when no step's context is in the support.
    /// </summary>
    public static Result Compute(Func<IStepScorer> scorer, Trajectories test, TrainingSupport support, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(support);
        if (support.Shape != test.Shape) throw new ArgumentException($"{nameof(support)}: expected the support of a game of {test.Shape}, found {support.Shape}.", nameof(support));
        if (test.Steps < 2) throw new ArgumentException($"{nameof(test)}: expected episodes of at least 2 steps, found {test.Steps}.", nameof(test));
        int episodes = test.Episodes;
        var all = new double[episodes];
        var inSupport = new double[episodes];
        var inSupportSteps = new long[episodes];
        Parallel.For(0, episodes, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) },
            () => (Scorer: scorer(), Key: new ContextKey(test.Shape), Nll: new double[test.Steps - 1]),
            (e, _, local) =>
            {
                local.Scorer.ScoreEpisode(test, (int)e, local.Nll);
                double sum = 0, supported = 0;
                long count = 0;
                for (int t = 0; t + 1 < test.Steps; t++)
                {
                    sum += local.Nll[t];
                    if (support.Contains(local.Key.Of(test.Step((int)e, t)))) { supported += local.Nll[t]; count++; }
                }
                all[e] = sum;
                inSupport[e] = supported;
                inSupportSteps[e] = count;
                return local;
            },
            _ => { });
        int n = test.Agents;
        long scored = (long)episodes * (test.Steps - 1) * n;
        long supportedSteps = inSupportSteps.Sum() * n;
        double inSupportSum = 0, allSum = 0;
        for (int e = 0; e < episodes; e++) { allSum += all[e]; inSupportSum += inSupport[e]; }
        return new Result(allSum / scored, supportedSteps == 0 ? double.NaN : inSupportSum / supportedSteps, scored, supportedSteps);
    }
}
