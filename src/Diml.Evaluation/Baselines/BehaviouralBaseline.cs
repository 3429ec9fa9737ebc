using Diml.Data;
using Diml.Fitting;

namespace Diml.Evaluation.Baselines;

/// <summary>
/// A behavioural baseline: a model of each agent's next action that ignores payoffs and learning altogether and looks
/// at most at the agent's own previous action, <c>π(a[t+1,i] | a[t,i])</c>. <c>evaluate</c> scores every baseline on
/// the same held-out decisions as the fitted model (every action after an episode's first, through
/// <see cref="IStepScorer"/> and <see cref="LikelihoodEvaluator.PerAgentStepNll(Func{IStepScorer}, Trajectories, int)"/>),
/// so a report shows whether the learning model earns its keep. Fitted baselines are immutable, so one instance
/// serves every worker thread.
/// </summary>
public abstract class BehaviouralBaseline : IStepScorer
{
    /// <summary>A baseline for games of <paramref name="actions"/> actions.</summary>
    protected BehaviouralBaseline(int actions)
    {
        if (actions < 2 || actions > GameShape.MaxActions)
            throw new ArgumentOutOfRangeException(nameof(actions), actions, $"{nameof(actions)}: expected 2..{GameShape.MaxActions} actions, found {actions}.");
        Actions = actions;
    }

    /// <summary>The name in reports and JSON, such as <c>uniform</c>.</summary>
    public abstract string Name { get; }

    /// <summary>One line: what the baseline predicts.</summary>
    public abstract string Description { get; }

    /// <summary>Actions per agent.</summary>
    public int Actions { get; }

    /// <summary>Free parameters the baseline estimates (for information criteria, <c>diml compare</c>).</summary>
    public abstract int ParameterCount { get; }

    /// <summary>
    /// <c>log π(action | previous)</c>: the log probability of <paramref name="action"/> for an agent whose previous
    /// action was <paramref name="previous"/> (ignored by baselines without memory), or <see cref="Trajectories.Absent"/>
    /// for an agent with no earlier action in the episode (one who joins late). Always finite.
    /// </summary>
    public abstract double LogProbability(int previous, int action);

    /// <inheritdoc/>
    /// <remarks>
    /// With absent agents, an agent's previous action is its last one in the episode before the decision (as its
    /// learner's state is the one it had then), and an agent absent at <c>t+1</c> is not scored there.
    /// </remarks>
    public void ScoreEpisode(Trajectories data, int episode, Span<double> nll)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Shape.Actions != Actions)
            throw new ArgumentException($"{nameof(data)}: expected trajectories of {Actions} actions (the baseline's), found {data.Shape.Actions}.", nameof(data));
        int n = data.Agents;
        Span<int> last = n <= 1024 ? stackalloc int[n] : new int[n];
        data.Step(episode, 0).CopyTo(last);
        for (int t = 0; t + 1 < data.Steps; t++)
        {
            var next = data.Step(episode, t + 1);
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                if (next[i] == Trajectories.Absent) continue;
                sum -= LogProbability(last[i], next[i]);
                last[i] = next[i];
            }
            nll[t] = sum;
        }
    }

    /// <summary>
    /// The decisions a baseline is estimated on — the same kind as those scored: every action at <c>t ≥ 1</c> of every
    /// episode and agent of <paramref name="training"/> (the first action of an episode has no previous one).
    /// <c>counts[p·A + a]</c> is how many times an agent whose previous action was <c>p</c> played <c>a</c>; with absent
    /// agents, row <c>p = A</c> counts the decisions of agents with no earlier action in the episode (<c>(A + 1)·A</c>
    /// entries then, <c>A·A</c> otherwise).
    /// </summary>
    public static long[] TransitionCounts(Trajectories training)
    {
        ArgumentNullException.ThrowIfNull(training);
        int a = training.Shape.Actions, n = training.Agents;
        var counts = new long[(training.HasAbsences ? a + 1 : a) * a];
        var last = new int[n];
        for (int e = 0; e < training.Episodes; e++)
        {
            training.Step(e, 0).CopyTo(last);
            for (int t = 1; t < training.Steps; t++)
            {
                var now = training.Step(e, t);
                for (int i = 0; i < n; i++)
                {
                    if (now[i] == Trajectories.Absent) continue;
                    int previous = last[i] == Trajectories.Absent ? a : last[i];
                    counts[(previous * a) + now[i]]++;
                    last[i] = now[i];
                }
            }
        }
        return counts;
    }
}
