namespace Diml.Evaluation.Inference;

/// <summary>An identified combination of parameters that are not identified one by one, with its estimate and standard error.</summary>
/// <param name="Combination">Which combination.</param>
/// <param name="Estimate">Its estimate <c>cᵀθ̂</c>.</param>
/// <param name="StandardError">Its standard error <c>√(cᵀVc)</c>.</param>
public sealed record IdentifiedContrast(LinearCombination Combination, double Estimate, double StandardError);
