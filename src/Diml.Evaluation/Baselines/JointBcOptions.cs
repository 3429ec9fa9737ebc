namespace Diml.Evaluation.Baselines;

/// <summary>
/// Settings of the JointBC baseline. The defaults are the reference's: a 5-step history, two ReLU layers of 256,
/// Adam at 3e-3 (PyTorch defaults otherwise, no weight decay), 35 epochs of minibatches of 512 transitions.
/// </summary>
public sealed record JointBcOptions
{
    /// <summary>Joint actions of history the network sees (H).</summary>
    public int HistoryLength { get; init; } = 5;

    /// <summary>Width of each of the two hidden layers.</summary>
    public int Hidden { get; init; } = 256;

    /// <summary>Passes over the training transitions.</summary>
    public int Epochs { get; init; } = 35;

    /// <summary>Transitions per minibatch (the last one of an epoch may be smaller).</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>Seed of the weight initialisation and of the shuffles.</summary>
    public int Seed { get; init; }

    /// <summary>Threads a minibatch's gradient is spread over (the result does not depend on it).</summary>
    public int Threads { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Throws if any setting is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(HistoryLength, 1, nameof(HistoryLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(Hidden, 1, nameof(Hidden));
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 0, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, $"{nameof(LearningRate)}: expected a positive finite rate; found {LearningRate}.");
        ArgumentOutOfRangeException.ThrowIfLessThan(Threads, 1, nameof(Threads));
    }
}
