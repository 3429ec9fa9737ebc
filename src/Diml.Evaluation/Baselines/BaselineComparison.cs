namespace Diml.Evaluation.Baselines;

/// <summary>A fitted model's held-out NLL against one behavioural baseline's, both per scored agent-step (nats per decision).</summary>
/// <param name="Name">The baseline's <see cref="BehaviouralBaseline.Name"/>.</param>
/// <param name="Description">The baseline's <see cref="BehaviouralBaseline.Description"/>.</param>
/// <param name="BaselineNll">The baseline's NLL per decision.</param>
/// <param name="ModelNll">The model's NLL per decision on the same decisions.</param>
public sealed record BaselineComparison(string Name, string Description, double BaselineNll, double ModelNll)
{
    /// <summary><c>ModelNll − BaselineNll</c>: negative when the model predicts better.</summary>
    public double ModelMinusBaseline => ModelNll - BaselineNll;

    /// <summary>Whether the model's NLL is strictly lower.</summary>
    public bool ModelBeats => ModelNll < BaselineNll;
}
