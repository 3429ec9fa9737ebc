namespace Diml.Evaluation.Inference;

/// <summary>
/// One parameter's standard error at the true parameters (<see cref="TruthInformation"/>), on its natural scale.
/// </summary>
/// <param name="Name">The parameter (<c>Mpcr</c>, or a learner parameter by its camel-cased name: <c>epsilon</c>).</param>
/// <param name="Truth">Its true value.</param>
/// <param name="StandardError">The standard error implied by the information at the truth; NaN when not identified.</param>
public sealed record TruthStandardError(string Name, double Truth, double StandardError)
{
    /// <summary>The standard error relative to the true value's magnitude (∞ for a truth of 0).</summary>
    public double Relative => StandardError / Math.Abs(Truth);

    /// <summary>
    /// The sessions a design like the one measured (<paramref name="sessions"/> of them) would need for a relative
    /// standard error of <paramref name="target"/>: <c>S·(relative / target)²</c>, since the information grows in
    /// proportion to the sessions and the standard error as 1/√S.
    /// </summary>
    public double SessionsFor(double target, int sessions)
    {
        if (!(target > 0)) throw new ArgumentOutOfRangeException(nameof(target), target, $"{nameof(target)}: expected a positive relative standard error, found {target}.");
        ArgumentOutOfRangeException.ThrowIfLessThan(sessions, 1);
        return sessions * (Relative / target) * (Relative / target);
    }
}
