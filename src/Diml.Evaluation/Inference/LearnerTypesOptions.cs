namespace Diml.Evaluation.Inference;

/// <summary>Settings of the mixture estimator (<see cref="LearnerTypes.Fit"/>).</summary>
public sealed record LearnerTypesOptions
{
    /// <summary>
    /// Starts of the maximisation; the best (lowest NLL) is kept. The first spreads the types evenly around the one-type
    /// estimate, the others draw them at random around it: a mixture likelihood has several local maxima, so one start is
    /// not enough.
    /// </summary>
    public int Starts { get; init; } = 4;

    /// <summary>Seed of the random starts (the result is deterministic for a seed).</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// How far the starts put the types from the one-type estimate, on the raw scale: the first start at
    /// <c>±Spread</c>, the random ones at <c>Spread·z</c>, <c>z</c> standard normal (1 moves α = 0.25 to 0.11 or 0.48).
    /// </summary>
    public double Spread { get; init; } = 1;

    /// <summary>The L-BFGS polish each start runs.</summary>
    public PolishOptions Polish { get; init; } = new();

    /// <summary>Throws if a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Starts, 1);
        if (!(Spread > 0) || !double.IsFinite(Spread))
            throw new ArgumentOutOfRangeException(nameof(Spread), Spread, $"{nameof(Spread)}: expected a positive number, found {Spread}.");
        ArgumentNullException.ThrowIfNull(Polish);
        Polish.Validate();
    }
}
