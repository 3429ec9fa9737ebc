namespace Diml.Fitting;

/// <summary>One point of the training curve, also sent to progress listeners after each epoch.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Epochs">Total epochs planned (<see cref="FitOptions.PlannedEpochs"/>; a patience may stop the fit earlier).</param>
/// <param name="MeanLoss">Mean minibatch loss over the epoch (NaN if the epoch stopped on a non-finite value).</param>
/// <param name="Seconds">Wall-clock seconds the epoch took (its validation included).</param>
public readonly record struct EpochReport(int Epoch, int Epochs, double MeanLoss, double Seconds)
{
    /// <summary>
    /// NLL per scored agent-step of the validation episodes at the end of the epoch (NaN without validation or when the
    /// epoch stopped on a non-finite value).
    /// </summary>
    public double ValidationNll { get; init; } = double.NaN;
}
