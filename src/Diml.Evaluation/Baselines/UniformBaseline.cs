namespace Diml.Evaluation.Baselines;

/// <summary>The uniform baseline: every action has probability <c>1/A</c>, so its NLL per decision is <c>ln A</c>.</summary>
public sealed class UniformBaseline(int actions) : BehaviouralBaseline(actions)
{
    private readonly double _logProbability = -Math.Log(actions);

    /// <inheritdoc/>
    public override string Name => "uniform";

    /// <inheritdoc/>
    /// <remarks>None: every action has probability 1/A.</remarks>
    public override int ParameterCount => 0;

    /// <inheritdoc/>
    public override string Description => "every action with probability 1/A";

    /// <inheritdoc/>
    public override double LogProbability(int previous, int action) => _logProbability;
}
