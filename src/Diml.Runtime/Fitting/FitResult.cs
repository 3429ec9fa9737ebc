namespace Diml.Fitting;

/// <summary>The outcome of <see cref="Fitter"/>.</summary>
/// <param name="Parameters">The fitted flat parameter vector (the last good one if the fit stopped early).</param>
/// <param name="Curve">The training curve, one report per completed epoch.</param>
/// <param name="Failure">Set when the fit stopped on a non-finite loss or gradient.</param>
/// <param name="Cancelled">Whether the fit stopped because cancellation was requested.</param>
public sealed record FitResult(float[] Parameters, IReadOnlyList<EpochReport> Curve, FitFailure? Failure, bool Cancelled)
{
    /// <summary>Whether every planned epoch ran.</summary>
    public bool Completed => Failure is null && !Cancelled;
}
