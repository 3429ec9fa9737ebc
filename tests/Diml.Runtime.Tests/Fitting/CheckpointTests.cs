using Diml.Data;
using Diml.Fitting;

namespace Diml.Tests.Fitting;

/// <summary>A fit stopped at any minibatch and resumed from its checkpoint ends exactly where an uninterrupted fit does.</summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("diml-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly FitOptions Options = new() { Epochs = 6, BatchSize = 8, Window = 12, LearningRate = 1e-2, Seed = 5, Threads = 1 };

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
