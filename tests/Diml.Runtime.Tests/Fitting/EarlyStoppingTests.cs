using Diml.Data;
using Diml.Fitting;
using Diml.Tests.Fitting.Models;

namespace Diml.Tests.Fitting;

/// <summary>
/// Validation, selection of the best-validation epoch, patience and the step budget (<see cref="FitOptions.ValidationFraction"/>,
/// <see cref="FitOptions.Patience"/>, <see cref="FitOptions.MinSteps"/>).
/// </summary>
public sealed class EarlyStoppingTests
{
    /// <summary>
    /// A network far larger than its data: 8 training episodes of 20 steps (6 fitted, 2 validation) of a 3 × 6 game
    /// (216 joint actions), a 32-wide hidden layer, no regularizer. It fits the six episodes ever better while its validation NLL first
    /// falls, then rises.
    /// </summary>
    internal static (SmallNeuralJointMechanism Model, Trajectories Data) Overfitting()
    {
        var shape = new GameShape(3, 6);
        var truth = TestGames.Neural(shape, hidden: 8, seed: 1);
        var data = TestGames.Simulate(truth, shape, episodes: 8, steps: 20, seed: 5);
        return (TestGames.Neural(shape, hidden: 32, seed: 2), data);
    }

    internal static readonly FitOptions OverfitOptions = new()
    {
        Epochs = 120, BatchSize = 2, Window = 20, LearningRate = 0.01, Lambda = 0, WeightDecay = 0, MinSteps = 0, Patience = 0, Seed = 3, Threads = 1,
    };

    [Fact]
    public void Validation_SelectsTheEpochWithTheLowestValidationNll_OfAFitThatOverfits()
    {
        var (model, data) = Overfitting();
        var result = new Fitter(model, TestGames.SmallGameLearner(), OverfitOptions).Fit(data, model.Parameters());

        Assert.Equal(FitStopReason.Completed, result.StopReason);
        Assert.Equal(2, result.ValidationEpisodes);
        Assert.Equal(OverfitOptions.Epochs, result.Curve.Count);
        var validation = result.Curve.Select(r => r.ValidationNll).ToArray();
        int argmin = Array.IndexOf(validation, validation.Min()) + 1;
        Assert.Equal(argmin, result.BestEpoch);
        Assert.Equal(validation.Min(), result.BestValidationNll);
        // It really overfits: the best epoch is well before the end, the validation NLL then rises while the training loss falls.
        Assert.True(result.BestEpoch < OverfitOptions.Epochs - 20, $"best epoch {result.BestEpoch}");
        Assert.True(validation[^1] > result.BestValidationNll + 0.05, $"final {validation[^1]} vs best {result.BestValidationNll}");
        Assert.True(result.Curve[^1].MeanLoss < result.Curve[result.BestEpoch - 1].MeanLoss);

        // The result is the selected epoch's parameters, not the last ones, and its validation NLL is the one recorded.
        Assert.Equal(TestGames.Bits(result.BestParameters), TestGames.Bits(result.Parameters));
        Assert.NotEqual(TestGames.Bits(result.FinalParameters), TestGames.Bits(result.Parameters));
        int[] validationEpisodes = [6, 7];
        double selected = LikelihoodEvaluator.PerAgentStepNll(model, result.Parameters, TestGames.SmallGameLearner(), data, validationEpisodes);
        double final = LikelihoodEvaluator.PerAgentStepNll(model, result.FinalParameters, TestGames.SmallGameLearner(), data, validationEpisodes);
        Assert.Equal(result.BestValidationNll, selected, 1e-9);
        Assert.Equal(validation[^1], final, 1e-9);

        // Fitting the mechanism itself writes the selected parameters into it.
        var written = new Fitter(model, TestGames.SmallGameLearner(), OverfitOptions).Fit(data);
        Assert.Equal(TestGames.Bits(result.Parameters), TestGames.Bits(written.Parameters));
        Assert.Equal(TestGames.Bits(result.Parameters), TestGames.Bits(model.Parameters()));
    }

