namespace Diml.Evaluation.Counterfactuals;

/// <summary>
/// One parameter vector of a fitted model: the mechanism's parameters and the learners. A prediction from the point
/// estimate takes one draw; intervals take an ensemble (<see cref="ModelEnsemble"/>) — bootstrap refits, draws from the
/// parameters' covariance, or fits with estimated learner parameters, each with its own learner.
/// </summary>
/// <param name="Theta">The fitted mechanism's flat parameter vector.</param>
/// <param name="Learner">The learners' rule with its (fitted or known) parameters.</param>
public sealed record ModelDraw(float[] Theta, ILearningRule Learner);
