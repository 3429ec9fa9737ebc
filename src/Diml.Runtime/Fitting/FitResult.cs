namespace Diml.Fitting;

/// <summary>The outcome of <see cref="Fitter"/>.</summary>
/// <param name="Parameters">The fitted flat parameter vector (the last good one if the fit stopped early).</param>
/// <param name="Curve">The training curve, one report per completed epoch (from the first, also after a resume).</param>
/// <param name="Failure">Set when the fit stopped on a non-finite loss or gradient.</param>
/// <param name="Cancelled">Whether the fit stopped because cancellation was requested.</param>
public sealed record FitResult(float[] Parameters, IReadOnlyList<EpochReport> Curve, FitFailure? Failure, bool Cancelled)
{
    /// <summary>Whether every planned epoch ran.</summary>
    public bool Completed => Failure is null && !Cancelled;

    /// <summary>The epoch with the lowest mean training loss (0 when no epoch completed).</summary>
    public int BestEpoch { get; init; }

    /// <summary>The parameters at the end of <see cref="BestEpoch"/>.</summary>
    public float[] BestParameters { get; init; } = [];

    /// <summary>The checkpoint written when the fit was cancelled (null otherwise, or without checkpointing).</summary>
    public string? CheckpointPath { get; init; }
}
