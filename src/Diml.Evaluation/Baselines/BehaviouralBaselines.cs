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
    /// <summary>The three baselines, estimated on <paramref name="training"/>, in report order.</summary>
    /// <remarks>Groups do not matter to them (they ignore payoffs); with absent agents they score the decisions the model scores.</remarks>
    public static IReadOnlyList<BehaviouralBaseline> Fit(Trajectories training)
    {
        ArgumentNullException.ThrowIfNull(training);
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
        if (training.Shape.Actions != test.Shape.Actions)
            throw new ArgumentException($"{nameof(training)}: expected training data of {test.Shape.Actions} actions (the test data's), found {training.Shape.Actions}.", nameof(training));
        return Fit(training)
            .Select(b => new BaselineComparison(b.Name, b.Description, LikelihoodEvaluator.PerAgentStepNll(() => b, test, threads), modelNll))
            .ToArray();
    }
}
