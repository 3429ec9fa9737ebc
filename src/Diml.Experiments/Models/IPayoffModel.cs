using Diml.Experiments.Evaluation;

namespace Diml.Experiments.Models;

/// <summary>
/// Any fitted model seen as a plain payoff function <c>joint action ↦ M(a) ∈ Rⁿ</c>, so that the recovery metrics
/// (<see cref="MseOn"/>, <see cref="MseOff"/>, <see cref="DiffMse"/>) can compare it with the truth whatever produced
/// it: a generated mechanism at some parameters (<see cref="MechanismPayoffModel"/>) or a baseline that is not a
/// mechanism at all (<see cref="Baselines.Eoi"/>).
/// </summary>
/// <remarks>
/// It adds nothing to the metrics' <see cref="IMechanismPayoffs"/> (the shape, one agent's payoff, all agents'
/// payoffs); it names the role. Only payoff <i>differences</i> between own actions are identified (DESIGN §1, gauge);
/// models are free to pick any gauge. Implementations need not be thread-safe.
/// </remarks>
public interface IPayoffModel : IMechanismPayoffs
{
}
