using Diml.Data;
using Diml.Evaluation.Baselines;
using Diml.Mechanisms;
using Diml.Fitting;
using Diml.Learning;
using Diml.Simulation;

namespace Diml.Evaluation.Tests.Baselines;

public sealed class LikelihoodBaselineTests
{
    private static readonly LogitQ Learner = new(0.25f, 3f, 0.06f);

    [Fact]
    public void DimlWrong_ScalesBetaByZeroPointSix_AndKeepsAlphaAndEpsilon()
    {
        var rule = DimlWrong.MisspecifiedRule(Learner);
        Assert.Equal(3f * 0.6f, rule.Beta);
        Assert.Equal(Learner.Alpha, rule.Alpha);
        Assert.Equal(Learner.Epsilon, rule.Epsilon);

        var estimator = DimlWrong.Create(new Congestion(4), Learner, new FitOptions());
        Assert.Equal("DIML_Wrong", estimator.Name);
        Assert.Equal(1.8f, ((LogitQ)estimator.Rule).Beta, 6);
        Assert.Equal(1.8, estimator.Rule.Hyperparameters["beta"], 6);
    }

    [Fact]
    public void TabularMle_FitsATableThroughTheTrueLearner_AndImprovesTheLikelihood()
    {
        var shape = new GameShape(2, 3);
        var truth = Congestion.RandomTruth(3, new Random(1));
        var theta = new float[truth.Layout.TotalLength];
        truth.ReadParameters(theta);
        var (train, test) = Simulator.Simulate(truth, theta, Learner, shape, episodes: 20, steps: 30, seed: 4).Split();

        var options = FitOptions.Reference with { Epochs = 15, BatchSize = 8, Window = 20, LearningRate = 0.05, Seed = 2, Threads = 2 };
        var estimator = TabularMle.Create(shape, Learner, options);
        Assert.Equal("TabularMLE", estimator.Name);
        Assert.IsType<Tabular>(estimator.Mechanism);
        Assert.Same(Learner, estimator.Rule);
        var initial = new float[estimator.Mechanism.Layout.TotalLength];
        double before = estimator.TestNll(initial, test);
        var result = estimator.Fit(train);
        Assert.True(result.Completed);
        double after = estimator.TestNll(result.Parameters, test);
        Assert.Equal(Math.Log(3), before, 6);   // all-zero table: uniform play
        Assert.True(after < before - 0.01, $"test NLL {before} → {after}");
        // The fitted parameters are written back, and the payoff model reads them.
        var payoffs = estimator.PayoffModel(shape);
        int[] joint = [2, 1];
        Assert.Equal(result.Parameters[((Tabular)estimator.Mechanism).Index(joint) * 2 + 1], payoffs.Payoff(joint, 1));
    }

    [Fact]
    public void TabularMle_SupportsOnlyGamesOfAtMost20000JointActions()
    {
        Assert.True(TabularMle.Supports(new GameShape(3, 6)));
        Assert.True(TabularMle.Supports(new GameShape(4, 5)));
        Assert.False(TabularMle.Supports(new GameShape(40, 10)));
        Assert.Throws<ArgumentOutOfRangeException>(() => TabularMle.Create(new GameShape(40, 10), Learner, new FitOptions()));
    }

    [Fact]
    public void StructMle_StartsFromThePaperInitialisation()
    {
        var publicGoods = StructMle.ForPublicGoods(7, Learner, new FitOptions(), new Random(1));
        Assert.Equal("StructMLE", publicGoods.Name);
        var family = Assert.IsType<PublicGoods>(publicGoods.Mechanism);
        Assert.Equal((2f, 1f, 0.8f), (family.Steepness, family.Scale, family.Cost));
        Assert.Contains(family.W1.Cast<float>(), w => w != 0);

        var congestion = Assert.IsType<Congestion>(StructMle.ForCongestion(5, Learner, new FitOptions()).Mechanism);
        Assert.All(congestion.Toll, t => Assert.Equal(0f, t));
    }

    [Fact]
    public void StartSession_RunsEpochsFromTheMechanismsParameters_WithoutWritingThem()
    {
        var shape = new GameShape(3, 4);
        var truth = Congestion.RandomTruth(4, new Random(2));
        var theta = new float[truth.Layout.TotalLength];
        truth.ReadParameters(theta);
        var data = Simulator.Simulate(truth, theta, Learner, shape, episodes: 8, steps: 12, seed: 1);
        var estimator = StructMle.ForCongestion(4, Learner, FitOptions.Reference with { Epochs = 2, BatchSize = 4, Window = 10, Threads = 1 });
        using var session = estimator.StartSession(data);
        session.RunEpoch();
        Assert.Equal(1, session.Epoch);
        Assert.Contains(session.Parameters.ToArray(), p => p != 0);
        Assert.All(((Congestion)estimator.Mechanism).LinearCost, c => Assert.Equal(0f, c));
    }
}
