using Diml.Data;
using Diml.Evaluation.Baselines;
using Diml.Evaluation.Inspection;
using Diml.Fitting;
using Diml.Learning;
using Diml.Mechanisms;
using Diml.Simulation;

namespace Diml.Evaluation.Tests.Groups;

/// <summary>
/// The recovery metrics, the baselines and inspect on sessions played in groups, checked against the same groups written
/// as plain episodes of their own (fixed groups make the two the same decisions).
/// </summary>
public sealed class GroupedEvaluationTests
{
    private const int Actions = 5, GroupSize = 3, Groups = 2, Steps = 8;
    private static readonly LogitQ Learner = new(0.3f, 4f, 0.05f);

    private static (PublicGoods Truth, PublicGoods Estimate) Mechanisms()
    {
        var truth = PublicGoods.PaperTruth(Actions, new Random(1));
        var estimate = PublicGoods.PaperTruth(Actions, new Random(2));
        return (truth, estimate);
    }

    private static float[] Theta(IMechanism mechanism)
    {
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        return theta;
    }

    /// <summary>Sessions of two fixed groups of three, and the same play as one plain episode per group.</summary>
    private static (Trajectories Grouped, Trajectories Split) Data(IMechanism truth, bool rematch = false)
    {
        var grouped = GroupedSimulator.Simulate(truth, Theta(truth), Learner, Actions, GroupMatching.OfSize(GroupSize * Groups, GroupSize, rematch),
            episodes: 4, Steps, seed: 5);
        Assert.True(grouped.HasGroups);
        var split = new int[grouped.AsSpan().Length];
        int index = 0;
        for (int e = 0; e < grouped.Episodes; e++)
        {
            var groups = grouped.Groups(e, 0);
            for (int g = 0; g < groups.Count; g++)
            {
                var members = groups.Members(g).ToArray();
                for (int t = 0; t < Steps; t++)
                    foreach (int member in members) split[index++] = grouped.Action(e, t, member);
            }
        }
        return (grouped, new Trajectories(new GameShape(GroupSize, Actions), grouped.Episodes * Groups, Steps, split));
    }

    [Fact]
    public void MseOn_OnFixedGroups_IsThatOfTheGroupsAsEpisodes()
    {
        var (truth, estimate) = Mechanisms();
        var (grouped, split) = Data(truth);
        var session = new GameShape(GroupSize * Groups, Actions);
        double onGroups = MseOn.Compute(MechanismPayoffs.AtCurrentParameters(truth, session), MechanismPayoffs.AtCurrentParameters(estimate, session), grouped);
        var group = split.Shape;
        double onEpisodes = MseOn.Compute(MechanismPayoffs.AtCurrentParameters(truth, group), MechanismPayoffs.AtCurrentParameters(estimate, group), split);
        Assert.True(onGroups > 0);
        Assert.Equal(onEpisodes, onGroups, 1e-12 * onEpisodes);
    }

    [Fact]
    public void DiffMse_OnGroups_EstimatesTheExactMeanOverTheGroupsContexts()
    {
        // The exact expectation of the sampled statistic, by enumerating every context (e, t < T − 1, i) of the groups as
        // episodes and every (k1, k2); the sampled value must lie within 5 standard errors of it.
        var (truth, estimate) = Mechanisms();
        var (grouped, split) = Data(truth);
        var group = split.Shape;
        var truthModel = MechanismPayoffs.AtCurrentParameters(truth, group);
        var estimateModel = MechanismPayoffs.AtCurrentParameters(estimate, group);
        double sum = 0, sumSquares = 0;
        long count = 0;
        var joint = new int[GroupSize];
        for (int e = 0; e < split.Episodes; e++)
            for (int t = 0; t + 1 < Steps; t++)
                for (int i = 0; i < GroupSize; i++)
                    for (int k1 = 0; k1 < Actions; k1++)
                        for (int k2 = 0; k2 < Actions; k2++)
                        {
                            split.Step(e, t).CopyTo(joint);
                            joint[i] = k1;
                            double t1 = truthModel.Payoff(joint, i), e1 = estimateModel.Payoff(joint, i);
                            joint[i] = k2;
                            double error = (t1 - truthModel.Payoff(joint, i)) - (e1 - estimateModel.Payoff(joint, i));
                            sum += error * error;
                            sumSquares += error * error * error * error;
                            count++;
                        }
        double mean = sum / count, variance = (sumSquares / count) - (mean * mean);
        const int contexts = 40_000;
        var session = new GameShape(GroupSize * Groups, Actions);
        var sampled = SampledPayoffDifferences.Compute(MechanismPayoffs.AtCurrentParameters(truth, session),
            MechanismPayoffs.AtCurrentParameters(estimate, session), grouped, seed: 3, contexts);
        Assert.InRange(sampled.DiffMse, mean - (5 * Math.Sqrt(variance / contexts)), mean + (5 * Math.Sqrt(variance / contexts)));

        var self = SampledPayoffDifferences.Compute(MechanismPayoffs.AtCurrentParameters(truth, session),
            MechanismPayoffs.AtCurrentParameters(truth, session), grouped, seed: 3, contexts: 500);
        Assert.Equal(0, self.DiffMse);
        Assert.Equal(1, self.DiffCorr, 12);
    }

