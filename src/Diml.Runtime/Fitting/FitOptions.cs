namespace Diml.Fitting;

/// <summary>
/// Settings of a maximum-likelihood fit. The defaults are the reference estimator's small-game
/// configuration (DESIGN §1, "Estimator"): 100 epochs of minibatches of 32 episodes, windows of 50 steps
/// in <see cref="WindowMode.Reference"/> mode, Adam (lr 1e-3, betas (0.9, 0.999), eps 1e-8, L2 weight
/// decay 1e-6), clipping to global norm 1, payoff regularizer λ = 1e-4 — plus what keeps a fit on real data from
/// overfitting or stopping short: the last 20% of the training episodes held out for validation, the parameters of
/// the epoch with the best validation NLL kept, a patience of 20 epochs, and at least 2000 optimiser steps.
/// <see cref="Reference"/> is the reference estimator exactly (all training episodes, exactly <see cref="Epochs"/>
/// epochs, the last parameters).
/// </summary>
public sealed record FitOptions
{
    /// <summary>
    /// Passes over the fitting episodes — at least: when that gives fewer than <see cref="MinSteps"/> optimiser steps
    /// the fit plans more (<see cref="PlannedEpochs"/>); a patience may stop it earlier.
    /// </summary>
    public int Epochs { get; init; } = 100;

    /// <summary>
    /// Fraction of the training episodes held out for validation (whole episodes, the last ones): they are never fitted
    /// on; after every epoch their NLL per agent-step is computed, and the fit keeps the parameters of the epoch where it
    /// was lowest. 0 turns validation off (the fit then returns the last parameters). See <see cref="ValidationEpisodes"/>.
    /// </summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>
    /// Epochs without a new best validation NLL after which the fit stops (0: never; ignored without validation). When
    /// <see cref="MinSteps"/> stretches a fit to more epochs than <see cref="Epochs"/>, the patience stretches by the
    /// same factor (<see cref="PatienceEpochs"/>), so that it stays the same share of the fit.
    /// </summary>
    public int Patience { get; init; } = 20;

    /// <summary>
    /// Optimiser steps the fit takes at least: a file with few episodes has one minibatch per epoch, so
    /// <see cref="Epochs"/> alone would leave it with a hundred Adam steps of size about the learning rate, too few to
    /// move parameters of order 1. 0: exactly <see cref="Epochs"/> epochs.
    /// </summary>
    public int MinSteps { get; init; } = 2000;

    /// <summary>Episodes per minibatch (the last minibatch of an epoch may be smaller).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Steps per training window W (clamped to the episode length).</summary>
    public int Window { get; init; } = 50;

    /// <summary>How the learner state starts at the window start.</summary>
    public WindowMode WindowMode { get; init; } = WindowMode.Reference;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Adam β1.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam β2.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Adam ε.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>L2 weight decay added to the gradient.</summary>
    public double WeightDecay { get; init; } = 1e-6;

    /// <summary>Global L2 norm the gradient is clipped to.</summary>
    public double ClipNorm { get; init; } = 1.0;

    /// <summary>Weight λ of the payoff regularizer <c>λ · mean((M_θ(a)_i)²)</c>.</summary>
    public double Lambda { get; init; } = 1e-4;

    /// <summary>
    /// When positive and a window has more (episode, step) pairs than this, the regularizer uses a uniform
    /// subsample of this many (the large-scale reference runs use 5000). 0 uses them all.
    /// </summary>
    public int RegularizerSampleCap { get; init; }

    /// <summary>Seed of the shuffles, window starts and regularizer subsamples.</summary>
    public ulong Seed { get; init; }

