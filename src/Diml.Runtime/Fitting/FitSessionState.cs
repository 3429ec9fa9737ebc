namespace Diml.Fitting;

/// <summary>
/// Everything a <see cref="FitSession"/> needs to continue exactly where it stopped, between two minibatches:
/// parameters, optimiser moments and step count, the random stream, the episode order of the epoch in
/// progress and how far into it the fit got, and the best epoch so far. Restoring it and running on gives
/// bit-identical parameters to a fit that was never stopped (<see cref="FitCheckpoint"/> saves it to a file).
/// </summary>
public sealed record FitSessionState
{
    /// <summary>Epochs completed.</summary>
    public required int Epoch { get; init; }

    /// <summary>Whether an epoch is under way (its episodes shuffled, some minibatches maybe done).</summary>
    public required bool InEpoch { get; init; }

    /// <summary>Index in <see cref="Order"/> of the next minibatch's first episode.</summary>
    public required int NextEpisode { get; init; }

    /// <summary>Sum of the losses of the epoch's completed minibatches.</summary>
    public required double EpochLossSum { get; init; }

    /// <summary>Minibatches of the epoch completed.</summary>
    public required int EpochMinibatches { get; init; }

    /// <summary>Seconds spent on the epoch so far (wall clock; not part of the result).</summary>
    public required double EpochSeconds { get; init; }

    /// <summary>The <see cref="Diml.Simulation.SplitMix64"/> state of the shuffles and window starts.</summary>
    public required ulong RandomState { get; init; }

    /// <summary>The training episodes in their current order (each epoch shuffles the previous order).</summary>
    public required int[] Order { get; init; }

    /// <summary>The parameters.</summary>
    public required float[] Parameters { get; init; }

    /// <summary>The last parameters at which loss and gradient were finite.</summary>
    public required float[] LastGood { get; init; }

    /// <summary>Adam's step count.</summary>
    public required int AdamSteps { get; init; }

    /// <summary>Adam's first moments.</summary>
    public required float[] FirstMoment { get; init; }

    /// <summary>Adam's second moments.</summary>
    public required float[] SecondMoment { get; init; }

    /// <summary>The best epoch so far (lowest validation NLL, or without validation lowest mean training loss; 0 before the first).</summary>
    public required int BestEpoch { get; init; }

    /// <summary>The lowest mean training loss so far (+∞ before the first epoch, and with validation, where it is not tracked).</summary>
    public required double BestLoss { get; init; }

    /// <summary>The parameters at the end of <see cref="BestEpoch"/>.</summary>
    public required float[] BestParameters { get; init; }

    /// <summary>The lowest validation NLL per agent-step so far (+∞ before the first epoch and without validation).</summary>
    public double BestValidationNll { get; init; } = double.PositiveInfinity;

    /// <summary>Epochs completed since <see cref="BestEpoch"/> (the patience counter; 0 without validation).</summary>
    public int EpochsSinceBest { get; init; }
}
