using Diml.Data;
using Diml.Fitting;
using Diml.Simulation;
using Diml.Tests.Fitting.Models;
using Xunit.Abstractions;

namespace Diml.Tests.Fitting;

public sealed class FitterTests(ITestOutputHelper output)
{
    internal static (HandWrittenMechanism Mechanism, Trajectories Data) SmallProblem(PayoffForm form, GameShape shape, int episodes = 40, int steps = 30)
    {
        var truth = TestGames.Mechanism(form, shape, seed: 3);
        var data = TestGames.Simulate(truth, shape, episodes, steps, seed: 21);
        var model = TestGames.Mechanism(form, shape, seed: 99);
        return (model, data);
    }

    [Theory]
    [InlineData(PayoffForm.Joint, WindowMode.Reference)]
    [InlineData(PayoffForm.PerAgent, WindowMode.Carry)]
    [InlineData(PayoffForm.Anonymous, WindowMode.Reference)]
    public void Fit_IsBitIdentical_OnOneAndTwoThreads(PayoffForm form, WindowMode mode)
    {
        var shape = new GameShape(4, 3);
        var (model, data) = SmallProblem(form, shape);
        var initial = model.Parameters();
        var options = new FitOptions { Epochs = 4, BatchSize = 8, Window = 12, WindowMode = mode, LearningRate = 1e-2, Seed = 5, MinSteps = 0, Patience = 2 };
        var one = new Fitter(model, TestGames.SmallGameLearner(), options with { Threads = 1 }).Fit(data, initial);
        var two = new Fitter(model, TestGames.SmallGameLearner(), options with { Threads = 2 }).Fit(data, initial);
        Assert.True(one.Completed && two.Completed);
        Assert.NotEqual(TestGames.Bits(initial), TestGames.Bits(one.Parameters));
        Assert.Equal(TestGames.Bits(one.Parameters), TestGames.Bits(two.Parameters));
        Assert.Equal(one.Curve.Select(r => r.MeanLoss), two.Curve.Select(r => r.MeanLoss));
        Assert.Equal(one.Curve.Select(r => r.ValidationNll), two.Curve.Select(r => r.ValidationNll));
        Assert.All(one.Curve, r => Assert.True(double.IsFinite(r.ValidationNll)));
        Assert.Equal(one.BestEpoch, two.BestEpoch);
    }

    [Fact]
    public void Fit_WithAnotherSeed_GivesOtherParameters()
    {
        var shape = new GameShape(3, 3);
        var (model, data) = SmallProblem(PayoffForm.Joint, shape);
        var options = new FitOptions { Epochs = 2, BatchSize = 8, Window = 10, Threads = 1, MinSteps = 0 };
        var a = new Fitter(model, TestGames.SmallGameLearner(), options with { Seed = 1 }).Fit(data, model.Parameters());
        var b = new Fitter(model, TestGames.SmallGameLearner(), options with { Seed = 2 }).Fit(data, model.Parameters());
        Assert.NotEqual(TestGames.Bits(a.Parameters), TestGames.Bits(b.Parameters));
    }

    [Fact]
    public void Fit_StopsOnNaN_KeepsLastGoodParameters()
    {
        var shape = new GameShape(4, 5);
        var truth = new CongestionMechanism(5);
        truth.InitializeParameters(new Random(1));
        var data = TestGames.Simulate(truth, shape, 24, 30);
        var poisoned = new PoisonedMechanism(5, limit: 1.0f);
        poisoned.WriteParameters(truth.Parameters());
        var reports = new List<EpochReport>();
        var options = FitOptions.Reference with { Epochs = 50, BatchSize = 4, Window = 10, LearningRate = 0.3, Threads = 2, Seed = 4 };
        var result = new Fitter(poisoned, TestGames.SmallGameLearner(), options).Fit(data, new SyncProgress(reports));

        Assert.NotNull(result.Failure);
        Assert.False(result.Completed);
        Assert.InRange(result.Failure!.Epoch, 1, 50);
        Assert.InRange(result.Failure.Minibatch, 1, 6);
        Assert.Contains("lower the learning rate", result.Failure.Message);
        Assert.Contains($"epoch {result.Failure.Epoch}, minibatch {result.Failure.Minibatch}", result.Failure.Message);
        Assert.Equal(result.Failure.Epoch - 1, result.Curve.Count);
        Assert.Equal(reports, result.Curve);
        // The kept parameters are the last at which the loss was finite: inside the poison limit, finite NLL.
        Assert.All(result.Parameters, v => Assert.InRange(v, -1f, 1f));
        double nll = LikelihoodEvaluator.PerAgentStepNll(poisoned, result.Parameters, TestGames.SmallGameLearner(), data);
        Assert.True(double.IsFinite(nll));
        // And they were written back into the mechanism.
        var written = new float[poisoned.Layout.TotalLength];
        poisoned.ReadParameters(written);
        Assert.Equal(result.Parameters, written);
    }

