using Diml.Kernels;
using Diml.Learning;

namespace Diml.Tests.Learning;

public class ExperienceWeightedAttractionTests
{
    [Theory]
    [InlineData(2, 1)]
    [InlineData(5, 2)]
    [InlineData(7, 3)]
    public void GeneratedAdjoints_PassGradientCheck(int actions, int seed)
    {
        var rule = new ExperienceWeightedAttraction(phi: 0.9f, rho: 0.8f, delta: 0.4f, lambda: 2f);
        var report = rule.CheckGradients(actions, seed);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(0, AdjointTape.Current.Depth);
    }

    [Fact]
    public void Update_WeighsThePlayedActionFullyAndForegonePayoffsByDelta()
    {
        var rule = new ExperienceWeightedAttraction(phi: 0.5f, rho: 0.5f, delta: 0.25f, lambda: 1f, initialExperience: 2f);
        float[] state = [1f, -1f, 2f];           // attractions 1, −1, experience N = 2
        float[] payoffs = [4f, 8f];
        var next = new float[3];
        rule.Update(state, payoffs, played: 1, next);
        float experience = 0.5f * 2f + 1f;       // N' = ρN + 1 = 2
        Assert.Equal(experience, next[2]);
        Assert.Equal((0.5f * 2f * 1f + 0.25f * 4f) / experience, next[0], 6);   // not played: δ·u
        Assert.Equal((0.5f * 2f * -1f + 1f * 8f) / experience, next[1], 6);     // played: u
    }

    [Fact]
    public void Response_IsTheLogitOfScaledAttractions()
    {
        var rule = new ExperienceWeightedAttraction(phi: 1f, rho: 1f, delta: 1f, lambda: 2f);
        float[] state = [0.5f, -0.5f, 7f];
        var logPolicy = new float[2];
        rule.Response(state, logPolicy);
        double z = Math.Exp(1) + Math.Exp(-1);
        Assert.Equal(Math.Log(Math.Exp(1) / z), logPolicy[0], 5);
        Assert.Equal(Math.Log(Math.Exp(-1) / z), logPolicy[1], 5);
    }

    [Fact]
    public void InitialState_HasZeroAttractionsAndTheInitialExperience()
    {
        var rule = new ExperienceWeightedAttraction(0.9f, 0.9f, 0.5f, 1f, initialExperience: 3f);
        Assert.Equal(4, rule.StateSize(3));
        var state = new float[4];
        state.AsSpan().Fill(9f);
        rule.InitialState(state);
        Assert.Equal([0f, 0f, 0f, 3f], state);
        Assert.Equal(0.5, rule.Hyperparameters["delta"]);
    }
}
