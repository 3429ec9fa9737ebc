namespace Diml;

/// <summary>
/// A payoff model whose counterfactual payoffs are float values to begin with (a mechanism's float kernels, a float
/// table): learners take them without the round trip through double (which would not change them).
/// </summary>
internal interface IFloatCounterfactuals
{
    /// <summary><c>u[i·A + k] = M(k, a_{−i})_i</c> in float; the joint action has been checked by the caller.</summary>
    void CounterfactualPayoffs(ReadOnlySpan<int> joint, Span<float> payoffs);
}
