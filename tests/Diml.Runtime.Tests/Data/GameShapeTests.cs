using Diml.Data;

namespace Diml.Tests.Data;

public class GameShapeTests
{
    [Fact]
    public void Constructor_ZeroAgents_ThrowsNamingArgumentExpectedAndFound()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new GameShape(0, 3));
        Assert.Equal("agents", error.ParamName);
        Assert.Contains("expected at least 1 agent, found 0", error.Message);
    }

    [Fact]
    public void Constructor_OneAction_ThrowsNamingArgumentExpectedAndFound()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new GameShape(3, 1));
        Assert.Equal("actions", error.ParamName);
        Assert.Contains("expected at least 2 actions, found 1", error.Message);
    }

    [Fact]
    public void JointActionCount_SmallGame_IsExact()
    {
        var shape = new GameShape(3, 6);
        Assert.Equal(216.0, shape.JointActionCount);
        Assert.True(shape.TryGetJointActionCount(out long count));
        Assert.Equal(216L, count);
    }

    [Fact]
    public void JointActionCount_E7_OverflowsLongAndDoubleButLogIsFinite()
    {
        var shape = new GameShape(300, 40);
        Assert.False(shape.TryGetJointActionCount(out long count));
        Assert.Equal(0L, count);
        Assert.Equal(double.PositiveInfinity, shape.JointActionCount);
        Assert.Equal(480.617997398, shape.Log10JointActionCount, 1e-8);
        Assert.False(shape.HasAtMostJointActions(long.MaxValue));
    }

    [Fact]
    public void TryGetJointActionCount_LargestPowerThatFitsInLong_Succeeds()
    {
        // 2^62 fits, 2^63 does not.
        Assert.True(new GameShape(62, 2).TryGetJointActionCount(out long fits));
        Assert.Equal(1L << 62, fits);
        Assert.False(new GameShape(63, 2).TryGetJointActionCount(out _));
    }

    [Theory]
    [InlineData(3, 6, 20_000, true)]       // 216
    [InlineData(6, 6, 20_000, false)]      // 46,656
    [InlineData(2, 141, 20_000, true)]     // 19,881
    [InlineData(2, 142, 20_000, false)]    // 20,164
    [InlineData(4, 10, 10_000, true)]      // exactly the limit
    [InlineData(4, 10, 9_999, false)]
    public void HasAtMostJointActions_ComparesExactly(int agents, int actions, long limit, bool expected) =>
        Assert.Equal(expected, new GameShape(agents, actions).HasAtMostJointActions(limit));

    [Fact]
    public void ToString_IsInvariant() => Assert.Equal("3 agents x 6 actions", new GameShape(3, 6).ToString());
}