    [Fact]
    public void Validation_NeverFitsOnTheHeldOutEpisodes()
    {
        // Changing the validation episodes' actions changes the validation NLLs but not one bit of the training.
        var (model, data) = Overfitting();
        var initial = model.Parameters();
        var options = OverfitOptions with { Epochs = 10 };
        var a = new Fitter(model, TestGames.SmallGameLearner(), options).Fit(data, initial);
        var actions = data.AsSpan().ToArray();
        int perEpisode = data.Steps * data.Shape.Agents;
        for (int j = 6 * perEpisode; j < actions.Length; j++) actions[j] = (actions[j] + 1) % data.Shape.Actions;
        var changed = new Trajectories(data.Shape, data.Episodes, data.Steps, actions);
        var b = new Fitter(model, TestGames.SmallGameLearner(), options).Fit(changed, initial);
        Assert.Equal(TestGames.Bits(a.FinalParameters), TestGames.Bits(b.FinalParameters));
        Assert.Equal(a.Curve.Select(r => r.MeanLoss), b.Curve.Select(r => r.MeanLoss));
        Assert.NotEqual(a.Curve.Select(r => r.ValidationNll), b.Curve.Select(r => r.ValidationNll));
    }

    [Fact]
    public void Patience_StopsAfterThatManyEpochsWithoutABetterValidationNll()
    {
        var (model, data) = Overfitting();
        var initial = model.Parameters();
        var all = new Fitter(model, TestGames.SmallGameLearner(), OverfitOptions).Fit(data, initial);
        var stopped = new Fitter(model, TestGames.SmallGameLearner(), OverfitOptions with { Patience = 10 }).Fit(data, initial);

        Assert.Equal(FitStopReason.Patience, stopped.StopReason);
        Assert.True(stopped.Completed);
        Assert.Equal(stopped.BestEpoch + 10, stopped.Curve.Count);
        Assert.True(stopped.Curve.Count < all.Curve.Count);
        // Up to the stop it is the same fit, epoch for epoch.
        Assert.Equal(all.Curve.Take(stopped.Curve.Count).Select(r => (r.MeanLoss, r.ValidationNll)), stopped.Curve.Select(r => (r.MeanLoss, r.ValidationNll)));
        // Every epoch of the last 10 was worse than the selected one, and the selected one is the best up to the stop.
        Assert.All(stopped.Curve.Skip(stopped.BestEpoch), r => Assert.True(r.ValidationNll >= stopped.BestValidationNll));
        Assert.Equal(stopped.Curve.Min(r => r.ValidationNll), stopped.BestValidationNll);
    }

    [Fact]
    public void PatienceZero_RunsEveryPlannedEpoch_AndStillSelects()
    {
        var (model, data) = Overfitting();
        var result = new Fitter(model, TestGames.SmallGameLearner(), OverfitOptions with { Epochs = 30 }).Fit(data, model.Parameters());
        Assert.Equal(30, result.Curve.Count);
        Assert.Equal(30, result.PlannedEpochs);
        Assert.Equal(FitStopReason.Completed, result.StopReason);
        Assert.Equal(30 * 3, result.OptimizerSteps); // 6 fitted episodes / batch 2
        Assert.InRange(result.BestEpoch, 1, 30);
    }

    [Fact]
    public void ReferenceOptions_GiveTheOldFit_AllEpisodesExactlyTheEpochsAndTheLastParameters()
    {
        var (model, data) = Overfitting();
        var initial = model.Parameters();
        var options = FitOptions.Reference with { Epochs = 12, BatchSize = 2, Window = 20, LearningRate = 0.03, Seed = 3, Threads = 1 };
        var result = new Fitter(model, TestGames.SmallGameLearner(), options).Fit(data, initial);

        Assert.Equal(0, result.ValidationEpisodes);
        Assert.Equal(12, result.Curve.Count);
        Assert.Equal(12 * 4, result.OptimizerSteps); // all 8 episodes / batch 2
        Assert.All(result.Curve, r => Assert.True(double.IsNaN(r.ValidationNll)));
        Assert.True(double.IsNaN(result.BestValidationNll));
        Assert.Equal(TestGames.Bits(result.FinalParameters), TestGames.Bits(result.Parameters));
        // Without validation the best epoch is, as before, the lowest mean training loss.
        var losses = result.Curve.Select(r => r.MeanLoss).ToArray();
        Assert.Equal(Array.IndexOf(losses, losses.Min()) + 1, result.BestEpoch);

        // The same as driving a session by hand for 12 epochs: nothing held out, nothing stopped.
        using var session = new FitSession(model, TestGames.SmallGameLearner(), data, options, initial);
        for (int epoch = 0; epoch < 12; epoch++) session.RunEpoch();
        Assert.Equal(TestGames.Bits(session.Parameters), TestGames.Bits(result.Parameters));
    }

