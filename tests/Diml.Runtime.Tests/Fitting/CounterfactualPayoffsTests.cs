using Diml.Data;
using Diml.Fitting;

namespace Diml.Tests.Fitting;

public sealed class CounterfactualPayoffsTests
{
    [Theory]
    [InlineData(PayoffForm.Joint)]
    [InlineData(PayoffForm.PerAgent)]
    [InlineData(PayoffForm.Anonymous)]
    public void Payoffs_EqualDirectEvaluationOfEachCounterfactualQuery(PayoffForm form)
    {
        var shape = new GameShape(4, 3);
        var mechanism = TestGames.Mechanism(form, shape);
        var data = TestGames.Simulate(mechanism, shape, 3, 9);
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        using var pool = new WorkerPool(2);
        var payoffs = new CounterfactualPayoffs<float>(mechanism, shape, 3, 8, 8, pool);
        int[] episodes = [2, 0];
        payoffs.Plan(data, episodes, 1, 8, 1, 8);
        payoffs.Evaluate(theta);
        var profile = new int[shape.Agents];
        var all = new float[shape.Agents];
        for (int b = 0; b < episodes.Length; b++)
            for (int s = 0; s < 8; s++)
                for (int i = 0; i < shape.Agents; i++)
                    for (int k = 0; k < shape.Actions; k++)
                    {
                        data.Step(episodes[b], 1 + s).CopyTo(profile);
                        profile[i] = k;
                        float expected = Direct(mechanism, theta, profile, i, all, shape.Actions);
                        Assert.Equal(expected, payoffs.Payoff(b, s, i, k));
                        if (k == data.Action(episodes[b], 1 + s, i)) Assert.Equal(expected, payoffs.PlayedPayoff(b, s, i));
                    }
    }

    private static float Direct(IMechanism mechanism, float[] theta, int[] profile, int agent, float[] all, int actions)
    {
        switch (mechanism)
        {
            case IJointMechanism joint:
                joint.Payoffs(theta, profile, all);
                return all[agent];
            case IPerAgentMechanism perAgent:
                return perAgent.Payoff(theta, profile, agent);
            default:
                var counts = new int[actions];
                for (int j = 0; j < profile.Length; j++) if (j != agent) counts[profile[j]]++;
                return ((IAnonymousMechanism)mechanism).Payoff(theta, profile[agent], counts);
        }
    }

    [Theory]
    [InlineData(PayoffForm.Joint, WindowMode.Reference)]
    [InlineData(PayoffForm.PerAgent, WindowMode.Reference)]
    [InlineData(PayoffForm.Anonymous, WindowMode.Reference)]
    [InlineData(PayoffForm.Joint, WindowMode.Carry)]
    [InlineData(PayoffForm.Anonymous, WindowMode.Carry)]
    public void DedupGradient_EqualsNaivePerQueryGradient(PayoffForm form, WindowMode mode)
    {
        var shape = new GameShape(5, 3);
        var mechanism = TestGames.Mechanism(form, shape);
        var data = TestGames.Simulate(mechanism, shape, 6, 30);
        var rule = TestGames.SmallGameLearner();
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        using var pool = new WorkerPool(2);
        using var deduplicated = new MinibatchObjective<float>(mechanism, rule, shape, 6, 30, 12, mode, 1e-2, 0, pool, ownsPool: false);
        using var naive = new MinibatchObjective<float>(mechanism, rule, shape, 6, 30, 12, mode, 1e-2, 0, pool, ownsPool: false, deduplicate: false);
        int[] episodes = [5, 3, 0, 1, 4, 2];
        var g1 = new float[theta.Length];
        var g2 = new float[theta.Length];
        var l1 = deduplicated.Evaluate(data, episodes, 9, theta, g1);
        var l2 = naive.Evaluate(data, episodes, 9, theta, g2);

        // Deduplication saved work, and changed nothing beyond float summation order.
        Assert.True(deduplicated.Payoffs.Evaluations < naive.Payoffs.Evaluations,
            $"{deduplicated.Payoffs.Evaluations} deduplicated vs {naive.Payoffs.Evaluations} naive evaluations");
        Assert.Equal(l2.Loss, l1.Loss, 5);
        double scale = g2.Max(Math.Abs);
        for (int j = 0; j < g1.Length; j++)
            Assert.True(Math.Abs(g1[j] - g2[j]) <= 1e-5 * Math.Max(1, scale), $"θ[{j}]: {g1[j]} deduplicated vs {g2[j]} naive");
    }

    [Fact]
    public void JointDeduplication_OfE1ShapedMinibatch_HasAtMostOneQueryPerJointAction()
    {
        var shape = new GameShape(3, 6);
        var mechanism = TestGames.Neural(shape, hidden: 4);
        var data = TestGames.Simulate(mechanism, shape, 32, 60);
        using var objective = new MinibatchObjective<float>(mechanism, TestGames.SmallGameLearner(), shape, 32, 60, 50, WindowMode.Reference, 1e-4);
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        objective.Evaluate(data, Enumerable.Range(0, 32).ToArray(), 5, theta, new float[theta.Length]);
        Assert.InRange(objective.Payoffs.DistinctQueries, 1, 216); // naive: 32·49·3·6 = 28,224
    }

    [Fact]
    public void AnonymousDeduplication_HasAtMostMinNAQueriesPerStep()
    {
        var shape = new GameShape(30, 4);
        var mechanism = TestGames.Mechanism(PayoffForm.Anonymous, shape);
        var data = TestGames.Simulate(mechanism, shape, 2, 10);
        using var pool = new WorkerPool(1);
        var payoffs = new CounterfactualPayoffs<float>(mechanism, shape, 1, 9, 0, pool);
        for (int t = 0; t < 9; t++)
        {
            payoffs.Plan(data, [1], t, 1, 0, 0);
            var distinctActions = data.Step(1, t).ToArray().Distinct().Count();
            Assert.Equal(distinctActions, payoffs.DistinctQueries);
            Assert.True(payoffs.DistinctQueries <= Math.Min(shape.Agents, shape.Actions));
        }
    }
}
