using Diml.Data;
using Diml.Simulation;
using Diml.Tests.Fitting;

namespace Diml.Tests.Simulation;

public sealed class GroupedSimulatorTests
{
    private static (IMechanism Mechanism, float[] Theta) Anonymous(int actions)
    {
        var mechanism = TestGames.Mechanism(PayoffForm.Anonymous, new GameShape(2, actions), seed: 3);
        return (mechanism, mechanism.Parameters());
    }

    [Fact]
    public void RandomMatching_RematchesGroupsOfTheGivenSizesEveryStep()
    {
        var (mechanism, theta) = Anonymous(3);
        var matching = GroupMatching.OfSizes(9, [2, 3, 4]);

        var data = GroupedSimulator.Simulate(mechanism, theta, TestGames.SmallGameLearner(), 3, matching, episodes: 4, steps: 6, seed: 5);

        Assert.Equal(new GameShape(9, 3), data.Shape);
        Assert.False(data.HasAbsences);
        Assert.Equal([2, 3, 4], data.GroupSizes);
        bool changed = false;
        for (int e = 0; e < 4; e++)
            for (int t = 0; t < 6; t++)
            {
                var groups = data.Groups(e, t);
                Assert.Equal(3, groups.Count);
                int[] sizes = [groups.Size(0), groups.Size(1), groups.Size(2)];
                Assert.Equal([2, 3, 4], sizes.Order());
                if (t > 0 && !data.Groups(e, t - 1).Members(0).SequenceEqual(groups.Members(0))) changed = true;
            }
        Assert.True(changed);
    }

    [Fact]
    public void FixedMatching_KeepsEachEpisodesGroups()
    {
        var (mechanism, theta) = Anonymous(3);
        var data = GroupedSimulator.Simulate(mechanism, theta, TestGames.SmallGameLearner(), 3, GroupMatching.OfSize(8, 2, rematch: false), 3, 7, seed: 5);

        for (int e = 0; e < 3; e++)
            for (int t = 1; t < 7; t++)
                for (int i = 0; i < 8; i++)
                    Assert.Equal(data.Groups(e, 0).Members(data.Groups(e, 0).GroupOf(i)).ToArray(), data.Groups(e, t).Members(data.Groups(e, t).GroupOf(i)).ToArray());
        Assert.NotEqual(data.Groups(0, 0).Members(0).ToArray(), data.Groups(1, 0).Members(0).ToArray());
    }

    [Fact]
    public void OneGroupOfEveryone_IsThePlainSimulation()
    {
        var (mechanism, theta) = Anonymous(4);
        var shape = new GameShape(5, 4);

        var grouped = GroupedSimulator.Simulate(mechanism, theta, TestGames.SmallGameLearner(), 4, GroupMatching.OfSize(5, 5), 6, 9, seed: 12);
        var plain = Simulator.Simulate(mechanism, theta, TestGames.SmallGameLearner(), shape, 6, 9, seed: 12);

        Assert.True(grouped.IsFullPlay);
        Assert.True(plain.ContentEquals(grouped));
    }

    [Fact]
    public void Simulation_IsBitIdentical_OnOneAndTwoThreads_AndInPieces()
    {
        var mechanism = TestGames.Mechanism(PayoffForm.PerAgent, new GameShape(3, 3), seed: 4);
        var theta = mechanism.Parameters();
        var matching = GroupMatching.OfSize(9, 3);
        var rule = TestGames.SmallGameLearner();

        var one = GroupedSimulator.Simulate(mechanism, theta, rule, 3, matching, 8, 10, seed: 2, threads: 1);
        var two = GroupedSimulator.Simulate(mechanism, theta, rule, 3, matching, 8, 10, seed: 2, threads: 2);
        var tail = GroupedSimulator.SimulateEpisodes(mechanism, theta, rule, 3, matching, 5, 3, 10, seed: 2);

        Assert.True(one.ContentEquals(two));
        Assert.Equal(one.SelectEpisodes(5, 3).Fingerprint(), tail.Fingerprint());
    }

    [Fact]
    public void JointForm_WithMixedSizes_IsRefused()
    {
        var mechanism = TestGames.Mechanism(PayoffForm.Joint, new GameShape(2, 3));
        var error = Assert.Throws<ArgumentException>(() =>
            GroupedSimulator.Simulate(mechanism, mechanism.Parameters(), TestGames.SmallGameLearner(), 3, GroupMatching.OfSizes(5, [2, 3]), 1, 3, seed: 1));
        Assert.Contains("has the joint form, which takes one group size; found sizes 2, 3", error.Message);
    }
}