    [Fact]
    public void MinSteps_GivesASmallFileEnoughOptimiserSteps()
    {
        var (model, data) = Overfitting();
        // 8 episodes, 2 for validation, batch 32: one minibatch per epoch, so 10 epochs would be 10 steps.
        var options = new FitOptions { Epochs = 10, BatchSize = 32, Window = 20, MinSteps = 75, Patience = 0, Threads = 1 };
        Assert.Equal(1, options.MinibatchesPerEpoch(data.Episodes));
        Assert.Equal(75, options.PlannedEpochs(data.Episodes));
        var result = new Fitter(model, TestGames.SmallGameLearner(), options).Fit(data, model.Parameters());
        Assert.Equal(75, result.Curve.Count);
        Assert.Equal(75, result.OptimizerSteps);
        Assert.All(result.Curve, r => Assert.Equal(75, r.Epochs));
        // When the epochs already give enough steps, the budget adds none.
        Assert.Equal(10, (options with { MinSteps = 0 }).PlannedEpochs(data.Episodes));
        Assert.Equal(100, new FitOptions { BatchSize = 8, MinSteps = 400 }.PlannedEpochs(40)); // 32 fitted / 8 = 4 per epoch
        Assert.Equal(125, new FitOptions { BatchSize = 8, MinSteps = 500 }.PlannedEpochs(40));
        // The patience stretches with the epochs: 4 of 10 epochs become 30 of 75.
        Assert.Equal(30, (options with { Patience = 4 }).PatienceEpochs(data.Episodes));
        Assert.Equal(4, (options with { Patience = 4, MinSteps = 0 }).PatienceEpochs(data.Episodes));
        Assert.Equal(0, (options with { Patience = 0 }).PatienceEpochs(data.Episodes));
        using var session = new FitSession(model, TestGames.SmallGameLearner(), data, options with { Patience = 4 }, model.Parameters());
        Assert.Equal(30, session.PatienceEpochs);
        using var unvalidated = new FitSession(model, TestGames.SmallGameLearner(), data, options with { Patience = 4, ValidationFraction = 0 }, model.Parameters());
        Assert.Equal(0, unvalidated.PatienceEpochs);
    }

    [Theory]
    [InlineData(0.2, 40, 8)]
    [InlineData(0.2, 48, 10)]   // 9.6 rounds to 10
    [InlineData(0.2, 2, 1)]     // at least one of each
    [InlineData(0.9, 5, 4)]     // at most all but one
    [InlineData(0.2, 1, 0)]     // one episode: nothing to hold out
    [InlineData(0.0, 40, 0)]    // off
    public void ValidationEpisodes_AreTheRoundedFraction_LeavingBothPartsAnEpisode(double fraction, int episodes, int expected) =>
        Assert.Equal(expected, new FitOptions { ValidationFraction = fraction }.ValidationEpisodes(episodes));

    [Fact]
    public void FitOptions_RejectBadValidationSettings()
    {
        Assert.Contains("ValidationFraction: expected a fraction in [0, 1)", Assert.Throws<ArgumentOutOfRangeException>(() => new FitOptions { ValidationFraction = 1 }.Validate()).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FitOptions { ValidationFraction = double.NaN }.Validate());
        Assert.Contains("Patience", Assert.Throws<ArgumentOutOfRangeException>(() => new FitOptions { Patience = -1 }.Validate()).Message);
        Assert.Contains("MinSteps", Assert.Throws<ArgumentOutOfRangeException>(() => new FitOptions { MinSteps = -1 }.Validate()).Message);
    }
}
