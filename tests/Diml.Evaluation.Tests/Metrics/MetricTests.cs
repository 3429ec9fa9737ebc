using Diml.Data;
using Diml.Evaluation;
using Diml.Mechanisms;
using Diml.Learning;

namespace Diml.Evaluation.Tests.Metrics;

public sealed class MetricTests
{
    /// <summary>Payoffs given by a function, for hand-computable cases.</summary>
    private sealed class FunctionPayoffs(GameShape shape, Func<int[], int, double> payoff) : IPayoffModel
    {
        public GameShape Shape => shape;

        public void Payoffs(ReadOnlySpan<int> joint, Span<double> payoffs)
        {
            for (int i = 0; i < shape.Agents; i++) payoffs[i] = Payoff(joint, i);
        }

        public double Payoff(ReadOnlySpan<int> joint, int agent) => payoff(joint.ToArray(), agent);
    }

    private static readonly GameShape Small = new(3, 4);

    private static Trajectories RandomData(GameShape shape, int episodes, int steps, int seed)
    {
        var random = new Random(seed);
        var actions = new int[episodes * steps * shape.Agents];
        for (int j = 0; j < actions.Length; j++) actions[j] = random.Next(shape.Actions);
        return new Trajectories(shape, episodes, steps, actions);
    }

    private static NeuralJoint Network(int seed)
    {
        var network = new NeuralJoint(Small.Agents, Small.Actions, hidden: 8);
        network.InitializeParameters(new Random(seed));
        return network;
    }

    [Fact]
    public void EveryMetric_IsZero_ForAMechanismComparedWithItself()
    {
        var data = RandomData(Small, 5, 10, 1);
        var network = Network(2);
        var truth = MechanismPayoffs.AtCurrentParameters(network, Small);
        var estimate = MechanismPayoffs.AtCurrentParameters(network, Small);
        Assert.Equal(0.0, MseOn.Compute(truth, estimate, data));
        Assert.Equal(0.0, MseOff.Compute(truth, estimate));
        Assert.Equal(0.0, DiffMse.Compute(truth, estimate, data, contexts: 1000));
        Assert.Equal(0.0, CfklParams.Compute(network, network, new LogitQ(0.15f, 4.2f, 0.09f), Small, steps: 10, seed: 5, episodes: 20));
    }

    [Fact]
    public void ConstantShiftPerAgentAndOpponentProfile_LeavesDiffMseAtZero_ButNotMseOn()
    {
        var data = RandomData(Small, 4, 10, 3);
        var network = Network(4);
        var truth = MechanismPayoffs.AtCurrentParameters(network, Small);
        var inner = MechanismPayoffs.AtCurrentParameters(network, Small);
        // c_i(a_{-i}): depends on the agent and the others' actions only, never on the agent's own action.
        double Shift(int[] joint, int agent)
        {
            double c = agent + 1;
            for (int j = 0; j < joint.Length; j++)
                if (j != agent) c += 0.5 * (j + 1) * joint[j];
            return c;
        }
        var shifted = new FunctionPayoffs(Small, (joint, agent) => inner.Payoff(joint, agent) + Shift(joint, agent));

        Assert.Equal(0.0, DiffMse.Compute(truth, shifted, data, contexts: 2000), 9);
        Assert.True(MseOn.Compute(truth, shifted, data) > 1);
        Assert.True(MseOff.Compute(truth, shifted) > 1);
    }

    [Fact]
    public void MseOff_AveragesOverEveryJointActionAndAgent()
    {
        var shape = new GameShape(2, 2);
        var zero = new FunctionPayoffs(shape, (_, _) => 0);
        // Agent 0's error is its own action (0 or 1), agent 1's is 0: squared errors 0,0,1,1 for agent 0 over 4 joints.
        var estimate = new FunctionPayoffs(shape, (joint, agent) => agent == 0 ? joint[0] : 0);
        Assert.Equal(2.0 / 8.0, MseOff.Compute(zero, estimate));
    }

    [Fact]
    public void MseOn_CountsVisitsWithMultiplicity()
    {
        var shape = new GameShape(2, 2);
        // Three visits of (1,0) and one of (0,0); error 2 for every agent at (1,0), 0 at (0,0).
        var data = new Trajectories(shape, 1, 4, [1, 0, 1, 0, 1, 0, 0, 0]);
        var zero = new FunctionPayoffs(shape, (_, _) => 0);
        var estimate = new FunctionPayoffs(shape, (joint, _) => 2 * joint[0]);
        Assert.Equal(3 * 4.0 / 4, MseOn.Compute(zero, estimate, data));
    }

