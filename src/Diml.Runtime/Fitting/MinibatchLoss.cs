namespace Diml.Fitting;

/// <summary>The loss of one minibatch window and its parts.</summary>
/// <param name="Loss">The objective: <see cref="NegativeLogLikelihood"/> averaged over episodes plus <see cref="Regularizer"/>.</param>
/// <param name="NegativeLogLikelihood">Summed over the minibatch's episodes, scored steps and agents.</param>
/// <param name="Regularizer">λ · mean of the squared payoffs of the played actions over the window's joint actions and agents.</param>
/// <param name="ScoredActions">Number of (episode, step, agent) actions scored by the likelihood.</param>
public readonly record struct MinibatchLoss(double Loss, double NegativeLogLikelihood, double Regularizer, int ScoredActions);
