namespace Diml.Evaluation;

/// <summary>Every metric an evaluation computes, in result-column order (the reference's metrics first, in its order).</summary>
public static class MetricRegistry
{
    /// <summary>The metrics; add a new one here.</summary>
    public static IReadOnlyList<IMetric> All { get; } =
    [
        MseOn.Metric,
        DiffMse.Metric,
        NllTest.Metric,
        NllTestInSupport.Metric,
        CfklParams.Metric,
        CfklParamsInSupport.Metric,
        MseOff.Metric,
        CfPolicyKl.Metric,
        CfklCounts.Metric,
        CfklFloor.Metric,
        DiffRel.Metric,
        DiffCorr.Metric,
    ];

    /// <summary>The metric named <paramref name="name"/>, or null.</summary>
    public static IMetric? Find(string name) => All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.Ordinal));

    /// <summary>Computes every metric whose needs <paramref name="context"/> meets; the others are NaN.</summary>
    public static IReadOnlyList<(string Name, double Value)> ComputeAll(MetricContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return All.Select(m => (m.Name, context.Has(m.Needs) ? m.Compute(context) : double.NaN)).ToArray();
    }
}
