namespace Diml.Evaluation.Inference;

/// <summary>A likelihood-ratio test of a restricted model nested in a general one (<see cref="ModelComparison.LikelihoodRatio"/>).</summary>
/// <param name="Restricted">The nested (restricted) model.</param>
/// <param name="General">The model it is nested in.</param>
/// <param name="Statistic"><c>2(log L_general − log L_restricted)</c>.</param>
/// <param name="DegreesOfFreedom">The difference in parameter counts.</param>
/// <param name="PValue"><c>P(χ²_df ≥ statistic)</c>: small values reject the restriction.</param>
public sealed record LikelihoodRatioTest(string Restricted, string General, double Statistic, int DegreesOfFreedom, double PValue);
