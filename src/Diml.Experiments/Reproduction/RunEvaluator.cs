using Diml.Evaluation;

namespace Diml.Experiments.Reproduction;

/// <summary>
/// Evaluates a <see cref="ModelSnapshot"/> against an <see cref="ExperimentInstance"/>'s truth with every metric of
/// DESIGN §1 the model supports, plus <c>cf_policy_kl</c>: payoff metrics on the test episodes, the held-out
/// likelihood (all steps and in-support steps), and the counterfactual metrics against a
/// <see cref="CounterfactualReference"/>. Every sample uses the instance's metric seed.
/// </summary>
public static class RunEvaluator
{
    /// <summary>
    /// Computes the metrics into a row (columns of <see cref="MetricColumns.Metrics"/>; unsupported ones NaN). Without
    /// <paramref name="simulate"/> the simulation-based metrics are left NaN.
    /// </summary>
    public static ResultRow Evaluate(ExperimentInstance instance, ModelSnapshot snapshot, EvaluationSettings settings, CounterfactualReference counterfactual,
        bool simulate = true)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(counterfactual);
        var row = new ResultRow();
        foreach (string column in MetricColumns.Metrics) row.Set(column, double.NaN);
        ulong seed = instance.MetricSeed;
        if (snapshot.Payoffs is { } payoffs)
        {
            var truth = instance.TruePayoffs();
            var estimate = payoffs();
            row.Set(MetricColumns.MseOn, MseOn.Compute(truth, estimate, instance.Test, seed, settings.MseOnVisits));
            row.Set(MetricColumns.MseOff, MseOff.Compute(truth, estimate, seed, settings.MseOffProbes));
            row.Set(MetricColumns.DiffMse, DiffMse.Compute(truth, estimate, instance.Test, seed, settings.DiffContexts));
            if (simulate)
            {
                var underEstimate = PayoffSimulator.Simulate(payoffs, instance.ShiftedLearner, instance.Shape, counterfactual.Episodes,
                    instance.CounterfactualSteps, seed, instance.Threads);
                row.Set(MetricColumns.CfklParams, KlDivergence.Between(counterfactual.Histogram, JointActionHistogram.ForComparison(underEstimate)));
                row.Set(MetricColumns.CfklParamsInSupport, CfklParamsInSupport.Compute(counterfactual.UnderTruth, underEstimate, instance.Support));
                row.Set(MetricColumns.CfPolicyKl, CfPolicyKl.Compute(instance.TruePayoffs, payoffs, instance.ShiftedLearner, counterfactual.UnderTruth, instance.Threads));
            }
        }
        if (snapshot.Scorer is { } scorer)
        {
            var nll = HeldOutLikelihood.Compute(scorer, instance.Test, instance.Support, instance.Threads);
            row.Set(MetricColumns.NllTest, nll.NllTest);
            row.Set(MetricColumns.NllTestInSupport, nll.NllTestInSupport);
        }
        if (snapshot.Extra is { } extra)
            foreach (var (column, value) in extra) row.Set(column, value);
        return row;
    }
}
