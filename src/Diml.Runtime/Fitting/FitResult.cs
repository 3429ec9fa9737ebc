namespace Diml.Fitting;

/// <summary>The outcome of <see cref="Fitter"/>.</summary>
/// <param name="Parameters">The fitted flat parameter vector: with validation, the parameters of the epoch with the best
/// validation NLL (<see cref="BestEpoch"/>); without, the last ones (the last good ones if the fit failed).</param>
/// <param name="Curve">The training curve, one report per completed epoch (from the first, also after a resume).</param>
/// <param name="Failure">Set when the fit stopped on a non-finite loss or gradient.</param>
/// <param name="Cancelled">Whether the fit stopped because cancellation was requested.</param>
public sealed record FitResult(float[] Parameters, IReadOnlyList<EpochReport> Curve, FitFailure? Failure, bool Cancelled)
{
    /// <summary>Whether the fit ended normally: every planned epoch ran, or the patience stopped it.</summary>
    public bool Completed => Failure is null && !Cancelled;

    /// <summary>Why the fit stopped.</summary>
    public FitStopReason StopReason { get; init; }

    /// <summary>
    /// The selected epoch: with validation, the one with the lowest validation NLL; without, the one with the lowest mean
    /// training loss (0 when no epoch completed).
    /// </summary>
    public int BestEpoch { get; init; }

    /// <summary>The parameters at the end of <see cref="BestEpoch"/>.</summary>
    public float[] BestParameters { get; init; } = [];

    /// <summary>The parameters at the end of the last epoch (the last good ones if the fit failed).</summary>
    public float[] FinalParameters { get; init; } = [];

    /// <summary>Training episodes held out for validation (0: validation off).</summary>
    public int ValidationEpisodes { get; init; }

    /// <summary>The validation NLL per agent-step at <see cref="BestEpoch"/> (NaN without validation).</summary>
    public double BestValidationNll { get; init; } = double.NaN;

    /// <summary>Epochs planned (<see cref="FitOptions.PlannedEpochs"/>).</summary>
    public int PlannedEpochs { get; init; }

    /// <summary>The patience in epochs (<see cref="FitOptions.PatienceEpochs"/>; 0 when off).</summary>
    public int PatienceEpochs { get; init; }

    /// <summary>Optimiser steps taken.</summary>
    public int OptimizerSteps { get; init; }

    /// <summary>The checkpoint written when the fit was cancelled (null otherwise, or without checkpointing).</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>
    /// The estimated learner parameters at <see cref="Parameters"/>' epoch, natural scale, by camel-cased name (empty when
    /// none were estimated, see <see cref="Fitter.Learner"/>); the rule's fields hold them after the fit.
    /// </summary>
    public IReadOnlyDictionary<string, double> LearnerValues { get; init; } = new Dictionary<string, double>();

    /// <summary>The fit's whole flat vector at that epoch: <c>[mechanism θ | raw learner values]</c> (<see cref="Parameters"/> without learner parameters).</summary>
    public float[] JointParameters { get; init; } = [];
}
