namespace Diml.Evaluation;

/// <summary>
/// One recovery or prediction metric, computed from what an evaluation has (<see cref="MetricContext"/>) into one
/// result column. A new metric is one class implementing this and one line in <see cref="MetricRegistry.All"/>: the
/// suite computes it, writes its column to the result files and lists it in the summary.
/// </summary>
public interface IMetric
{
    /// <summary>The result column, such as <c>diff_mse</c> (the reference's name where it has one).</summary>
    string Name { get; }

    /// <summary>One line for docs and summaries: what the number says.</summary>
    string Description { get; }

    /// <summary>Whether the reference code reports it (its column then sits among the reference's, in the reference's order).</summary>
    bool IsReference { get; }

    /// <summary>What the model must offer for the metric to be defined.</summary>
    MetricNeeds Needs { get; }

    /// <summary>The value; called only when the context has everything <see cref="Needs"/> names.</summary>
    double Compute(MetricContext context);
}
