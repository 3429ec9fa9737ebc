using Diml.Data;

namespace Diml.Tests.Data;

/// <summary>Sessions with groups re-matched every step, absent agents and unbalanced panels: the data model and the CSV format.</summary>
public sealed class GroupedTrajectoriesTests
{
    /// <summary>Four agents re-matched into two pairs each step; agent 3 absent at t 2; episode 1 is one step shorter.</summary>
    private const string Rematched = """
        episode,t,agent,action,group
        0,0,0,1,7
        0,0,1,0,7
        0,0,2,2,9
        0,0,3,1,9
        0,1,0,0,5
        0,1,2,1,5
        0,1,1,2,6
        0,1,3,0,6
        0,2,0,1,1
        0,2,1,1,1
        0,2,2,0,2
        1,0,0,2,0
        1,0,1,2,0
        1,0,2,0,0
        1,0,3,1,0
        1,1,0,0,3
        1,1,1,1,3
        1,1,2,1,4
        1,1,3,0,4
        """;

    private static Trajectories Read(string text, GameShape? shape = null) =>
        TrajectoryCsv.Read(new StringReader(text), "rematched.csv", shape).Trajectories;

    [Fact]
    public void Read_GroupColumn_PartitionsEveryStepByGroup()
    {
        var data = Read(Rematched);

        Assert.Equal(new GameShape(4, 3), data.Shape);
        Assert.Equal(2, data.Episodes);
        Assert.Equal(3, data.Steps);
        Assert.True(data.HasGroups);
        Assert.True(data.HasAbsences);
        Assert.False(data.IsFullPlay);
        Assert.Equal([1, 2, 4], data.GroupSizes); // episode 1, t 0 is one group of all four

        // Step (0, 1): groups {0, 2} (label 5) and {1, 3} (label 6), numbered by their lowest agent.
        var groups = data.Groups(0, 1);
        Assert.Equal(2, groups.Count);
        Assert.Equal([0, 2], groups.Members(0).ToArray());
        Assert.Equal([1, 3], groups.Members(1).ToArray());
        Assert.Equal(5, groups.Label(0));
        Assert.Equal(6, groups.Label(1));
        Assert.Equal(1, groups.GroupOf(3));
        Assert.Equal(1, groups.PositionOf(3));
        Assert.Equal(1, groups.PositionOf(2));

        // Step (0, 2): agent 3 absent, agent 2 alone.
        groups = data.Groups(0, 2);
        Assert.Equal(Trajectories.Absent, data.Action(0, 2, 3));
        Assert.False(data.IsPresent(0, 2, 3));
        Assert.Equal(Trajectories.Absent, groups.GroupOf(3));
        Assert.Equal([2], groups.Members(1).ToArray());

        // Episode 1 has two steps: t 2 is absent for everyone.
        Assert.Equal(0, data.Groups(1, 2).Count);
        for (int i = 0; i < 4; i++) Assert.False(data.IsPresent(1, 2, i));
    }

    [Fact]
    public void Write_ThenRead_KeepsGroupsAbsencesAndFingerprint()
    {
        var data = Read(Rematched);
        var text = new StringWriter();
        TrajectoryCsv.Write(text, data);

        string written = text.ToString();
        Assert.StartsWith("episode,t,agent,action,group\n0,0,0,1,7\n", written);
        Assert.DoesNotContain("0,2,3,", written); // no row for an absent agent
        var again = Read(written);
        Assert.True(data.ContentEquals(again));
        Assert.Equal(data.Fingerprint(), again.Fingerprint());
    }

    [Fact]
    public void Fingerprint_DependsOnTheGrouping_NotOnTheLabels()
    {
        var data = Read(Rematched);
        var relabelled = Read(Rematched.Replace(",7\n", ",70\n").Replace(",9\n", ",90\n"));
        // Same actions, but at (0, 0) agents {0, 2} and {1, 3} instead of {0, 1} and {2, 3}.
        var regrouped = Read(Rematched.Replace("0,0,1,0,7", "0,0,1,0,9").Replace("0,0,2,2,9", "0,0,2,2,7"));

        Assert.Equal(data.Fingerprint(), relabelled.Fingerprint());
        Assert.NotEqual(data.Fingerprint(), regrouped.Fingerprint());
        Assert.False(data.ContentEquals(regrouped));
    }

