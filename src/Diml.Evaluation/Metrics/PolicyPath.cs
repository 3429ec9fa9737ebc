using Diml.Data;
using Diml.Simulation;

namespace Diml.Evaluation;

/// <summary>
/// A learner's log-policies along given play: for every episode and step <c>t &lt; T−1</c> of the play, every agent's
/// <c>log π[t+1]</c> after updating on <c>a[t]</c> under a payoff model (<see cref="LearnerReplay"/>). <c>cf_policy_kl</c>
/// compares the estimate's policies against the truth's along the truth's own play; the truth's side depends only on the
/// truth, the learner and the play, so an experiment computes it once (<see cref="Of"/>) instead of at every evaluation.
/// </summary>
public sealed class PolicyPath
{
    private readonly float[] _logPolicies;
    private readonly int _width;

    private PolicyPath(Trajectories play, float[] logPolicies)
    {
        Play = play;
        _logPolicies = logPolicies;
        _width = play.Agents * play.Shape.Actions;
    }

    /// <summary>The play the policies follow.</summary>
    public Trajectories Play { get; }

    /// <summary><c>log π_i(k)[t+1]</c> at index <c>i·A + k</c>, for episode <paramref name="episode"/> and <c>t</c> in <c>0..T−2</c>.</summary>
    public ReadOnlySpan<float> After(int episode, int t) =>
        _logPolicies.AsSpan(((episode * (Play.Steps - 1)) + t) * _width, _width);

    /// <summary>
    /// The log-policies of <paramref name="rule"/> under <paramref name="payoffs"/> (called once per worker thread) along
    /// <paramref name="play"/> (full play, at least 2 steps); the same values whatever <paramref name="threads"/>.
    /// </summary>
    public static PolicyPath Of(Func<IPayoffModel> payoffs, ILearningRule rule, Trajectories play, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(payoffs);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(play);
        play.RequireFullPlay("a policy path");
        if (play.Steps < 2) throw new ArgumentException($"{nameof(play)}: expected episodes of at least 2 steps, found {play.Steps}.", nameof(play));
        int width = play.Agents * play.Shape.Actions, steps = play.Steps;
        var logPolicies = new float[checked(play.Episodes * (steps - 1) * width)];
        Parallel.For(0, play.Episodes, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) },
            () => new LearnerReplay(payoffs(), rule),
            (e, _, replay) =>
            {
                replay.Reset();
                for (int t = 0; t + 1 < steps; t++)
                {
                    replay.Observe(play.Step((int)e, t));
                    replay.LogPolicies.CopyTo(logPolicies.AsSpan((((int)e * (steps - 1)) + t) * width, width));
                }
                return replay;
            },
            _ => { });
        return new PolicyPath(play, logPolicies);
    }
}
