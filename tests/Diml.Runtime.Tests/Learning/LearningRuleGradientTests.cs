using Diml.Kernels;
using Diml.Learning;

namespace Diml.Runtime.Tests.Learning;

/// <summary>The learning rules written in the kernel language pass their generated gradient self-checks.</summary>
public sealed class LearningRuleGradientTests
{
    public static TheoryData<int, int> ActionsAndSeeds()
    {
        var data = new TheoryData<int, int>();
        foreach (int actions in new[] { 2, 3, 5, 9 })
            foreach (int seed in new[] { 1, 2, 3 })
                data.Add(actions, seed);
        return data;
    }

    [Theory]
    [MemberData(nameof(ActionsAndSeeds))]
    public void LogitQ(int actions, int seed)
    {
        int depth = AdjointTape.Current.Depth;
        var report = new LogitQ(0.25f, 3f, 0.06f).CheckGradients(actions, seed);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(depth, AdjointTape.Current.Depth);
    }

    [Theory]
    [MemberData(nameof(ActionsAndSeeds))]
    public void LogitQWithInertia(int actions, int seed)
    {
        int depth = AdjointTape.Current.Depth;
        var report = new LogitQWithInertia(0.25f, 3f, 0.06f, 0.8f).CheckGradients(actions, seed);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(0, report.FieldDependence);
        Assert.Equal(depth, AdjointTape.Current.Depth);
    }

    [Theory]
    [MemberData(nameof(ActionsAndSeeds))]
    public void Hedge(int actions, int seed)
    {
        int depth = AdjointTape.Current.Depth;
        var report = new Hedge(0.5f).CheckGradients(actions, seed);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(depth, AdjointTape.Current.Depth);
    }
}
