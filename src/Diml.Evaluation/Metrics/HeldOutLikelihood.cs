using Diml.Data;
using Diml.Fitting;

namespace Diml.Evaluation;

/// <summary>
/// <c>nll_test</c> and <c>nll_test_in_support</c>: the NLL per scored agent-step of held-out episodes (every action
/// after the first, <c>Q</c> from <c>Q0</c>; the runtime's <see cref="LikelihoodEvaluator.StepNll"/>), and the same over
/// only the steps <c>t+1</c> whose context <c>a[t]</c> is in the <see cref="TrainingSupport"/> — how well the model
/// predicts where the training data informed it.
/// </summary>
public static class HeldOutLikelihood
{
    /// <summary>The two means and how many agent-steps each averages.</summary>
    public readonly record struct Result(double NllTest, double NllTestInSupport, long ScoredAgentSteps, long InSupportAgentSteps);

    /// <summary>
    /// Scores <paramref name="test"/>; <paramref name="scorer"/> is called once per worker thread. The result does not
    /// depend on <paramref name="threads"/> (per-episode sums added in episode order). <c>NllTestInSupport</c> is NaN
    /// when no step's context is in the support.
    /// </summary>
    public static Result Compute(Func<IStepScorer> scorer, Trajectories test, TrainingSupport support, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(test);
        test.RequireFullPlay("the held-out likelihood (nll_test)");
        ArgumentNullException.ThrowIfNull(support);
        if (support.Shape != test.Shape) throw new ArgumentException($"{nameof(support)}: expected the support of a game of {test.Shape}, found {support.Shape}.", nameof(support));
        if (test.Steps < 2) throw new ArgumentException($"{nameof(test)}: expected episodes of at least 2 steps, found {test.Steps}.", nameof(test));
        var nll = LikelihoodEvaluator.StepNll(scorer, test, threads);
        var key = new ContextKey(test.Shape);
        int episodes = test.Episodes, scoredSteps = test.Steps - 1;
        double allSum = 0, inSupportSum = 0;
        long inSupportSteps = 0;
        for (int e = 0; e < episodes; e++)
        {
            double sum = 0, supported = 0;
            for (int t = 0; t < scoredSteps; t++)
            {
                double stepNll = nll[(e * scoredSteps) + t];
                sum += stepNll;
                if (support.Contains(key.Of(test.Step(e, t)))) { supported += stepNll; inSupportSteps++; }
            }
            allSum += sum;
            inSupportSum += supported;
        }
        int n = test.Agents;
        long scored = (long)episodes * scoredSteps * n;
        long supportedSteps = inSupportSteps * n;
        return new Result(allSum / scored, supportedSteps == 0 ? double.NaN : inSupportSum / supportedSteps, scored, supportedSteps);
    }
}
