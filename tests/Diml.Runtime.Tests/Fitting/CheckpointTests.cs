using Diml.Data;
using Diml.Fitting;

namespace Diml.Tests.Fitting;

/// <summary>A fit stopped at any minibatch and resumed from its checkpoint ends exactly where an uninterrupted fit does.</summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("diml-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly FitOptions Options = FitOptions.Reference with { Epochs = 6, BatchSize = 8, Window = 12, LearningRate = 1e-2, Seed = 5, Threads = 1 };

    [Theory]
    [InlineData(PayoffForm.Joint, 1, 0)]      // after epoch 1
    [InlineData(PayoffForm.Joint, 3, 0)]      // after epoch 3
    [InlineData(PayoffForm.PerAgent, 5, 0)]   // after epoch 5
    [InlineData(PayoffForm.Anonymous, 2, 2)]  // in epoch 3, after its second minibatch
    [InlineData(PayoffForm.Joint, 0, 1)]      // in the first epoch, after one minibatch
    public void InterruptedAndResumedFit_IsBitIdenticalToAStraightFit(PayoffForm form, int epochs, int minibatches)
    {
        var (model, data) = FitterTests.SmallProblem(form, new GameShape(4, 3));
        var initial = model.Parameters();
        var straight = new Fitter(model, TestGames.SmallGameLearner(), Options).Fit(data, initial);

        string path = Path.Combine(_folder, "fit.checkpoint");
        using var stop = new CancellationTokenSource();
        int done = 0, target = epochs * 5 + minibatches; // 40 episodes / batch 8 = 5 minibatches per epoch
        var interrupted = new Fitter(model, TestGames.SmallGameLearner(), Options)
        {
            Checkpointing = new FitCheckpointing(path, EveryEpochs: 2),
            MinibatchCompleted = () => { if (++done == target) stop.Cancel(); },
        }.Fit(data, initial, cancellationToken: stop.Token);
        Assert.True(interrupted.Cancelled);
        Assert.Equal(path, interrupted.CheckpointPath);
        Assert.Equal(epochs, interrupted.Curve.Count);

        var checkpoint = FitCheckpoint.Read(path);
        Assert.Equal(epochs, checkpoint.State.Epoch);
        // Resumed on another thread count: results do not depend on it.
        var resumed = new Fitter(model, TestGames.SmallGameLearner(), Options with { Threads = 2 })
            .Resume(data, initial, checkpoint, path);

        Assert.True(straight.Completed && resumed.Completed);
        Assert.Equal(TestGames.Bits(straight.Parameters), TestGames.Bits(resumed.Parameters));
        Assert.Equal(straight.Curve.Select(r => r.MeanLoss), resumed.Curve.Select(r => r.MeanLoss));
        Assert.Equal(straight.BestEpoch, resumed.BestEpoch);
        Assert.Equal(TestGames.Bits(straight.BestParameters), TestGames.Bits(resumed.BestParameters));
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(1, 3)]
    public void InterruptedAndResumedFit_WithEstimatedLearnerParameters_IsBitIdenticalToAStraightFit(int epochs, int minibatches)
    {
        var (model, data) = FitterTests.SmallProblem(PayoffForm.Anonymous, new GameShape(4, 3));
        var initial = model.Parameters();
        static Diml.Learning.LogitQ Rule() => new(0.5f, 3f, 0.2f);
        static LearnerParameters Estimated(ILearnableRule rule) => new(rule, ["alpha", "epsilon"]);
        var straightRule = Rule();
        var straight = new Fitter(model, straightRule, Options) { Learner = Estimated(straightRule) }.Fit(data, initial);

        string path = Path.Combine(_folder, "fit.checkpoint");
        using var stop = new CancellationTokenSource();
        int done = 0, target = epochs * 5 + minibatches;
        var interruptedRule = Rule();
        var interrupted = new Fitter(model, interruptedRule, Options)
        {
            Learner = Estimated(interruptedRule),
            Checkpointing = new FitCheckpointing(path, EveryEpochs: 2),
            MinibatchCompleted = () => { if (++done == target) stop.Cancel(); },
        }.Fit(data, initial, cancellationToken: stop.Token);
        Assert.True(interrupted.Cancelled);

        var resumedRule = Rule();
        var resumed = new Fitter(model, resumedRule, Options with { Threads = 2 }) { Learner = Estimated(resumedRule) }
            .Resume(data, initial, FitCheckpoint.Read(path), path);
        Assert.True(straight.Completed && resumed.Completed);
        Assert.Equal(TestGames.Bits(straight.JointParameters), TestGames.Bits(resumed.JointParameters));
        Assert.Equal(straight.LearnerValues, resumed.LearnerValues);
        Assert.Equal(straightRule.Alpha, resumedRule.Alpha);
    }

    [Theory]
    [InlineData(1, 0)]   // after epoch 1, before the best
    [InlineData(-1, 0)]  // two epochs after the best epoch: the patience counter is at 2
    [InlineData(-2, 2)]  // in the epoch the patience stops, after its second minibatch
    [InlineData(-3, 1)]  // in the first epoch after the best, after one minibatch
    public void InterruptedAndResumedFit_WithValidationAndPatience_IsBitIdenticalToAStraightFit(int epochs, int minibatches)
    {
        var (model, data) = EarlyStoppingTests.Overfitting();
        var initial = model.Parameters();
        var options = EarlyStoppingTests.OverfitOptions with { Epochs = 60, Patience = 12 };
        var straight = new Fitter(model, TestGames.SmallGameLearner(), options).Fit(data, initial);
        Assert.Equal(FitStopReason.Patience, straight.StopReason);
        int stop = straight.Curve.Count, best = straight.BestEpoch;
        Assert.True(best >= 2 && stop == best + 12, $"best {best}, stopped at {stop}");
        epochs = epochs switch { -1 => best + 2, -2 => stop - 1, -3 => best, _ => epochs };

        string path = Path.Combine(_folder, "fit.checkpoint");
        using var cancel = new CancellationTokenSource();
        int done = 0, target = epochs * 3 + minibatches; // 6 fitted episodes / batch 2 = 3 minibatches per epoch
        var interrupted = new Fitter(model, TestGames.SmallGameLearner(), options)
        {
            Checkpointing = new FitCheckpointing(path, EveryEpochs: 4),
            MinibatchCompleted = () => { if (++done == target) cancel.Cancel(); },
        }.Fit(data, initial, cancellationToken: cancel.Token);
        Assert.Equal(FitStopReason.Cancelled, interrupted.StopReason);
        var checkpoint = FitCheckpoint.Read(path);
        Assert.Equal(epochs, checkpoint.State.Epoch);
        Assert.Equal(Math.Min(epochs, best), checkpoint.State.BestEpoch);
        Assert.Equal(Math.Max(0, epochs - best), checkpoint.State.EpochsSinceBest);
        Assert.Equal(straight.Curve.Take(epochs).Select(r => r.ValidationNll), checkpoint.Curve.Select(r => r.ValidationNll));

        var resumed = new Fitter(model, TestGames.SmallGameLearner(), options with { Threads = 2 }).Resume(data, initial, checkpoint, path);
        Assert.Equal(FitStopReason.Patience, resumed.StopReason);
        Assert.Equal(straight.Curve, resumed.Curve.Select((r, j) => r with { Seconds = straight.Curve[j].Seconds }));
        Assert.Equal(TestGames.Bits(straight.Parameters), TestGames.Bits(resumed.Parameters));
        Assert.Equal(TestGames.Bits(straight.FinalParameters), TestGames.Bits(resumed.FinalParameters));
        Assert.Equal(best, resumed.BestEpoch);
        Assert.Equal(straight.BestValidationNll, resumed.BestValidationNll);
    }

    [Fact]
    public void Resume_WithOtherValidationSettings_NamesThem()
    {
        var (model, data) = EarlyStoppingTests.Overfitting();
        var initial = model.Parameters();
        string path = Path.Combine(_folder, "fit.checkpoint");
        using var cancel = new CancellationTokenSource();
        var options = EarlyStoppingTests.OverfitOptions with { Epochs = 10, Patience = 4 };
        new Fitter(model, TestGames.SmallGameLearner(), options) { Checkpointing = new FitCheckpointing(path), MinibatchCompleted = cancel.Cancel }
            .Fit(data, initial, cancellationToken: cancel.Token);
        var fitter = new Fitter(model, TestGames.SmallGameLearner(), options with { ValidationFraction = 0.3, Patience = 5, MinSteps = 100 });
        var error = Assert.Throws<CheckpointMismatchException>(() => fitter.Resume(data, initial, FitCheckpoint.Read(path), path));
        Assert.Equal(["ValidationFraction", "Patience", "MinSteps"], error.Differences.Select(d => d.Name));
    }

    [Fact]
    public void Resume_WithOtherSettings_NamesEveryDifference()
    {
        var (model, data) = FitterTests.SmallProblem(PayoffForm.Joint, new GameShape(4, 3));
        var initial = model.Parameters();
        string path = Path.Combine(_folder, "fit.checkpoint");
        using var stop = new CancellationTokenSource();
        new Fitter(model, TestGames.SmallGameLearner(), Options)
        {
            Checkpointing = new FitCheckpointing(path, Settings: new Dictionary<string, string> { ["init-seed"] = "4" }),
            MinibatchCompleted = stop.Cancel,
        }.Fit(data, initial, cancellationToken: stop.Token);

        var fitter = new Fitter(model, TestGames.SmallGameLearner(), Options with { LearningRate = 0.5, Seed = 6 })
        {
            Checkpointing = new FitCheckpointing(path, Settings: new Dictionary<string, string> { ["init-seed"] = "5" }),
        };
        var error = Assert.Throws<CheckpointMismatchException>(() => fitter.Resume(data, initial, FitCheckpoint.Read(path), path));
        Assert.Equal(["LearningRate", "Seed", "init-seed"], error.Differences.Select(d => d.Name));
        Assert.Contains("LearningRate 0.5 (checkpoint: 0.01)", error.Message);
    }

    [Fact]
    public void CompletedFit_WritesPeriodicCheckpoints_OnlyBeforeTheEnd()
    {
        var (model, data) = FitterTests.SmallProblem(PayoffForm.PerAgent, new GameShape(4, 3));
        string path = Path.Combine(_folder, "fit.checkpoint");
        var result = new Fitter(model, TestGames.SmallGameLearner(), Options) { Checkpointing = new FitCheckpointing(path, EveryEpochs: 4) }
            .Fit(data, model.Parameters());
        Assert.True(result.Completed);
        Assert.Null(result.CheckpointPath);
        Assert.Equal(4, FitCheckpoint.Read(path).State.Epoch);
    }

    [Fact]
    public void Read_CorruptState_NamesTheJsonPath()
    {
        var (model, data) = FitterTests.SmallProblem(PayoffForm.Joint, new GameShape(4, 3));
        string path = Path.Combine(_folder, "fit.checkpoint");
        new Fitter(model, TestGames.SmallGameLearner(), Options) { Checkpointing = new FitCheckpointing(path, EveryEpochs: 1) }
            .Fit(data, model.Parameters());
        string text = File.ReadAllText(path);
        File.WriteAllText(path, System.Text.RegularExpressions.Regex.Replace(text, "\"adamSteps\": [0-9]+", "\"adamSteps\": \"x\""));
        var error = Assert.Throws<ModelFileException>(() => FitCheckpoint.Read(path));
        Assert.Equal("$.state.adamSteps", error.JsonPath);
        Assert.Contains("expected an integer in 0..2147483647, found the string \"x\"", error.Message);
    }
}
