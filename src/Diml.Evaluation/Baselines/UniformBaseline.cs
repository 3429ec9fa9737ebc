namespace Diml.Evaluation.Baselines;

/// <summary>The uniform baseline: every action has probability <c>1/A</c>, so its NLL per decision is <c>ln A</c>.</summary>
public sealed class UniformBaseline(int actions) : BehaviouralBaseline(actions)
{
    private readonly double _logProbability = -Math.Log(actions);

    /// <inheritdoc/>
    public override string Name => "uniform";

    /// <inheritdoc/>
    public override string Description => "every action with probability 1/A";

    /// <inheritdoc/>
    public override double LogProbability(int previous, int action) => _logProbability;
}