    [Fact]
    public void MseOff_ProbesRandomJointActions_InLargeGames()
    {
        var shape = new GameShape(20, 3);
        var zero = new FunctionPayoffs(shape, (_, _) => 0);
        var one = new FunctionPayoffs(shape, (_, _) => 1);
        Assert.Equal(1.0, MseOff.Compute(zero, one, seed: 1, probes: 50));
    }

    [Fact]
    public void KlDivergence_MatchesHandComputedValue_WithFloorInsideLogs()
    {
        var shape = new GameShape(1, 2);
        var p = JointActionHistogram.OfJointActions(new Trajectories(shape, 1, 4, [0, 0, 1, 1]));
        var q = JointActionHistogram.OfJointActions(new Trajectories(shape, 1, 4, [0, 0, 0, 1]));
        double expected = 0.5 * Math.Log((0.5 + 1e-12) / (0.75 + 1e-12)) + 0.5 * Math.Log((0.5 + 1e-12) / (0.25 + 1e-12));
        Assert.Equal(expected, KlDivergence.Between(p, q), 12);
        Assert.Equal(0.0, KlDivergence.Between(p, p));

        var never = JointActionHistogram.OfJointActions(new Trajectories(shape, 1, 2, [0, 0]));
        Assert.Equal(0.5 * Math.Log((0.5 + 1e-12) / (1 + 1e-12)) + 0.5 * Math.Log((0.5 + 1e-12) / 1e-12), KlDivergence.Between(p, never), 9);
    }

    [Fact]
    public void Histogram_ComparesActionTotals_InLargeGames_AndKeepsCountVectorsApart()
    {
        var large = new GameShape(11, 3);
        Assert.False(JointActionHistogram.UsesExactJointActions(large));
        Assert.True(JointActionHistogram.UsesExactJointActions(new GameShape(3, 6)));
        // Three steps chosen so that the totals and the sorted count vectors group them differently.
        int[] s0 = [0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0];    // counts 9,2,0 -> sorted 9-2-0; total 2
        int[] s1 = [2, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0];    // counts 9,0,2 -> sorted 9-2-0; total 4
        int[] s2 = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];    // counts 7,4,0 -> sorted 7-4-0; total 4
        var data = new Trajectories(large, 1, 3, [.. s0, .. s1, .. s2]);
        var histogram = JointActionHistogram.ForComparison(data);
        Assert.Equal(HistogramKeying.ActionTotals, histogram.Keying);
        Assert.Equal(1.0 / 3, histogram.Probability("total:2"), 15);
        Assert.Equal(2.0 / 3, histogram.Probability("total:4"), 15);
        var counts = JointActionHistogram.OfCountVectors(data);
        Assert.True(counts.ByCounts);
        Assert.Equal(2.0 / 3, counts.Probability("counts:9-2-0"), 15);
        Assert.Equal(1.0 / 3, counts.Probability("counts:7-4-0"), 15);
        Assert.Throws<ArgumentException>(() => KlDivergence.Between(histogram, counts));
        // Small games keep exact joint actions.
        Assert.Equal(HistogramKeying.JointActions, JointActionHistogram.ForComparison(new Trajectories(new GameShape(2, 2), 1, 1, [0, 1])).Keying);
    }

    [Fact]
    public void MechanismPayoffs_AnonymousForm_MatchesDirectEvaluation()
    {
        var shape = new GameShape(4, 3);
        var mechanism = new AnonymousCount(shape.Actions, hidden: 6);
        mechanism.InitializeParameters(new Random(7));
        var payoffs = MechanismPayoffs.AtCurrentParameters(mechanism, shape);
        int[] joint = [2, 0, 2, 1];
        var all = new double[4];
        payoffs.Payoffs(joint, all);
        // Agent 1 plays 0 against counts (0 zeros, 1 one, 2 twos).
        Assert.Equal((double)mechanism.Payoff(0, [0, 1, 2]), all[1], 6);
        Assert.Equal(all[0], all[2]);
        Assert.Equal(all[3], payoffs.Payoff(joint, 3));
    }
}
