using Diml.Data;
using Diml.Fitting;
using Diml.Tests.Fitting.Models;

namespace Diml.Tests.Fitting;

/// <summary>The objective, the likelihood and the fit over groups re-matched every step and absent agents.</summary>
public sealed class GroupedFittingTests
{
    /// <summary>
    /// Six agents re-matched every step: pairs for the joint form (a 2-agent table), triples (or groups of 1, 2 and 3 with
    /// <paramref name="mixed"/>) for the per-agent form, groups of 1, 2 and 3 for the anonymous form; a group is absent
    /// with probability 0.2.
    /// </summary>
    private static (HandWrittenMechanism Mechanism, Trajectories Data) Problem(PayoffForm form, int episodes = 5, int steps = 14, int seed = 7, bool mixed = false)
    {
        var shape = new GameShape(6, 3);
        int[] sizes = form switch { PayoffForm.Joint => [2], PayoffForm.PerAgent when !mixed => [3], _ => [1, 2, 3] };
        var truth = TestGames.Mechanism(PayoffForm.Anonymous, shape, seed: 3);
        var plain = TestGames.Simulate(truth, shape, episodes, steps, seed: 21);
        var data = GroupedData.Rematch(plain, sizes, absentRate: 0.2, seed);
        var mechanism = TestGames.Mechanism(form, new GameShape(sizes[0], shape.Actions), seed: 9);
        return (mechanism, data);
    }

    [Theory]
    [InlineData(PayoffForm.Joint, WindowMode.Reference)]
    [InlineData(PayoffForm.Joint, WindowMode.Carry)]
    [InlineData(PayoffForm.PerAgent, WindowMode.Reference)]
    [InlineData(PayoffForm.PerAgent, WindowMode.Carry)]
    [InlineData(PayoffForm.Anonymous, WindowMode.Reference)]
    [InlineData(PayoffForm.Anonymous, WindowMode.Carry)]
    public void FullModelGradient_OnRematchedGroupsWithAbsences_MatchesCentralDifferences(PayoffForm form, WindowMode mode)
    {
        var (mechanism, data) = Problem(form);
        Assert.True(data.HasGroups && data.HasAbsences);
        Check(mechanism, data, mode, lambda: 0.05, cap: 0);
    }

    [Theory]
    [InlineData(WindowMode.Reference)]
    [InlineData(WindowMode.Carry)]
    public void FullModelGradient_OfAPerAgentMechanismOnSeveralGroupSizes_MatchesCentralDifferences(WindowMode mode)
    {
        var (mechanism, data) = Problem(PayoffForm.PerAgent, mixed: true);
        Assert.Equal([1, 2, 3], data.GroupSizes);
        Assert.True(data.HasGroups && data.HasAbsences);
        Check(mechanism, data, mode, lambda: 0.05, cap: 0);
    }

    [Fact]
    public void FullModelGradient_OnGroupsWithSubsampledRegularizer_MatchesCentralDifferences()
    {
        var (mechanism, data) = Problem(PayoffForm.Anonymous);
        Check(mechanism, data, WindowMode.Reference, lambda: 0.5, cap: 7);
    }

    private static void Check(IMechanism mechanism, Trajectories data, WindowMode mode, double lambda, int cap)
    {
        var rule = TestGames.SmallGameLearner();
        int[] episodes = [4, 1, 2];
        const int window = 6, t0 = 5;
        int p = mechanism.Layout.TotalLength;
        var sizes = GroupSizeRule.KernelSizes(mechanism, data);
        using var inDouble = new MinibatchObjective<double>(mechanism, rule, data.Shape, 3, data.Steps, window, mode, lambda, cap, threads: 2, groupSizes: sizes);
        using var inFloat = new MinibatchObjective<float>(mechanism, rule, data.Shape, 3, data.Steps, window, mode, lambda, cap, threads: 1, groupSizes: sizes);
        var theta = new float[p];
        mechanism.ReadParameters(theta);
        inDouble.PrefixParametersOverride = TestGames.ToDouble(theta);
        inFloat.PrefixParametersOverride = theta;
        var function = new ObjectiveFunction(inDouble, inFloat, data, episodes, t0, p);
        var report = GradientCheck.Run(function, TestGames.ToDouble(theta), seed: 5);
        Assert.True(report.Passed, report.ToString());
        Assert.True(report.MaxRelativeError < 1e-6, report.ToString());
    }

