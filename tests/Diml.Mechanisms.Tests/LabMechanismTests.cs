namespace Diml.Mechanisms.Tests;

/// <summary>The laboratory games of docs/experiments.md: their payoffs by hand, and what the catalog says of them.</summary>
public sealed class LabMechanismTests
{
    [Fact]
    public void LinearPublicGoods_PaysTokensKept_TheReturnOnTheGroupsTotal_AndTheConditionalCooperationTerm()
    {
        // A = 21: endowment 20. Own contribution 5, group-mates 10, 0 and 20 (mean 10): 15 + 0.4·35 + 0.9·5·10/20 = 31.25.
        var game = new LinearPublicGoods(21);
        game.SetLabTruth();
        var theta = new float[game.Layout.TotalLength];
        game.ReadParameters(theta);
        var counts = new int[21];
        counts[10] = 1; counts[0] = 1; counts[20] = 1;
        Assert.Equal(31.25f, game.Payoff(theta, 5, counts), 4);
        // Alone in a group: no group-mates, no conditional term: 20 − 5 + 0.4·5.
        Assert.Equal(17f, game.Payoff(theta, 5, new int[21]), 5);
    }

    [Fact]
    public void Volunteers_PayTheBenefitWhenSomeoneVolunteers_AndTheCostToTheVolunteer()
    {
        var game = new VolunteersDilemma(2);
        game.SetLabTruth();
        var theta = new float[game.Layout.TotalLength];
        game.ReadParameters(theta);
        Assert.Equal(0f, game.Payoff(theta, 0, [3, 0]));
        Assert.Equal(1f, game.Payoff(theta, 0, [2, 1]));
        Assert.Equal(0.65f, game.Payoff(theta, 1, [3, 0]), 6);
        Assert.Equal(0.65f, game.Payoff(theta, 1, [0, 3]), 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => new VolunteersDilemma(3));
    }

    [Fact]
    public void Catalog_KnowsTheMoneyTermOfThePublicGoodsGame_AndThatNeitherGameFixesThePayoffScale()
    {
        // m is learned, so β·(m − 1) and β·γ are what choices identify: no known scale.
        var publicGoods = MechanismCatalog.Find("linear-public-goods")!;
        Assert.False(publicGoods.KnownScale);
        Assert.Equal(nameof(LinearPublicGoods.Mpcr), publicGoods.MoneyTerm!.Block);
        var volunteers = MechanismCatalog.Find("volunteers")!;
        Assert.False(volunteers.KnownScale);
        Assert.Equal(PayoffForm.Anonymous, volunteers.Create(new Diml.Data.GameShape(5, 2), new MechanismSettings(0)).Form);
    }
}
