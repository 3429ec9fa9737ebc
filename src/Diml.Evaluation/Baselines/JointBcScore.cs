namespace Diml.Evaluation.Baselines;

/// <summary>How well JointBC predicts the next joint action of some episodes.</summary>
/// <param name="Accuracy"><c>jointbc_acc</c>: the fraction of agent-steps whose arg-max prediction is the action played.</param>
/// <param name="Nll">Mean negative log-likelihood per agent-step of the actions played.</param>
/// <param name="AgentSteps">Number of agent-steps scored (transitions × agents).</param>
public sealed record JointBcScore(double Accuracy, double Nll, long AgentSteps);
