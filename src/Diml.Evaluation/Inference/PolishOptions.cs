namespace Diml.Evaluation.Inference;

/// <summary>Settings of the deterministic polish (<see cref="MaximumLikelihood.Polish"/>).</summary>
public sealed record PolishOptions
{
    /// <summary>
    /// Converged when the largest gradient entry of the total NLL is at most this times the number of scored decisions
    /// (the NLL is a sum over decisions, so its gradient grows with them): 1e-8 per decision by default.
    /// </summary>
    public double GradientTolerancePerDecision { get; init; } = 1e-8;

    /// <summary>L-BFGS iterations at most.</summary>
    public int MaxIterations { get; init; } = 1000;

    /// <summary>Curvature pairs L-BFGS keeps.</summary>
    public int Memory { get; init; } = 10;

    /// <summary>Throws if a setting is out of range.</summary>
    public void Validate()
    {
        if (!(GradientTolerancePerDecision > 0) || !double.IsFinite(GradientTolerancePerDecision))
            throw new ArgumentOutOfRangeException(nameof(GradientTolerancePerDecision), GradientTolerancePerDecision,
                $"{nameof(GradientTolerancePerDecision)}: expected a positive number, found {GradientTolerancePerDecision}.");
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxIterations, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(Memory, 1);
    }
}
