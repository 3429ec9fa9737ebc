using Diml.Data;

namespace Diml.Fitting;

/// <summary>
/// The negative log-likelihood of whole episodes under a mechanism and learner, for evaluation
/// (<c>nll_test</c>): <c>Q</c> starts at <c>Q0</c> at <c>t = 0</c> and runs the full length, every action
/// after the first is scored, and nothing is regularized.
/// </summary>
public static class LikelihoodEvaluator
{
    /// <summary>Episodes evaluated together; bounds the buffers without changing the result.</summary>
    private const int Chunk = 16;

    /// <summary>
    /// Mean NLL per scored agent-step, <c>Σ_e NLL_e / (E·(T−1)·n)</c>, over <paramref name="episodes"/>
    /// (all episodes of <paramref name="data"/> when empty).
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
            WindowMode.Reference, lambda: 0, regularizerSampleCap: 0, threads: Math.Max(1, Math.Min(threads, chunk)));
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
}