    /// <summary>
    /// Two fixed groups — agents {0, 1} together every step, agent 2 alone and absent at t 5..7 — score exactly what the
    /// pair's own 2-agent episode and agent 2's 1-agent episode with the absent steps cut out score: payoffs come from the
    /// own group only, an absent agent is not scored, and its learner state is carried unchanged over its absence.
    /// </summary>
    [Fact]
    public void Nll_OfFixedGroupsWithAnAbsence_IsTheSumOfTheGroupsOwnEpisodes()
    {
        const int steps = 12, a = 3;
        var plain = TestGames.Simulate(TestGames.Mechanism(PayoffForm.Anonymous, new GameShape(3, a), seed: 3), new GameShape(3, a), 1, steps, seed: 5);
        var actions = plain.AsSpan().ToArray();
        var labels = new int[actions.Length];
        var pair = new int[steps * 2];
        var solo = new List<int>();
        for (int t = 0; t < steps; t++)
        {
            labels[t * 3] = labels[t * 3 + 1] = 4;
            labels[t * 3 + 2] = 8;
            pair[t * 2] = actions[t * 3];
            pair[t * 2 + 1] = actions[t * 3 + 1];
            if (t is >= 5 and <= 7) actions[t * 3 + 2] = labels[t * 3 + 2] = Trajectories.Absent;
            else solo.Add(actions[t * 3 + 2]);
        }
        var grouped = new Trajectories(new GameShape(3, a), 1, steps, actions, labels);
        var pairData = new Trajectories(new GameShape(2, a), 1, steps, pair);
        var soloData = new Trajectories(new GameShape(1, a), 1, solo.Count, solo.ToArray());
        var mechanism = new LinearAnonymousMechanism(a);
        mechanism.InitializeParameters(new Random(2));
        var theta = TestGames.ToDouble(mechanism.Parameters());

        MinibatchLoss Loss(Trajectories data) {
            using var objective = new MinibatchObjective<double>(mechanism, TestGames.SmallGameLearner(), data.Shape, 1, data.Steps, data.Steps,
                WindowMode.Reference, lambda: 0, groupSizes: GroupSizeRule.KernelSizes(mechanism, data));
            return objective.Evaluate(data, [0], 0, theta, Span<double>.Empty);
        }

        var whole = Loss(grouped);
        var parts = (Pair: Loss(pairData), Solo: Loss(soloData));
        Assert.Equal(2 * (steps - 1) + (solo.Count - 1), whole.ScoredActions);
        Assert.Equal(parts.Pair.NegativeLogLikelihood + parts.Solo.NegativeLogLikelihood, whole.NegativeLogLikelihood, 1e-12);
    }

    [Theory]
    [InlineData(PayoffForm.PerAgent, WindowMode.Carry)]
    [InlineData(PayoffForm.Anonymous, WindowMode.Reference)]
    [InlineData(PayoffForm.Joint, WindowMode.Reference)]
    [InlineData(PayoffForm.PerAgent, WindowMode.Reference, true)]
    public void Fit_OnGroups_IsBitIdentical_OnOneAndTwoThreads(PayoffForm form, WindowMode mode, bool mixed = false)
    {
        var (model, data) = Problem(form, episodes: 30, steps: 20, mixed: mixed);
        var initial = model.Parameters();
        var options = new FitOptions { Epochs = 3, BatchSize = 8, Window = 10, WindowMode = mode, LearningRate = 1e-2, Seed = 5, MinSteps = 0, Lambda = 0.01 };
        var one = new Fitter(model, TestGames.SmallGameLearner(), options with { Threads = 1 }).Fit(data, initial);
        var two = new Fitter(model, TestGames.SmallGameLearner(), options with { Threads = 2 }).Fit(data, initial);
        Assert.True(one.Completed && two.Completed);
        Assert.NotEqual(TestGames.Bits(initial), TestGames.Bits(one.Parameters));
        Assert.Equal(TestGames.Bits(one.Parameters), TestGames.Bits(two.Parameters));
        Assert.Equal(one.Curve.Select(r => r.ValidationNll), two.Curve.Select(r => r.ValidationNll));
        Assert.All(one.Curve, r => Assert.True(double.IsFinite(r.ValidationNll)));
    }

