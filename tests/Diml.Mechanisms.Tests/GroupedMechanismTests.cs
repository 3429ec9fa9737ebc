using Diml.Data;
using Diml.Fitting;
using Diml.Learning;
using Diml.Simulation;

namespace Diml.Mechanisms.Tests;

/// <summary>
/// The paper mechanisms that take any group size, fitted on sessions re-matched into groups: the float objective (the
/// generated batched kernels, where the mechanism has them) against the double objective (one query at a time).
/// </summary>
public class GroupedMechanismTests
{
    private static readonly LogitQ Learner = new(0.2f, 6f, 0.02f);

    /// <summary>Public goods in groups of 4 (the batched per-agent kernels) and of 2, 3 and 4 (a kernel per size); anonymous count in groups of 2, 3 and 4.</summary>
    public static TheoryData<string> Mechanisms => ["public-goods", "public-goods-mixed", "anonymous-count", "pooled-anonymous"];

    private static (IMechanism Model, Trajectories Data, float[] Initial) Game(string name)
    {
        IMechanism Create() => name switch
        {
            "anonymous-count" => new AnonymousCount(5, hidden: 16),
            "pooled-anonymous" => new PooledAnonymous(5, hidden: 16),
            _ => new PublicGoods(5, hidden: 8),
        };
        var truth = Create();
        truth.InitializeParameters(new Random(1));
        var theta = new float[truth.Layout.TotalLength];
        truth.ReadParameters(theta);
        var matching = name == "public-goods" ? GroupMatching.OfSize(12, 4) : GroupMatching.OfSizes(12, [2, 3, 4, 3]);
        var data = GroupedSimulator.Simulate(truth, theta, Learner, 5, matching, episodes: 8, steps: 12, seed: 3);
        var model = Create();
        model.InitializeParameters(new Random(2));
        var initial = new float[model.Layout.TotalLength];
        model.ReadParameters(initial);
        return (model, data, initial);
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void FloatObjective_OnGroups_MatchesTheDoubleObjective(string name)
    {
        var (model, data, initial) = Game(name);
        Assert.True(data.HasGroups);
        var sizes = GroupSizeRule.KernelSizes(model, data);
        var episodes = Enumerable.Range(0, data.Episodes).ToArray();
        using var inFloat = new MinibatchObjective<float>(model, Learner, data.Shape, 8, data.Steps, 10, WindowMode.Reference, 0.01, groupSizes: sizes);
        using var inDouble = new MinibatchObjective<double>(model, Learner, data.Shape, 8, data.Steps, 10, WindowMode.Reference, 0.01, groupSizes: sizes);
        var g1 = new float[initial.Length];
        var g2 = new double[initial.Length];
        var l1 = inFloat.Evaluate(data, episodes, 2, initial, g1);
        var l2 = inDouble.Evaluate(data, episodes, 2, initial.Select(v => (double)v).ToArray(), g2);
        Assert.Equal(l2.ScoredActions, l1.ScoredActions);
        Assert.Equal(l2.Loss, l1.Loss, 3);
        double scale = g2.Max(Math.Abs);
        Assert.True(scale > 0);
        for (int i = 0; i < g1.Length; i++) Assert.True(Math.Abs(g1[i] - g2[i]) <= 1e-4 * scale, $"coordinate {i}: {g1[i]} vs {g2[i]}");
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void Fit_OnGroups_IsBitIdentical_OnOneAndTwoThreads(string name)
    {
        var (model, data, initial) = Game(name);
        float[] Run(int threads) => new Fitter(model, Learner, FitOptions.Reference with { Epochs = 3, BatchSize = 4, Window = 8, Threads = threads, Seed = 5 })
            .Fit(data, initial).Parameters.ToArray();
        var one = Run(1);
        Assert.NotEqual(initial, one);
        Assert.Equal(one, Run(2));
    }

    [Fact]
    public void PooledAnonymous_TellsGroupSizesApart_WhereSharesAlikeDoNot()
    {
        var pooled = new PooledAnonymous(2, hidden: 8);
        pooled.InitializeParameters(new Random(4));
        var shares = new AnonymousCount(2, hidden: 8);
        shares.InitializeParameters(new Random(4));
        var pooledTheta = new float[pooled.Layout.TotalLength];
        pooled.ReadParameters(pooledTheta);
        var sharesTheta = new float[shares.Layout.TotalLength];
        shares.ReadParameters(sharesTheta);
        // One volunteer (action 1) among the others of a pair and of a group of five: the same shares, other sizes.
        int[] pair = [0, 1], five = [0, 4];

        Assert.Equal(shares.Payoff(sharesTheta, 0, pair), shares.Payoff(sharesTheta, 0, five));
        Assert.NotEqual(pooled.Payoff(pooledTheta, 0, pair), pooled.Payoff(pooledTheta, 0, five));
        Assert.IsAssignableFrom<IBatchedAnonymousMechanism>(pooled);
    }
}
