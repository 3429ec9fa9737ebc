namespace Diml.Fitting;

/// <summary>
/// A finite mixture of learner types stored with a fitted model (file: <c>$.learnerTypes</c>, docs/formats.md; how it is
/// estimated: docs/inference.md, "Latent learner types"): the types' weights and estimated learner parameters with their
/// standard errors, the mixture's own estimate of the shared mechanism, and what the criteria need.
/// </summary>
/// <param name="Subjects">Subjects (agents with a scored decision) the mixture is over.</param>
/// <param name="ScoredDecisions">Their scored decisions, <c>N</c>.</param>
/// <param name="Nll">The mixture's NLL at its estimate.</param>
/// <param name="Parameters">Parameters the criteria count (identified directions of the mixture's information).</param>
/// <param name="Converged">Whether the best start's polish met its gradient criterion.</param>
/// <param name="MechanismParameters">The shared mechanism's parameters under the mixture (the model's own <c>parameters</c> are the one-type fit's).</param>
/// <param name="Types">The types, in canonical order (by their raw learner values).</param>
public sealed record SavedLearnerTypes(int Subjects, long ScoredDecisions, double Nll, int Parameters, bool Converged,
    double[] MechanismParameters, IReadOnlyList<SavedLearnerType> Types)
{
    /// <summary>Akaike's criterion <c>2k + 2·NLL</c>.</summary>
    public double Aic => (2.0 * Parameters) + (2 * Nll);

    /// <summary>Schwarz's criterion <c>k ln N + 2·NLL</c>, <c>N</c> the scored decisions.</summary>
    public double Bic => (Parameters * Math.Log(ScoredDecisions)) + (2 * Nll);
}

/// <summary>One stored learner type.</summary>
/// <param name="Weight">Its mixture weight.</param>
/// <param name="WeightStandardError">The weight's delta-method standard error (NaN, JSON null, when not identified).</param>
/// <param name="Values">Its estimated learner parameters on their natural scale (names as <c>learner.estimated</c>).</param>
public sealed record SavedLearnerType(double Weight, double WeightStandardError, IReadOnlyList<SavedNaturalValue> Values);
