using Diml.Data;
using Diml.Mechanisms;
using Diml.Evaluation;

namespace Diml.Evaluation.Tests.Metrics;

/// <summary>The metrics' payoff adapter over every payoff form.</summary>
public sealed class MechanismPayoffsFormTests
{
    private static float[] Parameters(IMechanism mechanism, int seed)
    {
        mechanism.InitializeParameters(new Random(seed));
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        return theta;
    }

    [Fact]
    public void JointForm_AgreesWithTheKernel()
    {
        var shape = new GameShape(3, 4);
        var mechanism = new NeuralJoint(3, 4, hidden: 8);
        var theta = Parameters(mechanism, 1);
        var model = new MechanismPayoffs(mechanism, theta, shape);
        int[] joint = [3, 0, 2];
        var expected = new float[3];
        mechanism.Payoffs(theta, joint, expected);
        var all = new double[3];
        model.Payoffs(joint, all);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i], model.Payoff(joint, i));
            Assert.Equal(expected[i], all[i]);
        }
    }

    /// <summary>
    /// A joint mechanism in a small game keeps each profile's payoffs; asked again and again (as a simulation asks), its
    /// counterfactual payoffs are the kernel's own values bit for bit — the first time, later, and in a game too large
    /// for the memo.
    /// </summary>
    [Theory]
    [InlineData(3, 4)]
    [InlineData(8, 4)]
    public void JointForm_CounterfactualPayoffs_AreTheKernelsEveryTime(int agents, int actions)
    {
        var shape = new GameShape(agents, actions);
        var mechanism = new NeuralJoint(agents, actions, hidden: 8);
        var theta = Parameters(mechanism, 4);
        var model = new MechanismPayoffs(mechanism, theta, shape);
        var random = new Random(5);
        var joint = new int[agents];
        var profile = new int[agents];
        var expected = new float[agents];
        var counterfactual = new double[agents * actions];
        for (int step = 0; step < 40; step++)
        {
            // Few distinct profiles, so that most calls find them already computed.
            for (int i = 0; i < agents; i++) joint[i] = random.Next(2);
            model.CounterfactualPayoffs(joint, counterfactual);
            for (int i = 0; i < agents; i++)
            {
                for (int k = 0; k < actions; k++)
                {
                    joint.CopyTo(profile, 0);
                    profile[i] = k;
                    mechanism.Payoffs(theta, profile, expected);
                    Assert.Equal(expected[i], counterfactual[(i * actions) + k]);
                    Assert.Equal(expected[i], model.Payoff(profile, i));
                }
            }
        }
    }

    [Fact]
    public void PerAgentForm_AgreesWithTheKernel()
    {
        var shape = new GameShape(4, 5);
        var mechanism = Congestion.RandomTruth(5, new Random(2));
        var model = MechanismPayoffs.AtCurrentParameters(mechanism, shape);
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        int[] joint = [1, 1, 4, 1];
        var all = new double[4];
        model.Payoffs(joint, all);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(mechanism.Payoff(theta, joint, i), model.Payoff(joint, i));
            Assert.Equal(model.Payoff(joint, i), all[i]);
        }
    }

    [Fact]
    public void AnonymousForm_CountsTheOtherAgents()
    {
        var shape = new GameShape(5, 3);
        var mechanism = new AnonymousCount(3, hidden: 8);
        var theta = Parameters(mechanism, 3);
        var model = new MechanismPayoffs(mechanism, theta, shape);
        int[] joint = [2, 0, 2, 1, 2];
        var all = new double[5];
        model.Payoffs(joint, all);
        // Agent 2 plays 2; the others play 2, 0, 1, 2 → counts (1, 1, 2).
        Assert.Equal(mechanism.Payoff(theta, 2, [1, 1, 2]), model.Payoff(joint, 2));
        Assert.Equal(mechanism.Payoff(theta, 0, [0, 1, 3]), model.Payoff(joint, 1));
        for (int i = 0; i < 5; i++) Assert.Equal(model.Payoff(joint, i), all[i]);
    }

    [Fact]
    public void RejectsParametersOfTheWrongLength_AndActionsOutOfRange()
    {
        var mechanism = new Congestion(3);
        Assert.Throws<ArgumentException>(() => new MechanismPayoffs(mechanism, new float[8], new GameShape(2, 3)));
        var model = new MechanismPayoffs(mechanism, new float[9], new GameShape(2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Payoff([0, 3], 0));
        Assert.Throws<ArgumentException>(() => model.Payoff([0, 1, 2], 0));
    }
}

public sealed class PayoffModelMetricTests
{
    [Fact]
    public void RecoveryMetrics_TakeAnyPayoffModel_IncludingEoi()
    {
        var shape = new Diml.Data.GameShape(3, 4);
        var truth = Congestion.RandomTruth(4, new Random(1));
        var theta = new float[truth.Layout.TotalLength];
        truth.ReadParameters(theta);
        var rule = new Diml.Learning.LogitQ(0.25f, 3f, 0.06f);
        var data = Diml.Simulation.Simulator.Simulate(truth, theta, rule, shape, episodes: 20, steps: 30, seed: 3);
        var truthModel = new MechanismPayoffs(truth, theta, shape);
        Assert.Equal(0, Diml.Evaluation.DiffMse.Compute(truthModel, truthModel, data, contexts: 500));
        var eoi = Diml.Evaluation.Baselines.Eoi.Fit(data, rule.Beta);
        double eoiError = Diml.Evaluation.DiffMse.Compute(truthModel, eoi, data, contexts: 500);
        // Recovery, not just a number: EOI must beat the zero predictor on the same contexts (its diff_mse is the mean
        // squared true payoff difference), and cannot be exact (it sees only the opponents' modal action).
        double zeroError = Diml.Evaluation.DiffMse.Compute(truthModel, new ZeroPayoffs(shape), data, contexts: 500);
        Assert.True(eoiError < zeroError, $"EOI diff_mse {eoiError:G4}, zero predictor {zeroError:G4}");
        Assert.True(eoiError > 0, $"EOI diff_mse {eoiError:G4}");
    }

    private sealed class ZeroPayoffs(Diml.Data.GameShape shape) : IPayoffModel
    {
        public Diml.Data.GameShape Shape => shape;
        public void Payoffs(ReadOnlySpan<int> joint, Span<double> payoffs) => payoffs[..shape.Agents].Clear();
        public double Payoff(ReadOnlySpan<int> joint, int agent) => 0;
    }
}
