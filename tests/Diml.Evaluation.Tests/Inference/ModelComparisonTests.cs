using Diml.Evaluation.Inference;

namespace Diml.Evaluation.Tests.Inference;

public sealed class ModelComparisonTests
{
    private static ComparedModel Model(string name, int parameters, params double[] episodeNll) => new(name, false, episodeNll, 100, parameters);

    [Fact]
    public void Criteria_FollowTheirFormulas()
    {
        var m = Model("m", 3, 10, 20, 30);
        Assert.Equal(-60, m.LogLikelihood);
        Assert.Equal(-0.6, m.LogLikelihoodPerDecision, 12);
        Assert.Equal((2 * 3) + 120, m.Aic);
        Assert.Equal((3 * Math.Log(100)) + 120, m.Bic, 12);
    }

    [Fact]
    public void LikelihoodRatio_HasTheChiSquaredTail()
    {
        // LR = 2·(60 − 58.08) = 3.84 on 1 df: p ≈ 0.05 (the χ²₁ 95% quantile is 3.8415).
        var test = ModelComparison.LikelihoodRatio(Model("small", 2, 30, 30), Model("big", 3, 29, 29.08));
        Assert.Equal(3.84, test.Statistic, 10);
        Assert.Equal(1, test.DegreesOfFreedom);
        Assert.Equal(0.05004, test.PValue, 4);
        Assert.Equal(1, ModelComparison.LikelihoodRatio(Model("small", 2, 30, 30), Model("big", 4, 31, 30)).PValue);
        Assert.Throws<ArgumentException>(() => ModelComparison.LikelihoodRatio(Model("a", 3, 1, 1), Model("b", 3, 1, 1)));
    }

    [Fact]
    public void Vuong_IsTheStudentisedMeanOfTheEpisodeDifferences()
    {
        var first = Model("first", 2, 10, 11, 12, 13);
        var second = Model("second", 2, 11, 11.5, 13, 14);
        // m = (1, 0.5, 1, 1): mean 0.875, sd 0.25 → z = 2·0.875/0.25 = 7.
        var test = ModelComparison.Vuong(first, second);
        Assert.Equal(7, test.Statistic, 10);
        Assert.True(test.PValue < 1e-10);
        Assert.Equal("first", test.Preferred);
        Assert.Null(ModelComparison.Vuong(first, Model("same", 2, 10.1, 10.9, 12.1, 12.9)).Preferred);
    }

    [Fact]
    public void Folds_AreBalanced_AndFixedByTheSeed()
    {
        var folds = ModelComparison.Folds(23, 5, 7);
        Assert.Equal(folds, ModelComparison.Folds(23, 5, 7));
        Assert.NotEqual(folds, ModelComparison.Folds(23, 5, 8));
        var sizes = folds.GroupBy(f => f).Select(g => g.Count()).Order().ToArray();
        Assert.Equal([4, 4, 5, 5, 5], sizes);
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelComparison.Folds(3, 4, 0));
    }

    [Fact]
    public void Best_MarksEachCriterion()
    {
        var a = Model("a", 1, 50, 50) with { CrossValidatedNllPerDecision = 1.2 };
        var b = Model("b", 10, 48, 48) with { CrossValidatedNllPerDecision = 1.1 };
        var best = ModelComparison.Best([a, b]);
        Assert.Equal("b", best["log_likelihood"]);
        Assert.Equal("a", best["aic"]);
        Assert.Equal("a", best["bic"]);
        Assert.Equal("b", best["cv_nll"]);
    }

    [Fact]
    public void CrossValidation_ScoresEachEpisodeAtTheFitOfTheOtherFolds()
    {
        var panel = new LogisticPanel(episodes: 12, rows: 15, truth: [0.2, 0.7], seed: 9);
        var folds = ModelComparison.Folds(12, 3, 1);
        var full = MaximumLikelihood.Polish(panel, [0, 0]).Estimate;
        var heldOut = ModelComparison.CrossValidatedEpisodeNll(panel, full, folds);
        for (int f = 0; f < 3; f++)
        {
            var training = Enumerable.Range(0, 12).Where(e => folds[e] != f).ToArray();
            var fit = MaximumLikelihood.Polish(panel, [0, 0], episodes: training).Estimate;
            foreach (int e in Enumerable.Range(0, 12).Where(e => folds[e] == f))
                Assert.Equal(panel.EpisodeNll(e, fit, []), heldOut[e], 6);
        }
        // Held out is worse than in sample.
        Assert.True(heldOut.Sum() > ModelComparison.EpisodeNll(panel, full).Sum());
    }

    [Theory]
    [InlineData(2, 5)]
    [InlineData(3, 4)]
    [InlineData(5, 3)]
    public void CrossValidation_SharedBetweenProcesses_IsBitIdenticalToOneProcess(int processes, int k)
    {
        var panel = new LogisticPanel(episodes: 14, rows: 10, truth: [0.2, 0.7], seed: 9);
        var folds = ModelComparison.Folds(14, k, 2);
        var full = MaximumLikelihood.Polish(panel, [0, 0]).Estimate;
        var alone = ModelComparison.CrossValidatedEpisodeNll(panel, full, folds);
        var groups = Diml.Tests.ThreadProcessGroup.Create(processes);
        var results = new double[processes][];
        // Each process has its own likelihood (a likelihood is not shared between threads).
        var workers = groups.Select((group, r) => new Thread(() => results[r] = ModelComparison.CrossValidatedEpisodeNll(
            new LogisticPanel(episodes: 14, rows: 10, truth: [0.2, 0.7], seed: 9), full, folds, processes: group))).ToArray();
        foreach (var worker in workers) worker.Start();
        foreach (var worker in workers) worker.Join();
        foreach (var result in results)
            Assert.Equal(alone.Select(BitConverter.DoubleToInt64Bits), result.Select(BitConverter.DoubleToInt64Bits));
        Assert.All(groups, g => Assert.Equal(1, g.Exchanges));
    }
}
