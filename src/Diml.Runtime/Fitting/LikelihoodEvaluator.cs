using Diml.Data;

namespace Diml.Fitting;

/// <summary>
/// The negative log-likelihood of whole episodes, for evaluation (<c>nll_test</c>): <c>Q</c> starts at <c>Q0</c> at
/// <c>t = 0</c> and runs the full length, every action after the first is scored, and nothing is regularized.
/// </summary>
/// <remarks>
/// Any model that predicts next actions is scored step by step through an <see cref="IStepScorer"/>
/// (<see cref="StepNll"/>): a payoff model under a learner (<see cref="LearnerStepScorer"/>, which covers every
/// mechanism and payoff baseline) or a model of play itself. A generated mechanism at <c>θ</c> can also be scored
/// through the fitting objective (<see cref="PerAgentStepNll(IMechanism, ReadOnlySpan{float}, ILearningRule, Trajectories, ReadOnlySpan{int}, int)"/>:
/// deduplicated queries and batched kernels, much faster on large data); the two agree to float rounding of the
/// summation order (tested), not bit for bit.
/// </remarks>
public static class LikelihoodEvaluator
{
    /// <summary>Episodes evaluated together; bounds the buffers without changing the result.</summary>
    private const int Chunk = 16;

    /// <summary>
    /// Mean NLL per scored agent-step, <c>Σ_e NLL_e / (E·(T−1)·n)</c>, over <paramref name="episodes"/>
    /// (all episodes of <paramref name="data"/> when empty). With groups or absent agents, the agent-steps scored are those
    /// of agents present (see <see cref="MinibatchObjective{T}"/>).
    /// </summary>
    public static double PerAgentStepNll(IMechanism mechanism, ReadOnlySpan<float> theta, ILearningRule rule, Trajectories data,
        ReadOnlySpan<int> episodes = default, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Steps < 2) ThrowHelper.ArgumentOutOfRange(nameof(data), "episodes of at least 2 steps", data.Steps);
        int[] selected = episodes.IsEmpty ? Enumerable.Range(0, data.Episodes).ToArray() : episodes.ToArray();
        if (selected.Length == 0) ThrowHelper.ArgumentOutOfRange(nameof(episodes), "at least one episode", 0);
        int chunk = Math.Min(Chunk, selected.Length);
        using var objective = new MinibatchObjective<float>(mechanism, rule, data.Shape, chunk, data.Steps, data.Steps,
            WindowMode.Reference, lambda: 0, regularizerSampleCap: 0, threads: Math.Max(1, Math.Min(threads, chunk)),
            groupSizes: GroupSizeRule.KernelSizes(mechanism, data));
        double nll = 0;
        long scored = 0;
        for (int first = 0; first < selected.Length; first += chunk)
        {
            var part = selected.AsSpan(first, Math.Min(chunk, selected.Length - first));
            var loss = objective.Evaluate(data, part, 0, theta, Span<float>.Empty);
            nll += loss.NegativeLogLikelihood;
            scored += loss.ScoredActions;
        }
        return nll / scored;
    }

    /// <summary>
    /// The step NLLs of every episode of <paramref name="data"/>: entry <c>e·(T−1) + t</c> is
    /// <c>−Σ_i log π_i[t+1](a[e,t+1,i])</c>. <paramref name="scorer"/> is called once per worker thread; the result does
    /// not depend on <paramref name="threads"/>.
    /// </summary>
    public static double[] StepNll(Func<IStepScorer> scorer, Trajectories data, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Steps < 2) ThrowHelper.ArgumentOutOfRange(nameof(data), "episodes of at least 2 steps", data.Steps);
        int scoredSteps = data.Steps - 1;
        var nll = new double[checked(data.Episodes * scoredSteps)];
        try
        {
            Parallel.For(0, data.Episodes, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) },
                scorer,
                (e, _, local) =>
                {
                    local.ScoreEpisode(data, (int)e, nll.AsSpan((int)e * scoredSteps, scoredSteps));
                    return local;
                },
                _ => { });
        }
        catch (AggregateException e)
        {
            // A scorer refusing the data (a located DataFormatException) reaches the caller as itself, not wrapped.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.Flatten().InnerExceptions[0]);
        }
        return nll;
    }

    /// <summary>
    /// Mean NLL per scored agent-step of any step scorer: per-episode sums in step order, added in episode order, over
    /// <see cref="ScoredAgentSteps"/>.
    /// </summary>
    public static double PerAgentStepNll(Func<IStepScorer> scorer, Trajectories data, int threads = 1)
    {
        var nll = StepNll(scorer, data, threads);
        int scoredSteps = data.Steps - 1;
        double total = 0;
        for (int e = 0; e < data.Episodes; e++)
        {
            double sum = 0;
            for (int t = 0; t < scoredSteps; t++) sum += nll[(e * scoredSteps) + t];
            total += sum;
        }
        return total / ScoredAgentSteps(data);
    }

    /// <summary>
    /// The decisions a step likelihood scores: every action after an episode's first, <c>E·(T−1)·n</c> without absences;
    /// with absent agents, those of the agents present at <c>t ≥ 1</c>.
    /// </summary>
    public static long ScoredAgentSteps(Trajectories data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.IsFullPlay) return (long)data.Episodes * (data.Steps - 1) * data.Agents;
        long scored = 0;
        for (int e = 0; e < data.Episodes; e++)
            for (int t = 1; t < data.Steps; t++)
                foreach (int action in data.Step(e, t))
                    if (action != Trajectories.Absent) scored++;
        return scored;
    }
}
