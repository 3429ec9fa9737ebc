using Diml.Data;

namespace Diml.Evaluation;

/// <summary>
/// A mechanism with fixed parameters seen as a plain payoff function, <c>joint action ↦ M(a) ∈ Rⁿ</c>: what the
/// recovery metrics compare. Implementations need not be thread-safe.
/// </summary>
public interface IMechanismPayoffs
{
    /// <summary>The game the payoffs are defined on.</summary>
    GameShape Shape { get; }

    /// <summary>Every agent's payoff of <paramref name="joint"/>, written to <paramref name="payoffs"/> (length n).</summary>
    void Payoffs(ReadOnlySpan<int> joint, Span<double> payoffs);

    /// <summary>Agent <paramref name="agent"/>'s payoff of <paramref name="joint"/>.</summary>
    double Payoff(ReadOnlySpan<int> joint, int agent);
}
