namespace Diml.Fitting;

/// <summary>
/// Settings of a maximum-likelihood fit. The defaults are the reference estimator's small-game
/// configuration (DESIGN §1, "Estimator"): 100 epochs of minibatches of 32 episodes, windows of 50 steps
/// in <see cref="WindowMode.Reference"/> mode, Adam (lr 1e-3, betas (0.9, 0.999), eps 1e-8, L2 weight
/// decay 1e-6), clipping to global norm 1, payoff regularizer λ = 1e-4.
/// </summary>
public sealed record FitOptions
{
    /// <summary>Passes over the training episodes.</summary>
    public int Epochs { get; init; } = 100;

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

    /// <summary>Throws if any setting is out of range.</summary>
    public void Validate()
    {
        ThrowHelper.IfNotPositive(Epochs, nameof(Epochs));
        ThrowHelper.IfNotPositive(BatchSize, nameof(BatchSize));
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