    [Fact]
    public void Fit_RecoversCongestionPayoffDifferences()
    {
        var shape = new GameShape(4, 5);
        var truth = new CongestionMechanism(5);
        truth.InitializeParameters(new Random(2024));
        var rule = TestGames.SmallGameLearner();
        var data = TestGames.Simulate(truth, shape, 60, 60, seed: 8, rule);
        var training = Subset(data, 48); // first 80%
        var model = new CongestionMechanism(5); // starts at zero
        double before = DiffMse(truth, model, shape);
        var options = FitOptions.Reference with { Epochs = 60, BatchSize = 32, Window = 50, LearningRate = 1e-2, Threads = 2, Seed = 1 };
        var result = new Fitter(model, rule, options).Fit(training);
        double after = DiffMse(truth, model, shape);
        output.WriteLine($"diff_mse {before:E3} → {after:E3}; loss {result.Curve[0].MeanLoss:F4} → {result.Curve[^1].MeanLoss:F4}");
        Assert.True(result.Completed);
        Assert.True(after < 0.05 * before, $"diff_mse {before:E3} → {after:E3}");
        Assert.True(result.Curve[^1].MeanLoss < result.Curve[0].MeanLoss);
    }

    private static Trajectories Subset(Trajectories data, int episodes)
    {
        int n = data.Shape.Agents;
        var actions = new int[episodes * data.Steps * n];
        for (int e = 0; e < episodes; e++)
            for (int t = 0; t < data.Steps; t++)
                data.Step(e, t).CopyTo(actions.AsSpan(((e * data.Steps) + t) * n, n));
        return new Trajectories(data.Shape, episodes, data.Steps, actions);
    }

    /// <summary>The reference's diff_mse: random contexts and two own actions, squared error of the payoff difference.</summary>
    private static double DiffMse(CongestionMechanism truth, CongestionMechanism model, GameShape shape)
    {
        var random = new SplitMix64(77);
        var t = truth.Parameters();
        var m = model.Parameters();
        var joint = new int[shape.Agents];
        double sum = 0;
        const int samples = 4000;
        for (int s = 0; s < samples; s++)
        {
            for (int i = 0; i < shape.Agents; i++) joint[i] = random.NextInt(shape.Actions);
            int agent = random.NextInt(shape.Agents), k1 = random.NextInt(shape.Actions), k2 = random.NextInt(shape.Actions);
            joint[agent] = k1;
            double d1 = truth.Payoff(t, joint, agent) - (double)model.Payoff(m, joint, agent);
            joint[agent] = k2;
            double d2 = truth.Payoff(t, joint, agent) - (double)model.Payoff(m, joint, agent);
            sum += (d1 - d2) * (d1 - d2);
        }
        return sum / samples;
    }

    [Fact]
    public void Fit_ReportsEveryEpochToProgress()
    {
        var shape = new GameShape(3, 3);
        var (model, data) = SmallProblem(PayoffForm.PerAgent, shape, episodes: 10, steps: 12);
        var reports = new List<EpochReport>();
        var result = new Fitter(model, TestGames.SmallGameLearner(), new FitOptions { Epochs = 3, BatchSize = 4, Window = 50, Threads = 1, MinSteps = 0 })
            .Fit(data, new SyncProgress(reports));
        Assert.Equal([1, 2, 3], reports.Select(r => r.Epoch));
        Assert.All(reports, r => Assert.True(double.IsFinite(r.MeanLoss) && r.Seconds >= 0 && r.Epochs == 3));
        Assert.Equal(reports, result.Curve);
    }

    [Fact]
    public void FitOptions_RejectBadSettings_NamingExpectedAndFound()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new FitOptions { Window = 1 }.Validate());
        Assert.Contains("Window", error.Message);
        Assert.Contains("found 1", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FitOptions { LearningRate = double.NaN }.Validate());
    }

    /// <summary>Progress that records synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SyncProgress(List<EpochReport> reports) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => reports.Add(value);
    }
}
