using Diml.Data;
using Diml.Fitting;

namespace Diml.Evaluation.Baselines;

/// <summary>
/// The built-in behavioural baselines every evaluation reports (<c>docs/baselines.md</c>): <see cref="UniformBaseline"/>,
/// <see cref="ActionFrequencyBaseline"/> and <see cref="OwnPreviousChoiceBaseline"/>, estimated on training episodes and
/// scored on the held-out decisions the model is scored on.
/// </summary>
public static class BehaviouralBaselines
{
    // Each baseline reads an agent's previous action at t − 1 of the same episode; with absences that step may not
    // exist, so such data are refused until the baselines score them the way the model does.
    private const string What = "the behavioural baselines";

    /// <summary>The three baselines, estimated on <paramref name="training"/>, in report order.</summary>
    /// <exception cref="DataFormatException">The data have groups or absent agents (not taken yet).</exception>
    public static IReadOnlyList<BehaviouralBaseline> Fit(Trajectories training)
    {
        ArgumentNullException.ThrowIfNull(training);
        training.RequireFullPlay(What);
        return [new UniformBaseline(training.Shape.Actions), ActionFrequencyBaseline.Fit(training), OwnPreviousChoiceBaseline.Fit(training)];
    }

    /// <summary>
    /// Fits the baselines on <paramref name="training"/>, scores them on <paramref name="test"/> and sets each beside
    /// <paramref name="modelNll"/>, the model's NLL per scored agent-step of <paramref name="test"/>.
    /// </summary>
    public static IReadOnlyList<BaselineComparison> Compare(Trajectories training, Trajectories test, double modelNll, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(test);
        test.RequireFullPlay(What);
        if (training.Shape.Actions != test.Shape.Actions)
            throw new ArgumentException($"{nameof(training)}: expected training data of {test.Shape.Actions} actions (the test data's), found {training.Shape.Actions}.", nameof(training));
        return Fit(training)
            .Select(b => new BaselineComparison(b.Name, b.Description, LikelihoodEvaluator.PerAgentStepNll(() => b, test, threads), modelNll))
            .ToArray();
    }
}
