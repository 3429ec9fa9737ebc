using Diml.Data;

namespace Diml.Fitting;

/// <summary>
/// Fits a mechanism's parameters by maximum likelihood through the learning dynamics (DESIGN §1,
/// "Estimator"). The caller splits the data (the reference trains on the first 80% of episodes); the fitter holds out
/// the validation part of what it is given (<see cref="FitOptions.ValidationFraction"/>), runs up to
/// <see cref="FitOptions.PlannedEpochs"/> epochs, stops when the patience is exhausted, and returns the parameters of
/// the epoch with the best validation NLL.
/// </summary>
public sealed class Fitter
{
    private readonly IMechanism _mechanism;
    private readonly ILearningRule _rule;
    private readonly FitOptions _options;

    /// <summary>A fitter of <paramref name="mechanism"/> for agents learning by <paramref name="rule"/>.</summary>
    public Fitter(IMechanism mechanism, ILearningRule rule, FitOptions options)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _mechanism = mechanism;
        _rule = rule;
        _options = options;
    }

    /// <summary>Test hook passed to the session (<see cref="FitSession.MinibatchCompleted"/>).</summary>
    internal Action? MinibatchCompleted { get; init; }

    /// <summary>
    /// The processes that run this fit together (see <see cref="IProcessGroup"/>; null: this process alone). Each calls
    /// <see cref="Fit(Trajectories, IProgress{EpochReport}?, CancellationToken)"/> with the same data and options and gets
    /// the same result, bit for bit, as one process would; only process 0 saves checkpoints.
    /// </summary>
    public IProcessGroup? Processes { get; init; }

    /// <summary>When set, checkpoints are saved as it says, so that a stopped fit can be resumed (<see cref="Resume"/>).</summary>
    public FitCheckpointing? Checkpointing { get; init; }

    /// <summary>
    /// The learning rule's parameters to estimate jointly with the mechanism (null: the rule stays as it is). Their
    /// start values are the rule's; after a fit the rule holds the estimates (<see cref="FitResult.LearnerValues"/>).
    /// </summary>
    public LearnerParameters? Learner { get; init; }

    /// <summary>
    /// Fits from the mechanism's current parameters and writes the result back into it
    /// (<see cref="IDifferentiableModel.WriteParameters"/>). <paramref name="progress"/> hears of every epoch.
    /// Cancelling <paramref name="cancellationToken"/> stops the fit after the minibatch in progress; with
    /// <see cref="Checkpointing"/>, a checkpoint is then saved (<see cref="FitResult.CheckpointPath"/>).
    /// </summary>
    public FitResult Fit(Trajectories training, IProgress<EpochReport>? progress = null, CancellationToken cancellationToken = default)
    {
        var initial = new float[_mechanism.Layout.TotalLength];
        _mechanism.ReadParameters(initial);
        var result = Run(training, initial, null, progress, cancellationToken);
        _mechanism.WriteParameters(result.Parameters);
        return result;
    }

    /// <summary>Fits from <paramref name="initialParameters"/>; the mechanism's own fields are not touched.</summary>
    public FitResult Fit(Trajectories training, ReadOnlySpan<float> initialParameters, IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default) =>
        Run(training, initialParameters, null, progress, cancellationToken);

    /// <summary>
    /// Continues the fit saved in <paramref name="checkpoint"/> (read from <paramref name="checkpointPath"/>) and
    /// writes the result into the mechanism. The result — parameters, curve losses and validation NLLs, best epoch, where
    /// the patience stopped — is bit-identical
    /// to a fit that was never stopped. <paramref name="initialParameters"/> are the ones the original fit started
    /// from (they are compared, not used). Throws <see cref="CheckpointMismatchException"/> naming every setting
    /// that differs (the thread count may).
    /// </summary>
    public FitResult Resume(Trajectories training, ReadOnlySpan<float> initialParameters, FitCheckpoint checkpoint, string checkpointPath,
        IProgress<EpochReport>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(training);
        var differences = checkpoint.Differences(_options, _mechanism, _rule, training, initialParameters, Checkpointing?.Settings);
        if (differences.Count > 0) throw new CheckpointMismatchException(checkpointPath, differences);
        var result = Run(training, initialParameters, checkpoint, progress, cancellationToken);
        _mechanism.WriteParameters(result.Parameters);
        return result;
    }

    private FitResult Run(Trajectories training, ReadOnlySpan<float> initialParameters, FitCheckpoint? resume, IProgress<EpochReport>? progress,
        CancellationToken cancellationToken)
    {
        var learner = Learner is { Length: > 0 } ? Learner : null;
        if (learner is not null && !ReferenceEquals(learner.Rule, _rule))
            throw new ArgumentException($"The learner parameters are those of another rule ({learner.Rule.RuleName}).", nameof(Learner));
        // The fit's one flat vector: [mechanism θ | raw learner values].
        int p = initialParameters.Length, l = learner?.Length ?? 0;
        var joint = new float[p + l];
        initialParameters.CopyTo(joint);
        learner?.StartRaw(joint.AsSpan(p));
        using var session = new FitSession(_mechanism, _rule, training, _options, joint, learner, Processes) { MinibatchCompleted = MinibatchCompleted };
        var curve = new List<EpochReport>(Math.Min(session.PlannedEpochs, 10_000));
        if (resume is not null)
        {
            session.Restore(resume.State);
            // The file does not store the planned epochs (they depend on the data): the session knows them.
            curve.AddRange(resume.Curve.Select(r => r with { Epochs = session.PlannedEpochs }));
        }
        var identity = Checkpointing is null ? default : FitCheckpoint.Describe(_mechanism, _rule, initialParameters);
        string? fingerprint = Checkpointing is null ? null : training.Fingerprint();
        bool saves = (Processes?.Rank ?? 0) == 0;
        void Save()
        {
            if (!saves) return;
            new FitCheckpoint
            {
                Options = _options,
                MechanismType = _mechanism.ModelName,
                Layout = identity.Layout,
                Learner = identity.Learner,
                DataFingerprint = fingerprint!,
                InitialParameters = identity.Initial,
                Settings = Checkpointing!.Settings ?? new Dictionary<string, string>(),
                Curve = curve.ToArray(),
                State = session.CaptureState(),
            }.Save(Checkpointing.Path);
        }

        bool cancelled = false;
        while (session.Epoch < session.PlannedEpochs && !session.PatienceExhausted)
        {
            if (!session.TryRunEpoch(cancellationToken, out var report)) { cancelled = true; break; }
            if (session.Failure is not null) break;
            curve.Add(report);
            progress?.Report(report);
            if (Checkpointing is { } c && session.Epoch % Math.Max(1, c.EveryEpochs) == 0 && session.Epoch < session.PlannedEpochs
                && !session.PatienceExhausted) Save();
        }
        string? checkpointPath = null;
        if (cancelled && Checkpointing is not null)
        {
            Save();
            checkpointPath = Checkpointing.Path;
        }
        bool validated = session.ValidationEpisodes > 0;
        var finalJoint = session.Parameters.ToArray();
        var bestJoint = session.BestParameters.ToArray();
        var chosen = validated ? bestJoint : finalJoint;
        var final = finalJoint[..p];
        IReadOnlyDictionary<string, double> learnerValues = new Dictionary<string, double>();
        if (learner is not null)
        {
            learner.Apply(chosen.AsSpan(p));
            learnerValues = learner.Values(chosen.AsSpan(p));
        }
        return new FitResult(chosen[..p], curve, session.Failure, cancelled)
        {
            LearnerValues = learnerValues,
            JointParameters = chosen,
            StopReason = cancelled ? FitStopReason.Cancelled
                : session.Failure is not null ? FitStopReason.Failure
                : session.PatienceExhausted && session.Epoch < session.PlannedEpochs ? FitStopReason.Patience
                : FitStopReason.Completed,
            BestEpoch = session.BestEpoch,
            BestParameters = bestJoint[..p],
            FinalParameters = final,
            ValidationEpisodes = session.ValidationEpisodes,
            BestValidationNll = session.BestValidationNll,
            PlannedEpochs = session.PlannedEpochs,
            PatienceEpochs = session.PatienceEpochs,
            OptimizerSteps = session.OptimizerSteps,
            CheckpointPath = checkpointPath,
        };
    }
}
