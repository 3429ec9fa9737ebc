using Diml.Learning;
using Diml.Data;
using Diml.Tests.Fitting.Models;

namespace Diml.Tests.Fitting;

public sealed class HandWrittenModelTests
{
    [Theory]
    [InlineData(PayoffForm.Joint)]
    [InlineData(PayoffForm.PerAgent)]
    [InlineData(PayoffForm.Anonymous)]
    public void HandWrittenMechanism_PassesGradientCheck(PayoffForm form)
    {
        var shape = new GameShape(4, 5);
        var mechanism = TestGames.Mechanism(form, shape);
        for (int seed = 1; seed <= 5; seed++)
        {
            var report = mechanism.CheckGradients(shape.Agents, shape.Actions, seed);
            Assert.True(report.Passed, report.ToString());
        }
    }

    [Fact]
    public void NeuralStandIn_PassesGradientCheck()
    {
        var mechanism = TestGames.Neural(new GameShape(3, 6), hidden: 16);
        var report = mechanism.CheckGradients(3, 6, seed: 3);
        Assert.True(report.Passed, report.ToString());
    }

    [Fact]
    public void LogitQ_PassesGradientCheck()
    {
        var report = TestGames.SmallGameLearner().CheckGradients(actions: 6);
        Assert.True(report.Passed, report.ToString());
    }

    [Fact]
    public void LogitQ_ResponseIsTheEpsilonMixedSoftmax()
    {
        var rule = new LogitQ(0.25f, 3f, 0.06f);
        double epsilon = 0.06f;
        double[] q = [0.1, -0.2, 0.4];
        var logPolicy = new double[3];
        rule.Response(q, logPolicy);
        double z = Math.Exp(0.3) + Math.Exp(-0.6) + Math.Exp(1.2);
        Assert.Equal(Math.Log(((1 - epsilon) * Math.Exp(1.2) / z) + epsilon / 3), logPolicy[2], 12);
        Assert.Equal(1.0, logPolicy.Sum(Math.Exp), 12);
    }
}
