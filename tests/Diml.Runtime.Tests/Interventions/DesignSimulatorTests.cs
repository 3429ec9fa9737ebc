using Diml.Data;
using Diml.Interventions;
using Diml.Simulation;
using Diml.Tests.Fitting;

namespace Diml.Tests.Interventions;

public sealed class DesignSimulatorTests
{
    private static Trajectories GroupedDesign()
    {
        var mechanism = TestGames.Mechanism(PayoffForm.Anonymous, new GameShape(9, 3));
        var plain = TestGames.Simulate(mechanism, new GameShape(9, 3), episodes: 3, steps: 10, seed: 4);
        return GroupedData.Rematch(plain, [2, 3, 4], absentRate: 0.2, seed: 6);
    }

    private static (int[] Played, float[] Received) Run(IMechanism mechanism, float[] theta, SimulationDesign design, int session, ulong stream)
    {
        var played = new int[design.Steps * design.Shape.Agents];
        var received = new float[played.Length];
        new DesignSimulator(mechanism, design).Run(theta, TestGames.SmallGameLearner(), session, seed: 5, stream, played, received);
        return (played, received);
    }

    [Fact]
    public void Simulation_KeepsTheDataDesign_PresencesGroupsAndFirstActions()
    {
        var data = GroupedDesign();
        var design = SimulationDesign.FromData(data, firstActionsFromData: true);
        var mechanism = TestGames.Mechanism(PayoffForm.Anonymous, new GameShape(4, 3));

        for (int e = 0; e < data.Episodes; e++)
        {
            var (played, received) = Run(mechanism, mechanism.Parameters(), design, e, (ulong)e);
            for (int t = 0; t < data.Steps; t++)
                for (int i = 0; i < data.Agents; i++)
                {
                    int k = t * data.Agents + i;
                    Assert.Equal(data.IsPresent(e, t, i), played[k] != Trajectories.Absent);
                    Assert.Equal(data.IsPresent(e, t, i), !float.IsNaN(received[k]));
                    if (t == 0) Assert.Equal(data.Action(e, 0, i), played[k]);
                }
        }
    }

    [Fact]
    public void SimulateSessions_ReplaysTheDesignCyclically_WithItsGroupsAndAbsences_OnAnyThreads()
    {
        var data = GroupedDesign();
        var design = SimulationDesign.FromData(data);
        var mechanism = TestGames.Mechanism(PayoffForm.Anonymous, new GameShape(4, 3));
        var theta = mechanism.Parameters();
        var one = DesignSimulator.Simulate(mechanism, theta, TestGames.SmallGameLearner(), design, sessions: 7, seed: 5, threads: 1);
        var two = DesignSimulator.Simulate(mechanism, theta, TestGames.SmallGameLearner(), design, sessions: 7, seed: 5, threads: 2);
        Assert.Equal(one.AsSpan().ToArray(), two.AsSpan().ToArray());
        Assert.Equal(one.GroupLabels.ToArray(), two.GroupLabels.ToArray());
        Assert.Equal(7, one.Episodes);
        Assert.Equal(data.GroupSizes, one.GroupSizes);

        int n = data.Agents, steps = data.Steps;
        for (int r = 0; r < one.Episodes; r++)
        {
            int session = r % data.Episodes;
            // Run r is the design's session r mod S on stream r, as one session run by the instance.
            var (played, _) = Run(mechanism, theta, design, session, (ulong)r);
            Assert.Equal(played, one.Episode(r).ToArray());
            for (int t = 0; t < steps; t++)
            {
                var expected = data.Groups(session, t);
                var simulated = one.Groups(r, t);
                Assert.Equal(expected.Count, simulated.Count);
                for (int g = 0; g < expected.Count; g++) Assert.Equal(expected.Members(g).ToArray(), simulated.Members(g).ToArray());
                for (int i = 0; i < n; i++) Assert.Equal(data.IsPresent(session, t, i), one.IsPresent(r, t, i));
            }
        }
    }

    [Fact]
    public void SimulateSessions_OfFullPlay_HasNoGroups()
    {
        var shape = new GameShape(3, 3);
        var mechanism = TestGames.Mechanism(PayoffForm.Joint, shape);
        var result = DesignSimulator.Simulate(mechanism, mechanism.Parameters(), TestGames.SmallGameLearner(), SimulationDesign.FullPlay(shape, 4, 6), sessions: 4, seed: 1);
        Assert.True(result.IsFullPlay);
        Assert.False(result.HasGroups);
    }

    [Fact]
    public void ReceivedPayoffs_AreEachAgentsPayoffInItsOwnGroup()
    {
        var data = GroupedDesign();
        var design = SimulationDesign.FromData(data);
        var mechanism = TestGames.Mechanism(PayoffForm.Anonymous, new GameShape(4, 3));
        var theta = mechanism.Parameters();
        var (played, received) = Run(mechanism, theta, design, 1, 1);

        for (int t = 0; t < data.Steps; t++)
        {
            var groups = data.Groups(1, t);
            for (int g = 0; g < groups.Count; g++)
            {
                var members = groups.Members(g).ToArray();
                var joint = members.Select(m => played[t * data.Agents + m]).ToArray();
                var payoffs = new MechanismPayoffs(mechanism, theta, new GameShape(members.Length, 3));
                for (int p = 0; p < members.Length; p++)
                    Assert.Equal((float)payoffs.Payoff(joint, p), received[t * data.Agents + members[p]]);
            }
        }
    }

    [Fact]
    public void ZeroShift_OnGroupedData_ReproducesThePlainSimulation_BitForBit()
    {
        var design = SimulationDesign.FromData(GroupedDesign());
        var fitted = TestGames.Mechanism(PayoffForm.PerAgent, new GameShape(4, 3));
        var composed = Intervention.WithPayoffShift(fitted, new float[3]);
        var toll = Intervention.WithPayoffShift(fitted, [-1f, 0f, 0f]);

        for (int e = 0; e < design.Sessions; e++)
        {
            var plain = Run(fitted, fitted.Parameters(), design, e, 10);
            var zero = Run(composed, composed.Parameters(fitted.Parameters()), design, e, 10);
            var tolled = Run(toll, toll.Parameters(fitted.Parameters()), design, e, 10);
            Assert.Equal(plain.Played, zero.Played);
            Assert.Equal(TestGames.Bits(plain.Received), TestGames.Bits(zero.Received));
            Assert.NotEqual(plain.Played, tolled.Played);
        }
    }

    [Fact]
    public void FullPlayDesign_IsThePlainSimulatorsGameWithItsOwnStreams()
    {
        var shape = new GameShape(3, 4);
        var mechanism = TestGames.Mechanism(PayoffForm.Joint, shape);
        var design = SimulationDesign.FullPlay(shape, sessions: 2, steps: 8);

        var (played, received) = Run(mechanism, mechanism.Parameters(), design, 0, 0);
        var again = Run(mechanism, mechanism.Parameters(), design, 0, 0);
        var other = Run(mechanism, mechanism.Parameters(), design, 0, 1);

        Assert.DoesNotContain(Trajectories.Absent, played);
        Assert.Equal(played, again.Played);
        Assert.NotEqual(played, other.Played);
        var payoffs = new MechanismPayoffs(mechanism, mechanism.Parameters(), shape);
        Assert.Equal((float)payoffs.Payoff(played.AsSpan(0, 3), 2), received[2]);
    }
}
