namespace Diml.Evaluation.Inference;

/// <summary>One learner type of a fitted mixture (<see cref="LearnerTypesResult"/>).</summary>
/// <param name="Weight">Its mixture weight <c>w_k</c>.</param>
/// <param name="WeightStandardError">Delta-method standard error of the weight (NaN when not identified).</param>
/// <param name="Values">Its estimated learner parameters on their natural scale, with delta-method standard errors and 95% intervals.</param>
/// <param name="ExpectedSubjects">Σ_s τ_sk: the subjects the posterior gives it.</param>
/// <param name="ModalSubjects">Subjects whose most probable type it is.</param>
public sealed record LearnerTypeEstimate(double Weight, double WeightStandardError, IReadOnlyList<Fitting.SavedNaturalValue> Values,
    double ExpectedSubjects, int ModalSubjects);
