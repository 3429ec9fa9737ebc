namespace Diml.Fitting;

/// <summary>Why a fit stopped.</summary>
public enum FitStopReason
{
    /// <summary>Every planned epoch ran.</summary>
    Completed,

    /// <summary>The validation NLL did not improve for <see cref="FitResult.PatienceEpochs"/> epochs.</summary>
    Patience,

    /// <summary>A loss, gradient or update became non-finite (<see cref="FitResult.Failure"/>).</summary>
    Failure,

    /// <summary>Cancellation was requested.</summary>
    Cancelled,
}
