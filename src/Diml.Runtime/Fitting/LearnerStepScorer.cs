using System.Globalization;
using Diml.Data;
using Diml.Simulation;

namespace Diml.Fitting;

/// <summary>
/// The step likelihood of learners under some payoffs, <c>Q</c> from <c>Q0</c> at <c>t = 0</c> over the full episode
/// (as <c>LikelihoodEvaluator.PerAgentStepNll</c>, step by step).
/// </summary>
/// <remarks>
/// Data with groups or absent agents are scored as the fitting objective scores them (<see cref="MinibatchObjective{T}"/>):
/// an agent's payoffs at a step come from its own group's joint action, an agent absent at <c>t</c> gets no feedback and
/// keeps its state, and an agent absent at <c>t+1</c> is not scored there. Payoffs over groups need the mechanism itself
/// (one kernel per group size), so such data take a <see cref="MechanismPayoffs"/>; any other payoff model (a payoff
/// table of one joint action of all agents) is refused for them with a located error.
/// </remarks>
public sealed class LearnerStepScorer : IStepScorer
{
    private readonly IPayoffModel _payoffs;
    private readonly ILearningRule _rule;
    private readonly LearnerReplay _replay;
    private GroupedPayoffs? _grouped;

    /// <summary>Scores learners following <paramref name="rule"/> under <paramref name="payoffs"/>.</summary>
    public LearnerStepScorer(IPayoffModel payoffs, ILearningRule rule)
    {
        ArgumentNullException.ThrowIfNull(payoffs);
        ArgumentNullException.ThrowIfNull(rule);
        _payoffs = payoffs;
        _rule = rule;
        _replay = new LearnerReplay(payoffs, rule);
    }

    /// <inheritdoc/>
    public void ScoreEpisode(Trajectories data, int episode, Span<double> nll)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.IsFullPlay)
        {
            ScoreGroupedEpisode(data, episode, nll);
            return;
        }
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

    private void ScoreGroupedEpisode(Trajectories data, int episode, Span<double> nll)
    {
        var grouped = _grouped is not null && _grouped.Fits(data) ? _grouped : (_grouped = GroupedPayoffs.For(_payoffs, _rule, data));
        int n = data.Agents, a = data.Shape.Actions;
        var replay = grouped.Replay;
        replay.Reset();
        for (int t = 0; t + 1 < data.Steps; t++)
        {
            var joint = data.Step(episode, t);
            grouped.Counterfactual(joint, data.Groups(episode, t));
            replay.Observe(joint, grouped.Payoffs);
            var next = data.Step(episode, t + 1);
            var logPolicies = replay.LogPolicies;
            double sum = 0;
            for (int i = 0; i < n; i++)
                if (next[i] != Trajectories.Absent) sum -= logPolicies[(i * a) + next[i]];
            nll[t] = sum;
        }
    }

    /// <summary>A session's learners and one scalar payoff kernel per group size of the data.</summary>
    private sealed class GroupedPayoffs
    {
        private readonly float[] _theta, _u;
        private readonly GroupPayoffKernels _kernels;

        private GroupedPayoffs(IMechanism mechanism, float[] theta, ILearningRule rule, Trajectories data, IReadOnlyList<int> sizes)
        {
            _theta = theta;
            Shape = data.Shape;
            Replay = new LearnerReplay(data.Shape, rule);
            // Scalar kernels, as the metrics use (the simulators' batched ones agree to float rounding).
            _kernels = new GroupPayoffKernels(mechanism, sizes, data.Agents, data.Shape.Actions, batched: false);
            _u = new float[data.Agents * data.Shape.Actions];
        }

        public static GroupedPayoffs For(IPayoffModel payoffs, ILearningRule rule, Trajectories data)
        {
            if (payoffs is not MechanismPayoffs mechanismPayoffs)
                throw new DataFormatException(data.Source, null, data.HasGroups ? "group" : "agent", data.HasGroups ? data.GroupColumn : null,
                    "the step likelihood of this payoff model does not take data with groups or absent agents",
                    "one group of all agents at every step, or a mechanism (which is evaluated group by group)",
                    string.Create(CultureInfo.InvariantCulture, $"a payoff model of type {payoffs.GetType().Name} and data with {(data.HasGroups ? "groups" : "absent agents")}"));
            var mechanism = mechanismPayoffs.Mechanism;
            var sizes = GroupSizeRule.KernelSizes(mechanism, data)!;
            return new GroupedPayoffs(mechanism, mechanismPayoffs.Theta.ToArray(), rule, data, sizes);
        }

        public LearnerReplay Replay { get; }

        public GameShape Shape { get; }

        public ReadOnlySpan<float> Payoffs => _u;

        /// <summary>Whether the kernels serve <paramref name="data"/> (its game and every group size).</summary>
        public bool Fits(Trajectories data) => data.Shape == Shape && _kernels.Covers(data.GroupSizes);

        /// <summary>
        /// The counterfactual payoffs of every acting agent at a step, each from its own group's joint action; absent agents'
        /// entries are left as they are (the replay does not read them).
        /// </summary>
        public void Counterfactual(ReadOnlySpan<int> joint, StepGroups groups)
        {
            for (int g = 0; g < groups.Count; g++) _kernels.Evaluate(_theta, joint, groups.Members(g), _u);
        }
    }
}
