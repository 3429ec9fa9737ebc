using Diml.Evaluation;

namespace Diml.Experiments.Reproduction;

/// <summary>
/// Evaluates a <see cref="ModelSnapshot"/> against an <see cref="ExperimentInstance"/>'s truth with every metric of
/// <see cref="MetricRegistry"/> the model supports: payoff metrics on the test episodes, the held-out likelihood (all
/// steps and in-support steps), and the counterfactual metrics against a <see cref="CounterfactualReference"/>. Every
/// sample uses the instance's metric seed.
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
        var context = new MetricContext
        {
            Truth = instance.TruePayoffs,
            Estimate = snapshot.Payoffs,
            Scorer = snapshot.Scorer,
            Test = instance.Test,
            Support = instance.Support,
            Seed = instance.MetricSeed,
            Streams = instance.Definition.Streams,
            Threads = instance.Threads,
            DiffContexts = settings.DiffContexts,
            MseOffProbes = settings.MseOffProbes,
            MseOnVisits = settings.MseOnVisits,
            Simulate = simulate,
            ShiftedLearner = instance.ShiftedLearner,
            UnderTruth = counterfactual.UnderTruth,
            TruthHistogram = counterfactual.Histogram,
            TruthCountHistogram = counterfactual.CountHistogram,
            SupportUnderTruth = counterfactual.SupportUnderTruth,
            SharedTruthPolicies = () => counterfactual.TruthPolicies,
            SharedFloor = () => counterfactual.Floor,
            SharedTruthDifferences = () => counterfactual.TruthDifferences(settings.DiffContexts),
        };
        foreach (var (name, value) in MetricRegistry.ComputeAll(context)) row.Set(name, value);
        if (snapshot.Extra is { } extra)
            foreach (var (column, value) in extra) row.Set(column, value);
        return row;
    }
}
