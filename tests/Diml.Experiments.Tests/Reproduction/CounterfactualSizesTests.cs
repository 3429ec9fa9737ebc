using Diml.Experiments.Reproduction;

namespace Diml.Experiments.Tests.Reproduction;

/// <summary>The counterfactual simulation sizes: the reference's in E7, unchanged in the small games.</summary>
public sealed class CounterfactualSizesTests
{
    [Fact]
    public void E7_UsesTheReferencesSizes_AtEveryScaleOfTheFullSuite()
    {
        foreach (var e7 in ReferenceSuite.Full().Where(d => d.Group == "E7"))
        {
            // Curves: cfkl on 120 x min(30, T), in-support on 160 x min(30, T); final: 120 and 200 x min(35, T).
            Assert.Equal((120, 160, Math.Min(30, e7.Steps)), (e7.PerEpoch.CfEpisodes, e7.PerEpoch.SupportSimulationEpisodes, e7.PerEpoch.CounterfactualSteps(e7.Steps)));
            Assert.Equal((120, 200, Math.Min(35, e7.Steps)), (e7.Final.CfEpisodes, e7.Final.SupportSimulationEpisodes, e7.Final.CounterfactualSteps(e7.Steps)));
        }
        foreach (var small in ReferenceSuite.Full().Where(d => d.Group != "E7"))
            Assert.Equal((300, 300, Math.Min(50, small.Steps)), (small.Final.CfEpisodes, small.Final.SupportSimulationEpisodes, small.Final.CounterfactualSteps(small.Steps)));
    }

    [Fact]
    public void CounterfactualReference_SimulatesTheInSupportPlaySeparately_OnlyWhenItsSizeDiffers()
    {
        var definition = ReferenceSuite.Tiny().Single(d => d.Id == "E7_n40");
        var instance = new ExperimentInstance(definition, seed: 0, threads: 1);
        var shared = new CounterfactualReference(instance, definition.Final);
        Assert.Same(shared.UnderTruth, shared.SupportUnderTruth);
        var own = new CounterfactualReference(instance, definition.Final with { CfEpisodes = 3, CfMaxSteps = 7, SupportEpisodes = 5 });
        Assert.Equal((3, 7), (own.UnderTruth.Episodes, own.UnderTruth.Steps));
        Assert.Equal((5, 7), (own.SupportUnderTruth.Episodes, own.SupportUnderTruth.Steps));
        Assert.Equal(Diml.Evaluation.HistogramKeying.ActionTotals, own.Histogram.Keying);
        Assert.True(own.CountHistogram.ByCounts);
    }
}