    [Fact]
    public void Fit_OfAJointMechanismOnSeveralGroupSizes_IsALocatedError()
    {
        var (_, data) = Problem(PayoffForm.Anonymous);
        var mechanism = TestGames.Mechanism(PayoffForm.Joint, new GameShape(3, 3));

        var error = Assert.Throws<DataFormatException>(() =>
            new Fitter(mechanism, TestGames.SmallGameLearner(), new FitOptions { Epochs = 1, Threads = 1 }).Fit(data, mechanism.Parameters()));

        Assert.Matches(@"^<data>, column 'group': mechanism \S+ \(joint form\) takes one group size per fit \(the first group, at episode 0, t 0, has \d agents\); " +
            @"expected every group of \d agents \(or a per-agent or anonymous mechanism, which take any size\), found a group of \d agents \(group \d+\) at episode \d+, t \d+\.$", error.Message);
    }

    [Fact]
    public void PlainObjective_RefusesGroupedData()
    {
        var (mechanism, data) = Problem(PayoffForm.Anonymous);
        using var objective = new MinibatchObjective<float>(mechanism, TestGames.SmallGameLearner(), data.Shape, 2, data.Steps, 6, WindowMode.Reference, 0);

        var error = Assert.Throws<ArgumentException>(() => objective.Evaluate(data, [0, 1], 0, mechanism.Parameters(), Span<float>.Empty));
        Assert.Contains("found data with groups or absent agents", error.Message);
    }

    [Fact]
    public void HeldOutNll_OnGroups_ScoresOnlyThePresentAgents()
    {
        var (mechanism, data) = Problem(PayoffForm.Anonymous);
        double nll = LikelihoodEvaluator.PerAgentStepNll(mechanism, mechanism.Parameters(), TestGames.SmallGameLearner(), data, threads: 2);
        // Uniform play over 3 actions scores ln 3 per decision; a learner with payoffs near zero is close to it.
        Assert.InRange(nll, 0.5, 1.5);
        Assert.Equal(nll, LikelihoodEvaluator.PerAgentStepNll(mechanism, mechanism.Parameters(), TestGames.SmallGameLearner(), data, threads: 1));
    }

    [Theory]
    [InlineData(PayoffForm.Joint)]
    [InlineData(PayoffForm.PerAgent)]
    [InlineData(PayoffForm.Anonymous)]
    public void StepScorer_OnGroupsWithAbsences_AgreesWithTheObjective(PayoffForm form)
    {
        // Two independent paths: the step-by-step replay (one scalar kernel per group size) and the fitting objective
        // (deduplicated queries); they agree to float rounding of the summation order.
        var (mechanism, data) = Problem(form);
        var theta = mechanism.Parameters();
        var rule = TestGames.SmallGameLearner();
        double objective = LikelihoodEvaluator.PerAgentStepNll(mechanism, theta, rule, data);
        double stepwise = LikelihoodEvaluator.PerAgentStepNll(() => new LearnerStepScorer(new MechanismPayoffs(mechanism, theta, data.Shape), rule), data, threads: 2);
        Assert.Equal(objective, stepwise, 1e-5 * objective);
        Assert.Equal(stepwise, LikelihoodEvaluator.PerAgentStepNll(() => new LearnerStepScorer(new MechanismPayoffs(mechanism, theta, data.Shape), rule), data, threads: 1));
    }

    [Fact]
    public void StepScorer_CountsOnlyThePresentAgents()
    {
        var (_, data) = Problem(PayoffForm.Anonymous);
        long present = 0;
        for (int e = 0; e < data.Episodes; e++)
            for (int t = 1; t < data.Steps; t++)
                for (int i = 0; i < data.Agents; i++)
                    if (data.IsPresent(e, t, i)) present++;
        Assert.Equal(present, LikelihoodEvaluator.ScoredAgentSteps(data));
        Assert.True(present < (long)data.Episodes * (data.Steps - 1) * data.Agents);
    }

    [Fact]
    public void StepScorer_OfAPayoffTable_RefusesGroupedData_WithALocatedError()
    {
        var (_, data) = Problem(PayoffForm.Anonymous);
        var error = Assert.Throws<DataFormatException>(() =>
            LikelihoodEvaluator.StepNll(() => new LearnerStepScorer(new ZeroPayoffs(data.Shape), TestGames.SmallGameLearner()), data));
        Assert.Contains("the step likelihood of this payoff model does not take data with groups or absent agents", error.Message);
        Assert.Contains("ZeroPayoffs", error.Message);
    }

    /// <summary>A payoff model of one joint action of all agents, not a mechanism.</summary>
    private sealed class ZeroPayoffs(GameShape shape) : IPayoffModel
    {
        public GameShape Shape => shape;
        public void Payoffs(ReadOnlySpan<int> joint, Span<double> payoffs) => payoffs.Clear();
        public double Payoff(ReadOnlySpan<int> joint, int agent) => 0;
    }
}
