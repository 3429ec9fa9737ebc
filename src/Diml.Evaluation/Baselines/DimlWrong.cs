using Diml.Fitting;
using Diml.Learning;

namespace Diml.Evaluation.Baselines;

/// <summary>
/// DIML_Wrong (DESIGN §1, baselines): DIML with a misspecified learner. The estimator fits the same mechanism family
/// but assumes Logit-Q with the inverse temperature <c>β</c> scaled by 0.6 (α and ε unchanged), so it shows how much
/// recovery depends on knowing the learning dynamics. Because <c>β</c> sets the payoff scale (DESIGN §1, gauge), the
/// fitted payoffs come out about <c>1/0.6</c> times too large.
/// </summary>
public static class DimlWrong
{
    /// <summary>The model name in reports.</summary>
    public const string Name = "DIML_Wrong";

    /// <summary>The factor applied to β.</summary>
    public const float BetaFactor = 0.6f;

    /// <summary>The learner the estimator assumes: <paramref name="truth"/> with <c>β × <paramref name="betaFactor"/></c>.</summary>
    public static LogitQ MisspecifiedRule(LogitQ truth, float betaFactor = BetaFactor)
    {
        ArgumentNullException.ThrowIfNull(truth);
        if (!(betaFactor > 0) || float.IsInfinity(betaFactor))
            throw new ArgumentOutOfRangeException(nameof(betaFactor), betaFactor, $"{nameof(betaFactor)}: expected a positive finite factor; found {betaFactor}.");
        return new LogitQ(truth.Alpha, truth.Beta * betaFactor, truth.Epsilon);
    }

    /// <summary>
    /// The estimator fitting <paramref name="model"/> (from its current parameters) through
    /// <see cref="MisspecifiedRule"/> of the agents' true learner <paramref name="truth"/>.
    /// </summary>
    public static MechanismEstimator Create(IMechanism model, LogitQ truth, FitOptions options, float betaFactor = BetaFactor) =>
        new(Name, model, MisspecifiedRule(truth, betaFactor), options);
}