    [Fact]
    public void GroupColumn_WithOneGroupOfEveryonePerStep_IsTheSameAsNoGroupColumn()
    {
        var plain = TestTrajectories.Random(seed: 3, episodes: 3, steps: 4, agents: 3, actions: 4);
        var text = new StringWriter();
        text.Write("episode,t,agent,action,group\n");
        for (int e = 0; e < 3; e++)
            for (int t = 0; t < 4; t++)
                for (int i = 0; i < 3; i++)
                    text.Write($"{e},{t},{i},{plain.Action(e, t, i)},{e * 10 + t}\n");

        var read = Read(text.ToString(), plain.Shape);

        Assert.True(read.IsFullPlay);
        Assert.Equal(plain.Fingerprint(), read.Fingerprint());
        read.RequireFullPlay("anything");
    }

    [Fact]
    public void SelectEpisodes_CarriesTheGroups()
    {
        var data = Read(Rematched);

        var second = data.SelectEpisodes(1, 1);
        var both = data.SelectEpisodes([1, 0]);

        Assert.True(second.HasGroups);
        Assert.Equal([3, 4], new[] { second.Groups(0, 1).Label(0), second.Groups(0, 1).Label(1) });
        Assert.Equal([1, 3], both.Groups(1, 1).Members(1).ToArray());
        Assert.Equal(data.SelectEpisodes(1, 1).Fingerprint(), both.SelectEpisodes(0, 1).Fingerprint());
    }

    [Fact]
    public void Constructor_WithGroupLabels_ChecksThatAbsenceAgrees()
    {
        var shape = new GameShape(2, 2);
        var error = Assert.Throws<ArgumentException>(() => new Trajectories(shape, 1, 1, [0, Trajectories.Absent], [0, 0]));
        Assert.Contains("Absent (-1) exactly where it does not", error.Message);

        var data = new Trajectories(shape, 1, 2, [0, 1, 1, Trajectories.Absent], [0, 0, 4, Trajectories.Absent]);
        Assert.True(data.HasAbsences);
        Assert.False(data.HasGroups);
    }

    [Fact]
    public void Read_AgentTwiceInOneStep_IsALocatedError()
    {
        var error = Assert.Throws<DataFormatException>(() => Read("episode,t,agent,action,group\n0,0,0,1,0\n0,0,1,1,0\n0,0,0,0,1\n"));

        Assert.Equal("rematched.csv, line 4: duplicate row for episode 0, t 0, agent 0 (lines 2 and 4); expected one row per (episode, t, agent): " +
            "an agent is in one group at a step, found a second one at line 4, the first at line 2.", error.Message);
        Assert.Equal(2, error.RelatedLine);
    }

    [Fact]
    public void Read_BadGroupValue_IsALocatedError()
    {
        var error = Assert.Throws<DataFormatException>(() => Read("episode,t,agent,group,action\n0,0,0,1,1\n0,0,1,-1,0\n"));

        Assert.Equal("rematched.csv, line 3, column 4 'group': expected a non-negative integer, found '-1'.", error.Message);
    }

    [Fact]
    public void Read_GroupedFileWithAMissingEpisode_IsALocatedError()
    {
        var error = Assert.Throws<DataFormatException>(() => Read("episode,t,agent,action,group\n0,0,0,1,0\n2,0,1,0,0\n"));

        Assert.Equal("rematched.csv, column 1 'episode': episode 1 has no rows; expected episodes numbered 0..2 without gaps, found none for episode 1.", error.Message);
    }

    [Fact]
    public void Read_WithoutGroupColumn_StillRequiresEveryAgentAtEveryStep()
    {
        var error = Assert.Throws<DataFormatException>(() => Read("episode,t,agent,action\n0,0,0,1\n0,0,1,0\n0,1,0,1\n"));

        Assert.Contains("episode 0, t 1 has no row for agent 1", error.Message);
    }

    [Fact]
    public void RequireFullPlay_OnGroups_NamesThePathTheColumnAndTheStep()
    {
        var error = Assert.Throws<DataFormatException>(() => Read(Rematched).RequireFullPlay("evaluate"));

        Assert.Equal("rematched.csv, column 5 'group': evaluate does not take data with groups yet; expected one group of all agents at every step " +
            "(a file without a 'group' column), found 2 groups at episode 0, t 0.", error.Message);
    }

    [Fact]
    public void RequireFullPlay_OnAbsences_NamesTheAgentAndTheStep()
    {
        var data = new Trajectories(new GameShape(2, 2), 1, 2, [0, 1, 1, Trajectories.Absent], [0, 0, 0, Trajectories.Absent]);

        var error = Assert.Throws<DataFormatException>(() => data.RequireFullPlay("the metric diff_mse"));

        Assert.Equal("<data>, column 'agent': the metric diff_mse does not take absent agents yet; expected a row for every agent at every step, " +
            "found no row for agent 1 at episode 0, t 1.", error.Message);
    }
}
