using Diml.Data;
using Diml.Evaluation;
using Diml.Mechanisms;

namespace Diml.Evaluation.Tests.Metrics;

/// <summary><c>diff_rel</c> and <c>diff_corr</c> on cases computable by hand, and their agreement with <c>diff_mse</c>.</summary>
public sealed class SampledPayoffDifferencesTests
{
    private sealed class FunctionPayoffs(GameShape shape, Func<int[], int, double> payoff) : IPayoffModel
    {
        public GameShape Shape => shape;

        public void Payoffs(ReadOnlySpan<int> joint, Span<double> payoffs)
        {
            for (int i = 0; i < shape.Agents; i++) payoffs[i] = Payoff(joint, i);
        }

        public double Payoff(ReadOnlySpan<int> joint, int agent) => payoff(joint.ToArray(), agent);
    }

    private static readonly GameShape Shape = new(3, 4);

    private static Trajectories RandomData(int seed)
    {
        var random = new Random(seed);
        var actions = new int[6 * 10 * Shape.Agents];
        for (int j = 0; j < actions.Length; j++) actions[j] = random.Next(Shape.Actions);
        return new Trajectories(Shape, 6, 10, actions);
    }

    private static IPayoffModel Network(int seed)
    {
        var network = new NeuralJoint(Shape.Agents, Shape.Actions, hidden: 8);
        network.InitializeParameters(new Random(seed));
        return MechanismPayoffs.AtCurrentParameters(network, Shape);
    }

    private static IPayoffModel Scaled(IPayoffModel inner, double factor) => new FunctionPayoffs(Shape, (joint, agent) => factor * inner.Payoff(joint, agent));

    [Fact]
    public void APerfectPredictor_HasDiffRelZero_AndDiffCorrOne()
    {
        var truth = Network(1);
        var result = SampledPayoffDifferences.Compute(truth, Network(1), RandomData(2), seed: 3, contexts: 2000);
        Assert.Equal(0, result.DiffMse);
        Assert.Equal(0, result.DiffRel);
        Assert.Equal(1, result.DiffCorr, 12);
        Assert.True(result.ZeroDiffMse > 0);
    }

    [Fact]
    public void TheZeroPredictor_HasDiffRelExactlyOne_AndNoCorrelation()
    {
        var truth = Network(4);
        var zero = new FunctionPayoffs(Shape, (_, _) => 0);
        var result = SampledPayoffDifferences.Compute(truth, zero, RandomData(5), seed: 6, contexts: 2000);
        Assert.Equal(1, result.DiffRel);
        Assert.Equal(result.DiffMse, result.ZeroDiffMse);
        Assert.True(double.IsNaN(result.DiffCorr), "a constant estimate has no correlation");
    }

    [Theory]
    [InlineData(0.5, 0.25, 1)]   // (d − d/2)² = d²/4
    [InlineData(2.0, 1.0, 1)]    // (d − 2d)² = d²
    [InlineData(3.0, 4.0, 1)]    // (d − 3d)² = 4d²
    [InlineData(-1.0, 4.0, -1)]  // (d + d)² = 4d²
    public void AScaledPredictor_IsPerfectlyCorrelated_WithDiffRelOneMinusTheFactorSquared(double factor, double diffRel, double diffCorr)
    {
        var truth = Network(7);
        var result = SampledPayoffDifferences.Compute(truth, Scaled(Network(7), factor), RandomData(8), seed: 9, contexts: 3000);
        Assert.Equal(diffRel, result.DiffRel, 12);
        Assert.Equal(diffCorr, result.DiffCorr, 12);
    }

    [Fact]
    public void AGaugeShiftedPredictor_IsPerfect()
    {
        var truth = Network(10);
        var inner = Network(10);
        // c_i(a_{-i}) never depends on the agent's own action, so every payoff difference is unchanged.
        var shifted = new FunctionPayoffs(Shape, (joint, agent) =>
            inner.Payoff(joint, agent) + agent + Enumerable.Range(0, joint.Length).Where(j => j != agent).Sum(j => 0.5 * (j + 1) * joint[j]));
        var result = SampledPayoffDifferences.Compute(truth, shifted, RandomData(11), seed: 12, contexts: 2000);
        Assert.Equal(0, result.DiffRel, 9);
        Assert.Equal(1, result.DiffCorr, 9);
    }

