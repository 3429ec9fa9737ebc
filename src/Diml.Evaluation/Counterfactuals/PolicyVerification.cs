using Diml.Data;
using Diml.Simulation;

namespace Diml.Evaluation.Counterfactuals;

/// <summary>
/// The verification of a policy prediction where the truth is known (docs/counterfactuals.md): the same change applied
/// to the true mechanism and to the fitted one, on the data's design; the fitted model's predicted action shares
/// compared with the true ones, per period and in the final period, beside the two baselines a user would try — "no
/// change" (today's behaviour: the data's own shares) and a static logit response to the changed payoffs that ignores
/// learning (<see cref="StaticLogitResponse"/>).
/// </summary>
public static class PolicyVerification
{
    /// <summary>
    /// Compares the predictions of <paramref name="change"/> for <paramref name="data"/>'s design. The true shares are the
    /// mean over <paramref name="options"/>' replications under the true mechanism; the fitted prediction uses the same
    /// replications under the fitted one (both start from the data's first actions); the learners are
    /// <paramref name="learner"/> in both (known to the estimator).
    /// </summary>
    public static PolicyVerificationResult Compare(IMechanism truth, float[] trueTheta, IMechanism fitted, float[] fittedTheta,
        ILearningRule learner, PolicyChange change, Trajectories data, PredictionOptions options)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(fitted);
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(data);
        var design = SimulationDesign.FromData(data, firstActionsFromData: true);
        // Different streams for the truth and the model, so the comparison is not flattered by shared random numbers.
        var truthOptions = options with { Seed = options.Seed ^ 0x5DEECE66DUL };
        var trueForecast = PolicyPrediction.Predict(truth, ModelEnsemble.PointEstimate(trueTheta, learner), change, design, truthOptions);
        var fittedForecast = PolicyPrediction.Predict(fitted, ModelEnsemble.PointEstimate(fittedTheta, learner), change, design, options);
        var (changed, parametersOf) = change.Apply(fitted, data.Shape.Actions);
        var staticShares = StaticLogitResponse.Shares(changed, parametersOf(fittedTheta), learner, data);
        var observed = StaticLogitResponse.ObservedShares(data);
        var truePolicy = trueForecast.PolicyShareTable();
        int a = data.Shape.Actions;
        return new PolicyVerificationResult(change.ToString(), data.Steps, a, truePolicy, fittedForecast.PolicyShareTable(), observed, staticShares,
            trueForecast.NoChangeShareTable());
    }
}