    /// <summary>Threads the work is spread over (results do not depend on it).</summary>
    public int Threads { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// Whether the forward pass of a minibatch keeps the mechanism's dense-layer outputs for its gradient, so that the
    /// adjoint does not compute them again (batched kernels only; up to 1 GiB, beyond which layers are recomputed; E7
    /// n=300 keeps about 0.6 GB). The results are the same bit for bit either way; false trades the memory for time.
    /// </summary>
    public bool KeepActivations { get; init; } = true;

    /// <summary>The reference estimator exactly: no validation, no patience, no step budget (exactly <see cref="Epochs"/> epochs).</summary>
    public static FitOptions Reference => new() { ValidationFraction = 0, Patience = 0, MinSteps = 0 };

    /// <summary>
    /// Validation episodes out of <paramref name="episodes"/> training episodes: <c>round(f·E)</c> clamped to
    /// <c>1..E−1</c>, so that both parts have an episode; 0 when <see cref="ValidationFraction"/> is 0 or <c>E &lt; 2</c>.
    /// </summary>
    public int ValidationEpisodes(int episodes)
    {
        if (ValidationFraction <= 0 || episodes < 2) return 0;
        return Math.Clamp((int)Math.Round(ValidationFraction * episodes, MidpointRounding.AwayFromZero), 1, episodes - 1);
    }

    /// <summary>Minibatches per epoch of a fit to <paramref name="episodes"/> training episodes (validation ones excluded).</summary>
    public int MinibatchesPerEpoch(int episodes)
    {
        int fitted = Math.Max(1, episodes - ValidationEpisodes(episodes));
        return (fitted + BatchSize - 1) / BatchSize;
    }

    /// <summary>
    /// Epochs planned for <paramref name="episodes"/> training episodes: <c>max(Epochs, ⌈MinSteps / minibatches per epoch⌉)</c>.
    /// </summary>
    public int PlannedEpochs(int episodes)
    {
        int perEpoch = MinibatchesPerEpoch(episodes);
        return Math.Max(Epochs, (int)Math.Min(int.MaxValue, ((long)MinSteps + perEpoch - 1) / perEpoch));
    }

    /// <summary>
    /// The patience in epochs of a fit to <paramref name="episodes"/> training episodes:
    /// <c>⌈Patience · PlannedEpochs / Epochs⌉</c> (just <see cref="Patience"/> when the step budget adds no epochs).
    /// </summary>
    public int PatienceEpochs(int episodes)
    {
        if (Patience == 0) return 0;
        long planned = PlannedEpochs(episodes);
        return (int)Math.Min(int.MaxValue, ((long)Patience * planned + Epochs - 1) / Epochs);
    }

    /// <summary>Throws if any setting is out of range.</summary>
    public void Validate()
    {
        ThrowHelper.IfNotPositive(Epochs, nameof(Epochs));
        ThrowHelper.IfNotPositive(BatchSize, nameof(BatchSize));
        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
            ThrowHelper.ArgumentOutOfRange(nameof(ValidationFraction), "a fraction in [0, 1)", ValidationFraction);
        if (Patience < 0) ThrowHelper.ArgumentOutOfRange(nameof(Patience), "0 (off) or a positive number of epochs", Patience);
        if (MinSteps < 0) ThrowHelper.ArgumentOutOfRange(nameof(MinSteps), "0 (exactly the epochs) or a positive number of steps", MinSteps);
        if (Window < 2) ThrowHelper.ArgumentOutOfRange(nameof(Window), "a window of at least 2 steps", Window);
        if (!Enum.IsDefined(WindowMode)) ThrowHelper.ArgumentOutOfRange(nameof(WindowMode), "Reference or Carry", WindowMode);
        ThrowHelper.IfNotPositiveFinite(LearningRate, nameof(LearningRate));
        if (!(Beta1 >= 0 && Beta1 < 1)) ThrowHelper.ArgumentOutOfRange(nameof(Beta1), "a value in [0, 1)", Beta1);
        if (!(Beta2 >= 0 && Beta2 < 1)) ThrowHelper.ArgumentOutOfRange(nameof(Beta2), "a value in [0, 1)", Beta2);
        ThrowHelper.IfNotPositiveFinite(Epsilon, nameof(Epsilon));
        ThrowHelper.IfNegativeOrNotFinite(WeightDecay, nameof(WeightDecay));
        ThrowHelper.IfNotPositiveFinite(ClipNorm, nameof(ClipNorm));
        ThrowHelper.IfNegativeOrNotFinite(Lambda, nameof(Lambda));
        if (RegularizerSampleCap < 0) ThrowHelper.ArgumentOutOfRange(nameof(RegularizerSampleCap), "0 or a positive cap", RegularizerSampleCap);
        ThrowHelper.IfNotPositive(Threads, nameof(Threads));
    }
}
