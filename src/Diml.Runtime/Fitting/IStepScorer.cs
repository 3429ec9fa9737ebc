using Diml.Data;

namespace Diml.Fitting;

/// <summary>
/// A model's next-action likelihood along observed play: what <c>nll_test</c> and <c>nll_test_in_support</c> score.
/// Mechanism models score through their learner (<see cref="LearnerStepScorer"/>); models that predict play directly
/// (behaviour cloning) implement it themselves. Implementations need not be thread-safe.
/// </summary>
public interface IStepScorer
{
    /// <summary>
    /// Writes <c>nll[t] = −Σ_i log π_i[t+1](a[t+1,i])</c> for <c>t = 0..T−2</c> of episode <paramref name="episode"/> of
    /// <paramref name="data"/>, the model having seen that episode's actions up to <c>a[t]</c> (and nothing after).
    /// </summary>
    void ScoreEpisode(Trajectories data, int episode, Span<double> nll);
}
