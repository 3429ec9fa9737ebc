using Diml.Data;
using Diml.Mechanisms;
using Diml.Fitting;

namespace Diml.Mechanisms.Tests;

public sealed class CatalogTests
{
    [Theory]
    [InlineData("congestion", 0)]
    [InlineData("neural-joint", 7)]
    [InlineData("anonymous-count", 5)]
    [InlineData("public-goods-fixed-return", 0)]
    public void Rebuild_RestoresTypeShapeHiddenAndParameters(string name, int hidden)
    {
        var entry = MechanismCatalog.Find(name)!;
        var shape = new GameShape(3, 4);
        var mechanism = entry.Create(shape, new MechanismSettings(hidden));
        entry.InitializeTruth(mechanism, new Random(11));
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        var saved = new SavedModel(mechanism.ModelName, mechanism.Form, shape, mechanism.Layout, theta, "LogitQ",
            new Dictionary<string, double> { ["alpha"] = 0.25, ["beta"] = 3, ["epsilon"] = 0.06 }, null, null);

        var (rebuiltEntry, rebuilt) = MechanismCatalog.Rebuild(saved, "m.json");

        Assert.Same(entry, rebuiltEntry);
        var back = new float[rebuilt.Layout.TotalLength];
        rebuilt.ReadParameters(back);
        Assert.Equal(theta, back);
        Assert.Equal(hidden, entry.SettingsFromLayout(rebuilt.Layout).Hidden);
    }

    [Fact]
    public void OnlyTheFixedReturnPublicGoodsFamily_HasAKnownScale()
    {
        Assert.Equal(["public-goods-fixed-return"], MechanismCatalog.Entries.Where(e => e.KnownScale).Select(e => e.Name));
        var linear = new FixedReturnPublicGoods(21);
        linear.DrawTruth(new Random(3));
        var theta = new float[linear.Layout.TotalLength];
        linear.ReadParameters(theta);
        // Everyone contributes nothing: each keeps the endowment of 1, whatever w and γ are.
        Assert.Equal(1f, linear.Payoff(theta, [0, 0, 0, 0], 2));
        // Alone in a group of one contributing everything: 1 − 1 + 0.4·1 + w.
        Assert.Equal(0.4f + linear.WarmGlow, linear.Payoff(theta, [20], 0), 6);
    }

    [Fact]
    public void CongestionTruth_IsDrawnInThePapersRanges()
    {
        var congestion = (Congestion)MechanismCatalog.Find("congestion")!.Create(new GameShape(4, 50), new MechanismSettings(0));
        MechanismCatalog.Find("congestion")!.InitializeTruth(congestion, new Random(1));
        Assert.All(congestion.LinearCost, c => Assert.InRange(c, 0.1f, 0.4f));
        Assert.All(congestion.QuadraticCost, c => Assert.InRange(c, 0.05f, 0.15f));
        Assert.All(congestion.Toll, c => Assert.InRange(c, 0f, 0.2f));
    }

    [Fact]
    public void EveryRule_BuildsFromItsDefaults_AndShiftsForCfkl()
    {
        foreach (var entry in LearningRuleCatalog.Entries)
        {
            var rule = entry.Create(entry.Defaults);
            Assert.Equal(entry.RuleName, rule.RuleName);
            Assert.Null(LearningRuleCatalog.Validate(entry, new Dictionary<string, double>(entry.CounterfactualShift(entry.Defaults))));
        }
        var shifted = LearningRuleCatalog.Find("logit-q")!.CounterfactualShift(new Dictionary<string, double> { ["alpha"] = 0.25, ["beta"] = 3, ["epsilon"] = 0.4 });
        Assert.Equal(0.15, shifted["alpha"], 12);
        Assert.Equal(4.2, shifted["beta"], 12);
        Assert.Equal(0.5, shifted["epsilon"]);
    }
}
