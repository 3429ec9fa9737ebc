using Diml.Mechanisms;

namespace Diml.Mechanisms.Tests;

public sealed class PaperMechanismTests
{
    [Theory]
    [InlineData(3, 7, 1)]
    [InlineData(2, 5, 2)]
    public void PublicGoods_WithASmallSubsidyNetwork_PassesGradientCheck_OnEveryCoordinate(int agents, int actions, int seed)
    {
        // 36 parameters: all compared, the three scalars k, s, c included.
        var mechanism = new PublicGoods(actions, hidden: 8);
        mechanism.InitializeParameters(new Random(seed));
        var report = mechanism.CheckGradients(agents, actions, seed);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(36, report.Coordinates);
    }

    [Fact]
    public void Tabular_IndexesJointActions_RowMajor_AgentZeroMostSignificant()
    {
        var mechanism = new Tabular(agents: 3, actions: 4);
        int[] joint = [1, 2, 3];
        Assert.Equal(1 * 16 + 2 * 4 + 3, mechanism.Index(joint));   // 27
        Assert.Equal(64, mechanism.JointActions);
        Assert.Equal(64 * 3, mechanism.Layout.TotalLength);

        mechanism.Table[27, 0] = 0.5f;
        mechanism.Table[27, 1] = -1.25f;
        mechanism.Table[27, 2] = 2f;
        mechanism.Table[28, 1] = 9f;   // a neighbouring row must not leak in
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        Assert.Equal(-1.25f, theta[27 * 3 + 1]);
        var payoffs = new float[3];
        mechanism.Payoffs(theta, joint, payoffs);
        Assert.Equal([0.5f, -1.25f, 2f], payoffs);
    }

    [Fact]
    public void Tabular_RefusesGamesWithMoreThan20000JointActions()
    {
        _ = new Tabular(agents: 5, actions: 7);   // 16,807: allowed
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Tabular(agents: 6, actions: 6));   // 46,656
        Assert.Contains("6^6", error.Message, StringComparison.Ordinal);
        Assert.Contains("20,000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PublicGoods_Payoff_IsTheFormula()
    {
        var mechanism = new PublicGoods(actions: 5);   // levels 0, .25, .5, .75, 1; subsidy network all zero
        Assert.Equal([0f, 0.25f, 0.5f, 0.75f, 1f], mechanism.Levels.ToArray());
        mechanism.B2[0] = 0.3f;                        // the subsidy is then the constant 0.3
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        int[] joint = [4, 2, 1];                       // Σℓ = 1.75, ℓ_1 = 0.5
        double expected = 1 * (1 - Math.Exp(-2 * 1.75)) - 0.8 * 0.5 * 0.5 + 0.3;
        Assert.Equal(expected, mechanism.Payoff(theta, joint, 1), 5);
    }

    [Fact]
    public void PublicGoods_PaperTruth_HasPaperScalars_AndPyTorchDefaultNetwork()
    {
        var truth = PublicGoods.PaperTruth(7, new Random(3));
        Assert.Equal(3 + 4 * PublicGoods.DefaultHidden + 1, truth.Layout.TotalLength);
        Assert.Equal(2f, truth.Steepness);
        Assert.Equal(1f, truth.Scale);
        Assert.Equal(0.8f, truth.Cost);
        float bound1 = 1 / MathF.Sqrt(2), bound2 = 1 / MathF.Sqrt(PublicGoods.DefaultHidden);
        var w1 = truth.W1.Cast<float>().ToArray();
        Assert.All(w1, w => Assert.InRange(w, -bound1, bound1));
        Assert.All(truth.B1, b => Assert.InRange(b, -bound1, bound1));
        Assert.All(truth.W2.Cast<float>(), w => Assert.InRange(w, -bound2, bound2));
        Assert.InRange(truth.B2[0], -bound2, bound2);
        Assert.True(w1.Max() - w1.Min() > bound1, "the draws should spread over the interval");
    }

    [Fact]
    public void Congestion_RandomTruth_DrawsInThePaperRanges()
    {
        var truth = Congestion.RandomTruth(50, new Random(7));
        Assert.All(truth.LinearCost, c => Assert.InRange(c, 0.1f, 0.4f));
        Assert.All(truth.QuadraticCost, c => Assert.InRange(c, 0.05f, 0.15f));
        Assert.All(truth.Toll, c => Assert.InRange(c, 0f, 0.2f));
        Assert.InRange(truth.LinearCost.Average(), 0.2, 0.3);
        var again = Congestion.RandomTruth(50, new Random(7));
        Assert.Equal(truth.Toll, again.Toll);
    }
}