    [Fact]
    public void BaselinesAndStepLikelihood_OnFixedGroups_AreThoseOfTheGroupsAsEpisodes()
    {
        var (truth, _) = Mechanisms();
        var (grouped, split) = Data(truth);
        var onGroups = BehaviouralBaselines.Compare(grouped, grouped, modelNll: 1);
        var onEpisodes = BehaviouralBaselines.Compare(split, split, modelNll: 1);
        for (int b = 0; b < onGroups.Count; b++) Assert.Equal(onEpisodes[b].BaselineNll, onGroups[b].BaselineNll, 1e-9);

        var session = new GameShape(GroupSize * Groups, Actions);
        double model = LikelihoodEvaluator.PerAgentStepNll(() => new LearnerStepScorer(MechanismPayoffs.AtCurrentParameters(truth, session), Learner), grouped);
        double asEpisodes = LikelihoodEvaluator.PerAgentStepNll(() => new LearnerStepScorer(MechanismPayoffs.AtCurrentParameters(truth, split.Shape), Learner), split);
        Assert.Equal(asEpisodes, model, 1e-9);
    }

    [Fact]
    public void Inspect_OnFixedGroups_ListsTheGroupsContexts_WithTheVisitsOfTheGroupsAsEpisodes()
    {
        var (truth, _) = Mechanisms();
        var (grouped, split) = Data(truth);
        var session = new GameShape(GroupSize * Groups, Actions);
        var onGroups = PayoffDifferences.Compute(MechanismPayoffs.AtCurrentParameters(truth, session), truth.Form, grouped);
        var onEpisodes = PayoffDifferences.Compute(MechanismPayoffs.AtCurrentParameters(truth, split.Shape), truth.Form, split);

        Assert.True(onGroups.Grouped);
        Assert.False(onEpisodes.Grouped);
        Assert.Equal(onEpisodes.PossibleContexts, onGroups.PossibleContexts);
        Assert.Equal(onEpisodes.Contexts.Count, onGroups.Contexts.Count);
        for (int c = 0; c < onGroups.Contexts.Count; c++)
        {
            var g = onGroups.Contexts[c];
            var p = onEpisodes.Contexts[c];
            Assert.Equal(GroupSize, g.GroupSize);
            Assert.Equal(p.Agent, g.Agent);
            Assert.Equal(p.Actions, g.Actions);
            Assert.Equal(p.Visits, g.Visits);
            Assert.Equal(p.Differences, g.Differences);
        }
        var csv = new StringWriter();
        onGroups.WriteCsv(csv);
        Assert.StartsWith("group_size,position,a_0,a_1,a_2,visits,visited,own_action,difference_vs_action_0", csv.ToString());
    }

    [Fact]
    public void Inspect_OfAnAnonymousModelOnRematchedGroups_CountsEachGroupsMates()
    {
        var truth = new AnonymousCount(Actions, hidden: 8);
        truth.InitializeParameters(new Random(4));
        var (grouped, _) = Data(truth, rematch: true);
        var table = PayoffDifferences.Compute(MechanismPayoffs.AtCurrentParameters(truth, grouped.Shape), PayoffForm.Anonymous, grouped);

        // Group-mates' counts of groups of 3: C(2 + 4, 4) = 15 contexts, each of 2 mates; every acting agent-step at t < T − 1 visits one.
        Assert.Equal(15, table.Contexts.Count);
        Assert.All(table.Contexts, c => Assert.Equal(GroupSize - 1, c.Actions.Sum()));
        Assert.Equal((long)grouped.Episodes * (Steps - 1) * grouped.Agents, table.Contexts.Sum(c => c.Visits));
    }

    [Fact]
    public void MseOff_OnGroups_IsThatOfTheGroupsGame()
    {
        var (truth, estimate) = Mechanisms();
        var (grouped, split) = Data(truth);
        var session = new GameShape(GroupSize * Groups, Actions);
        double onGroups = MseOff.ComputeOnGroups(MechanismPayoffs.AtCurrentParameters(truth, session), MechanismPayoffs.AtCurrentParameters(estimate, session), grouped, seed: 4);
        double ofGroupGame = MseOff.Compute(MechanismPayoffs.AtCurrentParameters(truth, split.Shape), MechanismPayoffs.AtCurrentParameters(estimate, split.Shape), seed: 4);
        Assert.True(ofGroupGame > 0);
        Assert.Equal(ofGroupGame, onGroups, 1e-12 * ofGroupGame);
    }

    [Fact]
    public void CfklParams_OnTheDesign_IsZeroForTheTruth_PositiveForAnotherMechanism_AndIndependentOfThreads()
    {
        var (truth, estimate) = Mechanisms();
        var (grouped, _) = Data(truth, rematch: true);
        var shifted = new LogitQ(0.18f, 5.6f, 0.075f);
        Assert.Equal(0, CfklParams.ComputeOnDesign(truth, truth, shifted, grouped, seed: 2, episodes: 20));
        double other = CfklParams.ComputeOnDesign(truth, estimate, shifted, grouped, seed: 2, episodes: 20, threads: 1);
        Assert.True(other > 0.01, $"KL {other}");
        Assert.Equal(other, CfklParams.ComputeOnDesign(truth, estimate, shifted, grouped, seed: 2, episodes: 20, threads: 2));

        // The floor on the design: the truth against itself on independent streams, also from the one-pass form.
        double floor = CfklFloor.ComputeOnDesign(truth, shifted, grouped, seed: 2, episodes: 20);
        Assert.True(floor > 0);
        Assert.Equal((other, floor), CfklParams.ComputeOnDesignWithFloor(truth, estimate, shifted, grouped, seed: 2, episodes: 20, threads: 2));
        Assert.NotEqual(other, CfklParams.ComputeOnDesign(truth, estimate, shifted, grouped, seed: 2, episodes: 20, streams: SimulationStreams.Independent));
    }
}