    [Fact]
    public void DiffRel_IsDiffMseOverTheZeroPredictorsDiffMse_OnTheSameContexts()
    {
        var truth = Network(13);
        var estimate = Network(14);
        var data = RandomData(15);
        var result = SampledPayoffDifferences.Compute(truth, estimate, data, seed: 16, contexts: 1500);
        double diffMse = DiffMse.Compute(truth, estimate, data, seed: 16, contexts: 1500);
        double zero = DiffMse.Compute(truth, new FunctionPayoffs(Shape, (_, _) => 0), data, seed: 16, contexts: 1500);
        Assert.Equal(diffMse, result.DiffMse);
        Assert.Equal(zero, result.ZeroDiffMse);
        Assert.Equal(diffMse / zero, result.DiffRel);
        Assert.InRange(result.DiffCorr, -1, 1);
    }

    [Fact]
    public void Correlation_MatchesAHandComputedCase()
    {
        // x = 1,2,3; y = 2,4,7: centred dx = −1,0,1, dy = −7/3,−1/3,8/3; Sxy = 5, Sxx = 2, Syy = 114/9.
        Assert.Equal(5 / Math.Sqrt(2 * 114.0 / 9), SampledPayoffDifferences.Correlation([1, 2, 3], [2, 4, 7]), 14);
        Assert.True(double.IsNaN(SampledPayoffDifferences.Correlation([1, 1, 1], [2, 4, 7])));
        Assert.Throws<ArgumentException>(() => SampledPayoffDifferences.Correlation([1, 2], [1, 2, 3]));
    }

    [Fact]
    public void PayoffMetrics_OnTwoWorkers_AreTheOneWorkerValues_BitForBit()
    {
        // A large anonymous game: mse_off probes, and more draws than one worker block (256) for every metric.
        var shape = new GameShape(12, 5);
        AnonymousCount Count(int seed)
        {
            var mechanism = new AnonymousCount(shape.Actions, hidden: 16);
            mechanism.InitializeParameters(new Random(seed));
            return mechanism;
        }
        var truth = Count(1);
        var estimate = Count(2);
        Func<IPayoffModel> truePayoffs = () => MechanismPayoffs.AtCurrentParameters(truth, shape);
        Func<IPayoffModel> estimatedPayoffs = () => MechanismPayoffs.AtCurrentParameters(estimate, shape);
        var random = new Random(4);
        var actions = new int[8 * 60 * shape.Agents];
        for (int j = 0; j < actions.Length; j++) actions[j] = random.Next(shape.Actions);
        var data = new Trajectories(shape, 8, 60, actions);

        var one = SampledPayoffDifferences.Compute(truePayoffs(), estimatedPayoffs(), data, seed: 3, contexts: 1000);
        Assert.Equal(one, SampledPayoffDifferences.Compute(truePayoffs, estimatedPayoffs, data, seed: 3, contexts: 1000, threads: 2));
        Assert.True(one.DiffMse > 0);
        double offOne = MseOff.Compute(truePayoffs(), estimatedPayoffs(), seed: 3, probes: 700);
        Assert.Equal(offOne, MseOff.Compute(truePayoffs, estimatedPayoffs, seed: 3, probes: 700, threads: 2));
        Assert.True(offOne > 0);
        double onOne = MseOn.Compute(truePayoffs(), estimatedPayoffs(), data, seed: 3, maxVisits: 400);
        Assert.Equal(onOne, MseOn.Compute(truePayoffs, estimatedPayoffs, data, seed: 3, maxVisits: 400, threads: 2));
        Assert.True(onOne > 0);
    }
}
