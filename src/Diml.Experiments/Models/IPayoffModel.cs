using Diml.Data;

namespace Diml.Experiments.Models;

/// <summary>
/// Any fitted model seen as a plain payoff function <c>joint action ↦ M(a) ∈ Rⁿ</c>, so that the recovery metrics
/// (<c>mse_on</c>, <c>mse_off</c>, <c>diff_mse</c>) can compare it with the truth whatever produced it: a generated
/// mechanism at some parameters (<see cref="MechanismPayoffModel"/>) or a baseline that is not a mechanism at all
/// (<see cref="Baselines.Eoi"/>).
/// </summary>
/// <remarks>
/// The members mirror the metric code's <c>IMechanismPayoffs</c> one for one (double results, the shape of the game),
/// so either can wrap the other in a line. Only payoff <i>differences</i> between own actions are identified
/// (DESIGN §1, gauge); models are free to pick any gauge. Implementations need not be thread-safe.
/// </remarks>
public interface IPayoffModel
{
    /// <summary>The game the payoffs are defined on.</summary>
    GameShape Shape { get; }

    /// <summary>Every agent's payoff of <paramref name="joint"/>, written to <paramref name="payoffs"/> (length n).</summary>
    void Payoffs(ReadOnlySpan<int> joint, Span<double> payoffs);

    /// <summary>Agent <paramref name="agent"/>'s payoff of <paramref name="joint"/>.</summary>
    double Payoff(ReadOnlySpan<int> joint, int agent);
}
