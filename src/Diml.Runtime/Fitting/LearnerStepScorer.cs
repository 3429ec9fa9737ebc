using Diml.Data;
using Diml.Simulation;

namespace Diml.Fitting;

/// <summary>
/// The step likelihood of learners under some payoffs, <c>Q</c> from <c>Q0</c> at <c>t = 0</c> over the full episode
/// (as <c>LikelihoodEvaluator.PerAgentStepNll</c>, step by step).
/// </summary>
public sealed class LearnerStepScorer(IPayoffModel payoffs, ILearningRule rule) : IStepScorer
{
    private readonly LearnerReplay _replay = new(payoffs, rule);

    /// <inheritdoc/>
    public void ScoreEpisode(Trajectories data, int episode, Span<double> nll)
    {
        ArgumentNullException.ThrowIfNull(data);
        data.RequireFullPlay("the step-by-step likelihood");
        int n = data.Agents, a = data.Shape.Actions;
        _replay.Reset();
        for (int t = 0; t + 1 < data.Steps; t++)
        {
            _replay.Observe(data.Step(episode, t));
            var next = data.Step(episode, t + 1);
            var logPolicies = _replay.LogPolicies;
            double sum = 0;
            for (int i = 0; i < n; i++) sum -= logPolicies[(i * a) + next[i]];
            nll[t] = sum;
        }
    }
}
