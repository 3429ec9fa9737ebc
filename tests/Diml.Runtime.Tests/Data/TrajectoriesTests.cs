using Diml.Data;

namespace Diml.Tests.Data;

public class TrajectoriesTests
{
    [Fact]
    public void Accessors_ReadRowMajorEpisodeStepAgent()
    {
        var data = TestTrajectories.Patterned(episodes: 2, steps: 3, agents: 2, actions: 5);
        // (e + 2t + 3i) mod 5
        Assert.Equal(new[] { 1, 4 }, data.Step(1, 0).ToArray());
        Assert.Equal(new[] { 0, 3 }, data.Step(1, 2).ToArray());
        Assert.Equal(new[] { 1, 4, 3, 1, 0, 3 }, data.Episode(1).ToArray());
        Assert.Equal(2, data.Action(0, 2, 1));
        Assert.Equal(12, data.AsSpan().Length);
        Assert.Equal(2, data.Agents);
        Assert.Equal("2 episodes x 3 steps, 2 agents x 5 actions", data.ToString());
    }

    [Fact]
    public void Step_TBeyondSteps_ThrowsInsteadOfReadingNextEpisode()
    {
        var data = TestTrajectories.Patterned(2, 3, 2, 5);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => data.Step(0, 3).Length);
        Assert.Equal("t", error.ParamName);
        Assert.Contains("expected an index in 0..2, found 3", error.Message);
    }

    [Fact]
    public void Constructor_ActionOutOfRange_NamesPositionExpectedAndFound()
    {
        int[] actions = [0, 1, 2, 0, 1, 3];  // 3 is out of range for 3 actions, at episode 1, t 0, agent 2
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Trajectories(new GameShape(3, 3), 2, 1, actions));
        Assert.Equal("actions", error.ParamName);
        Assert.Contains("expected actions in 0..2, found 3 at episode 1, t 0, agent 2", error.Message);
    }

    [Fact]
    public void Constructor_WrongLength_NamesExpectedAndFoundLength()
    {
        var error = Assert.Throws<ArgumentException>(() => new Trajectories(new GameShape(2, 2), 2, 3, new int[11]));
        Assert.Equal("actions", error.ParamName);
        Assert.Contains("expected 12 actions (2 episodes x 3 steps x 2 agents), found 11", error.Message);
    }

    [Fact]
    public void Constructor_CopiesActions_SoLaterChangesDoNotLeakIn()
    {
        int[] actions = [0, 1, 1, 0];
        var data = new Trajectories(new GameShape(2, 2), 1, 2, actions);
        actions[0] = 1;
        Assert.Equal(0, data.Action(0, 0, 0));
    }

    [Fact]
    public void Split_TakesTheFirst80PercentOfEpisodesAsTrain()
    {
        var data = TestTrajectories.Random(seed: 7, episodes: 10, steps: 4, agents: 3, actions: 4,
            metadata: new Dictionary<string, string> { ["seed"] = "7" });
        var (train, test) = data.Split(0.8);
        Assert.Equal(8, train.Episodes);
        Assert.Equal(2, test.Episodes);
        Assert.Equal(data.AsSpan()[..(8 * 4 * 3)].ToArray(), train.AsSpan().ToArray());
        Assert.Equal(data.AsSpan()[(8 * 4 * 3)..].ToArray(), test.AsSpan().ToArray());
        Assert.Equal(data.Episode(8).ToArray(), test.Episode(0).ToArray());
        Assert.Equal("7", train.Metadata["seed"]);
        Assert.Equal("7", test.Metadata["seed"]);
    }

    [Fact]
    public void Split_16Episodes_TruncatesLikeTheReference()
    {
        // int(0.8 · 16) = 12 in the reference.
        var (train, test) = TestTrajectories.Patterned(16, 2, 2, 3).Split(0.8);
        Assert.Equal(12, train.Episodes);
        Assert.Equal(4, test.Episodes);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Split_FractionOutsideOpenUnitInterval_Throws(double fraction)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TestTrajectories.Patterned(10, 2, 2, 3).Split(fraction));
        Assert.Equal("trainFraction", error.ParamName);
        Assert.Contains("expected a fraction strictly between 0 and 1", error.Message);
    }

    [Fact]
    public void Split_LeavingNoTestEpisode_ThrowsNamingTheCounts()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TestTrajectories.Patterned(2, 2, 2, 3).Split(0.4));
        Assert.Contains("at least 1 training and 1 test episode out of 2", error.Message);
        Assert.Contains("found 0.4 (giving 0 training episodes)", error.Message);
    }

    [Fact]
    public void SelectEpisodes_ListWithRepeats_CopiesInListedOrder()
    {
        var data = TestTrajectories.Patterned(4, 3, 2, 5);
        var selected = data.SelectEpisodes([3, 1, 3]);
        Assert.Equal(3, selected.Episodes);
        Assert.Equal(data.Episode(3).ToArray(), selected.Episode(0).ToArray());
        Assert.Equal(data.Episode(1).ToArray(), selected.Episode(1).ToArray());
        Assert.Equal(data.Episode(3).ToArray(), selected.Episode(2).ToArray());
    }

    [Fact]
    public void SelectEpisodes_IndexOutOfRange_NamesIndexAndPosition()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TestTrajectories.Patterned(4, 3, 2, 5).SelectEpisodes([0, 4]));
        Assert.Equal("episodes", error.ParamName);
        Assert.Contains("expected episode indices in 0..3, found 4 at position 1", error.Message);
    }

    [Fact]
    public void SelectEpisodes_RangePastTheEnd_Throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TestTrajectories.Patterned(4, 3, 2, 5).SelectEpisodes(2, 3));
        Assert.Equal("count", error.ParamName);
        Assert.Contains("expected a count in 1..2 (episodes from 2), found 3", error.Message);
    }

    [Fact]
    public void Fingerprint_IsPinnedSha256OfShapeAndActions()
    {
        // Computed independently: sha256(b"diml.trajectories.v1" + pack("<4i", 2, 5, 2, 3) + pack("<12i", *actions)).
        Assert.Equal("713080d4a8e1b064310d856cba3464bfea3b6c433a0977be400a0722c0b36a07",
            TestTrajectories.Patterned(2, 3, 2, 5).Fingerprint());
    }

    [Fact]
    public void Fingerprint_ChangesWhenOneActionChanges()
    {
        var data = TestTrajectories.Random(seed: 11, episodes: 5, steps: 6, agents: 3, actions: 4);
        int[] changed = data.AsSpan().ToArray();
        changed[37] = (changed[37] + 1) % 4;
        var other = new Trajectories(data.Shape, data.Episodes, data.Steps, changed);
        Assert.NotEqual(data.Fingerprint(), other.Fingerprint());
        Assert.False(data.ContentEquals(other));
    }

    [Fact]
    public void Fingerprint_ChangesWithShapeEvenForTheSameActions()
    {
        // The same 12 ints read as 2 x 3 x 2 or as 3 x 2 x 2 are different data.
        int[] actions = TestTrajectories.Patterned(2, 3, 2, 5).AsSpan().ToArray();
        var a = new Trajectories(new GameShape(2, 5), 2, 3, actions);
        var b = new Trajectories(new GameShape(2, 5), 3, 2, actions);
        Assert.NotEqual(a.Fingerprint(), b.Fingerprint());
    }

    [Fact]
    public void Fingerprint_IgnoresMetadata()
    {
        var plain = TestTrajectories.Random(3, 2, 3, 2, 3);
        var tagged = TestTrajectories.Random(3, 2, 3, 2, 3, new Dictionary<string, string> { ["source"] = "simulated" });
        Assert.Equal(plain.Fingerprint(), tagged.Fingerprint());
        Assert.True(plain.ContentEquals(tagged));
    }
}
