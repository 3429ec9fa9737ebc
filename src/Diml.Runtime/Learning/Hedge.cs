namespace Diml.Learning;

/// <summary>
/// Hedge (multiplicative weights): the state is each own action's cumulative counterfactual payoff,
/// <c>S' = S + u</c>, and the policy is <c>π ∝ exp(η·S)</c> with learning rate η.
/// </summary>
[LearningRule]
public sealed partial class Hedge
{
    /// <summary>Creates the rule with learning rate <paramref name="eta"/>.</summary>
    public Hedge(float eta)
    {
        if (!(eta > 0) || float.IsInfinity(eta)) throw new ArgumentOutOfRangeException(nameof(eta), eta, "The learning rate η must be positive and finite.");
        Eta = eta;
    }

    /// <summary>Learning rate η (the payoff scale).</summary>
    public float Eta { get; }

    /// <inheritdoc/>
    public int StateSize(int actions) => actions;

    /// <inheritdoc/>
    public void InitialState(Span<float> state) => state.Clear();

    /// <summary><c>next[k] = cumulative[k] + payoffs[k]</c>.</summary>
    [Update]
    public void Update(ReadOnlySpan<float> cumulative, ReadOnlySpan<float> payoffs, int played, Span<float> next)
    {
        for (int k = 0; k < cumulative.Length; k++)
            next[k] = cumulative[k] + payoffs[k];
    }

    /// <summary><c>logPolicy = log_softmax(η·cumulative)</c>.</summary>
    [Response]
    public void Response(ReadOnlySpan<float> cumulative, Span<float> logPolicy)
    {
        Span<float> scaled = stackalloc float[cumulative.Length];
        for (int k = 0; k < cumulative.Length; k++)
            scaled[k] = Eta * cumulative[k];
        Nn.LogSoftmax(scaled, logPolicy);
    }
}
