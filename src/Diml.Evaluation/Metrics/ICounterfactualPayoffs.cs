namespace Diml.Evaluation;

/// <summary>
/// Payoffs that can give every agent's counterfactual payoffs of one step at once, <c>u[i,k] = M(k, a_{−i})_i</c>,
/// faster than <c>n·A</c> calls of <see cref="IMechanismPayoffs.Payoff"/> (anonymous mechanisms need one evaluation
/// per distinct (own action played, k), not per agent). <see cref="CounterfactualPayoffTable"/> uses it when present.
/// </summary>
public interface ICounterfactualPayoffs : IMechanismPayoffs
{
    /// <summary>Writes <c>u[i·A + k] = M(k, a_{−i})_i</c> for every agent <c>i</c> and own action <c>k</c> of <paramref name="joint"/>.</summary>
    void CounterfactualPayoffs(ReadOnlySpan<int> joint, Span<double> payoffs);
}
