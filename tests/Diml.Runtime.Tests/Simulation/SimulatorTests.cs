using Diml.Data;
using Diml.Simulation;
using Diml.Tests.Fitting;
using Diml.Tests.Fitting.Models;

namespace Diml.Tests.Simulation;

public sealed class SimulatorTests
{
    [Theory]
    [InlineData(PayoffForm.Joint)]
    [InlineData(PayoffForm.PerAgent)]
    [InlineData(PayoffForm.Anonymous)]
    public void Simulation_IsReproducible_AndThreadCountIndependent(PayoffForm form)
    {
        var shape = new GameShape(5, 3);
        var mechanism = TestGames.Mechanism(form, shape);
        var theta = mechanism.Parameters();
        var rule = TestGames.SmallGameLearner();
        var one = Simulator.Simulate(mechanism, theta, rule, shape, 12, 20, seed: 42, threads: 1);
        var again = Simulator.Simulate(mechanism, theta, rule, shape, 12, 20, seed: 42, threads: 1);
        var two = Simulator.Simulate(mechanism, theta, rule, shape, 12, 20, seed: 42, threads: 2);
        Assert.Equal(Actions(one), Actions(again));
        Assert.Equal(Actions(one), Actions(two));
        var other = Simulator.Simulate(mechanism, theta, rule, shape, 12, 20, seed: 43, threads: 2);
        Assert.NotEqual(Actions(one), Actions(other));
    }

    [Theory]
    [InlineData(PayoffForm.Joint)]
    [InlineData(PayoffForm.Anonymous)]
    public void AgentRules_OfOneRule_GiveTheSameTrajectories_AndOtherTypesOthers(PayoffForm form)
    {
        var shape = new GameShape(4, 3);
        var mechanism = TestGames.Mechanism(form, shape);
        var theta = mechanism.Parameters();
        var rule = TestGames.SmallGameLearner();
        var same = Simulator.Simulate(mechanism, theta, Enumerable.Repeat<ILearningRule>(rule, 4).ToArray(), shape, 6, 15, seed: 5, threads: 2);
        Assert.Equal(Actions(Simulator.Simulate(mechanism, theta, rule, shape, 6, 15, seed: 5)), Actions(same));
        // Agent 3 of another type: its actions change; the others' change only through it (same streams, other payoffs).
        ILearningRule[] mixed = [rule, rule, rule, new Diml.Learning.LogitQ(0.9f, 3f, 0.5f)];
        Assert.NotEqual(Actions(same), Actions(Simulator.Simulate(mechanism, theta, mixed, shape, 6, 15, seed: 5)));
        var error = Assert.Throws<ArgumentException>(() => Simulator.Simulate(mechanism, theta, [rule, rule], shape, 6, 15, seed: 5));
        Assert.Contains("expected one rule per agent (4), found 2", error.Message);
    }

    [Fact]
    public void Simulation_EpisodeDependsOnlyOnSeedAndEpisodeIndex()
    {
        var shape = new GameShape(3, 4);
        var mechanism = TestGames.Mechanism(PayoffForm.PerAgent, shape);
        var rule = TestGames.SmallGameLearner();
        var few = Simulator.Simulate(mechanism, mechanism.Parameters(), rule, shape, 3, 10, seed: 9);
        var many = Simulator.Simulate(mechanism, mechanism.Parameters(), rule, shape, 8, 10, seed: 9, threads: 2);
        for (int t = 0; t < 10; t++)
            Assert.Equal(few.Step(2, t).ToArray(), many.Step(2, t).ToArray());
    }

    [Fact]
    public void Simulation_FirstActionsFollowTheInitialPolicy()
    {
        // Q0 = 0 makes π uniform: with 4 actions and 4000 draws each frequency is 0.25 ± 0.03 (> 4 s.d.).
        var shape = new GameShape(2, 4);
        var mechanism = TestGames.Mechanism(PayoffForm.Joint, shape);
        var data = Simulator.Simulate(mechanism, mechanism.Parameters(), TestGames.SmallGameLearner(), shape, 2000, 1, seed: 1, threads: 2);
        var counts = new int[4];
        for (int e = 0; e < data.Episodes; e++) foreach (int a in data.Step(e, 0)) counts[a]++;
        Assert.All(counts, c => Assert.InRange(c / 4000.0, 0.22, 0.28));
    }

    [Fact]
    public void Simulation_AgentsLearnToAvoidAStronglyDominatedAction()
    {
        // Tabular payoffs: action 0 pays −5 to whoever plays it, others 0. By the end nearly nobody plays it.
        var shape = new GameShape(3, 3);
        var mechanism = new TabularJointMechanism(3, 3);
        var theta = new float[mechanism.Layout.TotalLength];
        var joint = new int[3];
        for (int index = 0; index < 27; index++)
        {
            for (int i = 0, r = index; i < 3; i++, r /= 3) joint[i] = r % 3;
            for (int i = 0; i < 3; i++) theta[(mechanism.Index(joint) * 3) + i] = joint[i] == 0 ? -5f : 0f;
        }
        var data = Simulator.Simulate(mechanism, theta, TestGames.SmallGameLearner(), shape, 200, 30, seed: 3, threads: 2);
        int late = 0;
        for (int e = 0; e < data.Episodes; e++) foreach (int a in data.Step(e, 29)) if (a == 0) late++;
        // π(0) → ε/A = 0.02 once Q has converged.
        Assert.InRange(late / 600.0, 0.0, 0.05);
    }

    private static int[] Actions(Trajectories data)
    {
        var all = new List<int>();
        for (int e = 0; e < data.Episodes; e++)
            for (int t = 0; t < data.Steps; t++)
                all.AddRange(data.Step(e, t).ToArray());
        return [.. all];
    }
}
