namespace Diml.Evaluation;

/// <summary>What a metric needs from the model and the evaluation; a metric whose needs are not met is left empty (NaN).</summary>
[Flags]
public enum MetricNeeds
{
    /// <summary>Nothing beyond the data.</summary>
    None = 0,
    /// <summary>The estimated payoffs (<see cref="MetricContext.Estimate"/>).</summary>
    Payoffs = 1,
    /// <summary>A next-action likelihood (<see cref="MetricContext.Scorer"/>).</summary>
    Likelihood = 2,
    /// <summary>The counterfactual simulations (<see cref="MetricContext.Simulate"/>, with <see cref="Payoffs"/>).</summary>
    Simulation = 4,
}
