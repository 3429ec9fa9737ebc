namespace Diml.Evaluation.Counterfactuals;

/// <summary>A predicted quantity: its mean over the simulated replications and a percentile band around it.</summary>
/// <param name="Mean">The mean over every replication of every parameter draw.</param>
/// <param name="Lower">The lower percentile of the replications' values.</param>
/// <param name="Upper">The upper percentile.</param>
public readonly record struct Band(double Mean, double Lower, double Upper);
