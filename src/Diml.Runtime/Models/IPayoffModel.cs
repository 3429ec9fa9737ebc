using Diml.Data;

namespace Diml;

/// <summary>
/// A payoff model: a mechanism with fixed parameters seen as a plain payoff function, <c>joint action ↦ M(a) ∈ Rⁿ</c>
/// — a fitted mechanism (<see cref="MechanismPayoffs"/>), a payoff table, or a baseline's estimate. It is what the
/// simulator (<see cref="Simulation.Simulator"/>), the learner replay behind the held-out likelihood
/// (<see cref="Simulation.LearnerReplay"/>) and the recovery metrics take. Implementations need not be thread-safe.
/// </summary>
public interface IPayoffModel
{
    /// <summary>The game the payoffs are defined on.</summary>
    GameShape Shape { get; }

    /// <summary>Every agent's payoff of <paramref name="joint"/>, written to <paramref name="payoffs"/> (length n).</summary>
    void Payoffs(ReadOnlySpan<int> joint, Span<double> payoffs);

    /// <summary>Agent <paramref name="agent"/>'s payoff of <paramref name="joint"/>.</summary>
    double Payoff(ReadOnlySpan<int> joint, int agent);

    /// <summary>
    /// Writes the counterfactual payoffs of one step, <c>u[i·A + k] = M(k, a_{−i})_i</c>, for every agent <c>i</c> and own
    /// action <c>k</c> of <paramref name="joint"/> — what a learner updates on. The default makes one
    /// <see cref="Payoff"/> call per agent and own action; models that can do better (an anonymous mechanism needs one
    /// evaluation per distinct own action played) override it.
    /// </summary>
    void CounterfactualPayoffs(ReadOnlySpan<int> joint, Span<double> payoffs)
    {
        int n = joint.Length, a = Shape.Actions;
        Span<int> profile = n <= 256 ? stackalloc int[n] : new int[n];
        joint.CopyTo(profile);
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < a; k++)
            {
                profile[i] = k;
                payoffs[(i * a) + k] = Payoff(profile, i);
            }
            profile[i] = joint[i];
        }
    }
}
