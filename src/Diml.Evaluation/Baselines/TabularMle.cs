using Diml.Data;
using Diml.Mechanisms;
using Diml.Fitting;

namespace Diml.Evaluation.Baselines;

/// <summary>
/// TabularMLE (DESIGN §1, baselines): the DIML estimator with the most flexible mechanism there is, one free payoff
/// per joint action and agent (<see cref="Tabular"/>), fitted through the agents' true learning rule. Exists only for
/// games with at most 20,000 joint actions. Payoffs of joint actions never visited in training stay at their
/// initial zero (apart from weight decay), which is what <c>mse_off</c> exposes.
/// </summary>
public static class TabularMle
{
    /// <summary>The model name in reports.</summary>
    public const string Name = "TabularMLE";

    /// <summary>Whether the game is small enough for a table (<c>A^n ≤ 20,000</c>).</summary>
    public static bool Supports(GameShape shape) =>
        shape.Agents >= 1 && shape.Actions >= 2 && Math.Pow(shape.Actions, shape.Agents) <= Tabular.MaxJointActions;

    /// <summary>The estimator for a game of <paramref name="shape"/>, the table starting at zero.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The game has more than 20,000 joint actions.</exception>
    public static MechanismEstimator Create(GameShape shape, ILearningRule rule, FitOptions options) =>
        new(Name, new Tabular(shape.Agents, shape.Actions), rule, options);
}
