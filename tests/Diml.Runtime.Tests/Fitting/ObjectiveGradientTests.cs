using Diml.Data;
using Diml.Fitting;

namespace Diml.Tests.Fitting;

public sealed class ObjectiveGradientTests
{
    [Theory]
    [InlineData(PayoffForm.Joint, WindowMode.Reference)]
    [InlineData(PayoffForm.Joint, WindowMode.Carry)]
    [InlineData(PayoffForm.PerAgent, WindowMode.Reference)]
    [InlineData(PayoffForm.PerAgent, WindowMode.Carry)]
    [InlineData(PayoffForm.Anonymous, WindowMode.Reference)]
    [InlineData(PayoffForm.Anonymous, WindowMode.Carry)]
    public void FullModelGradient_MatchesCentralDifferences_InDouble(PayoffForm form, WindowMode mode)
    {
        var shape = new GameShape(3, 4);
        var mechanism = TestGames.Mechanism(form, shape);
        Check(mechanism, shape, mode, lambda: 0.05);
    }

    [Theory]
    [InlineData(WindowMode.Reference)]
    [InlineData(WindowMode.Carry)]
    public void FullModelGradient_OfNeuralStandIn_MatchesCentralDifferences(WindowMode mode)
    {
        var shape = new GameShape(3, 4);
        Check(TestGames.Neural(shape, hidden: 6), shape, mode, lambda: 0.05);
    }

    [Fact]
    public void FullModelGradient_WithSubsampledRegularizer_MatchesCentralDifferences()
    {
        var shape = new GameShape(3, 4);
        Check(TestGames.Mechanism(PayoffForm.PerAgent, shape), shape, WindowMode.Reference, lambda: 0.5, cap: 7);
    }

    private static void Check(IMechanism mechanism, GameShape shape, WindowMode mode, double lambda, int cap = 0)
    {
        var rule = TestGames.SmallGameLearner();
        var data = TestGames.Simulate(mechanism, shape, episodes: 5, steps: 14);
        int[] episodes = [4, 1, 2];
        const int window = 6, t0 = 5; // t0 > 0 so that Carry and Reference differ
        int p = mechanism.Layout.TotalLength;
        using var inDouble = new MinibatchObjective<double>(mechanism, rule, shape, 3, data.Steps, window, mode, lambda, cap, threads: 2);
        using var inFloat = new MinibatchObjective<float>(mechanism, rule, shape, 3, data.Steps, window, mode, lambda, cap, threads: 1);
        var theta = new float[p];
        mechanism.ReadParameters(theta);
        // Carry mode's gradient is the truncated one (no gradient through the carried state): check it as the
        // exact derivative of the loss whose prefix runs at the frozen parameters.
        inDouble.PrefixParametersOverride = TestGames.ToDouble(theta);
        inFloat.PrefixParametersOverride = theta;
        var function = new ObjectiveFunction(inDouble, inFloat, data, episodes, t0, p);
        var report = GradientCheck.Run(function, TestGames.ToDouble(theta), seed: 5);
        Assert.True(report.Passed, report.ToString());
        Assert.True(report.MaxRelativeError < 1e-6, report.ToString());
    }

    [Fact]
    public void CarryMode_ChangesTheLoss_WhenTheWindowStartsLate()
    {
        var shape = new GameShape(3, 4);
        var mechanism = TestGames.Mechanism(PayoffForm.PerAgent, shape);
        var data = TestGames.Simulate(mechanism, shape, 4, 20);
        var theta = new double[mechanism.Layout.TotalLength];
        var thetaF = new float[theta.Length];
        mechanism.ReadParameters(thetaF);
        for (int j = 0; j < theta.Length; j++) theta[j] = thetaF[j];
        var rule = TestGames.SmallGameLearner();
        using var reference = new MinibatchObjective<double>(mechanism, rule, shape, 4, 20, 8, WindowMode.Reference, 0);
        using var carry = new MinibatchObjective<double>(mechanism, rule, shape, 4, 20, 8, WindowMode.Carry, 0);
        int[] all = [0, 1, 2, 3];
        // At t0 = 0 both modes start from Q0.
        Assert.Equal(reference.Evaluate(data, all, 0, theta, default).Loss, carry.Evaluate(data, all, 0, theta, default).Loss);
        Assert.NotEqual(reference.Evaluate(data, all, 9, theta, default).Loss, carry.Evaluate(data, all, 9, theta, default).Loss);
    }

    [Fact]
    public void Nll_ScoresExactlyTheWindowTransitions()
    {
        // With a zero mechanism Q stays at Q0 = 0, π is uniform, and each scored action costs log A.
        var shape = new GameShape(2, 3);
        var mechanism = new Models.TabularJointMechanism(2, 3);
        var data = TestGames.Simulate(mechanism, shape, 3, 10);
        using var objective = new MinibatchObjective<double>(mechanism, TestGames.SmallGameLearner(), shape, 3, 10, 4, WindowMode.Reference, 0);
        var loss = objective.Evaluate(data, [0, 1, 2], 2, new double[mechanism.Layout.TotalLength], default);
        Assert.Equal(3 * 3 * 2, loss.ScoredActions); // 3 episodes × (W − 1 = 3) steps × 2 agents
        Assert.Equal(3 * 2 * Math.Log(3), loss.Loss, 12); // averaged over episodes
    }
}
