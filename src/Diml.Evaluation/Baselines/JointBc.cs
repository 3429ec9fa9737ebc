using Diml.Data;
using Diml.Fitting;
using Diml.Simulation;

namespace Diml.Evaluation.Baselines;

/// <summary>
/// JointBC (DESIGN §1, baselines): behaviour cloning of the next joint action. It models behaviour, not payoffs, so
/// it is scored by prediction only (<c>jointbc_acc</c> and the NLL per agent-step on test episodes).
/// </summary>
/// <remarks>
/// <para>Examples are the transitions <c>t → t + 1</c>, <c>t = 0..T−2</c>, of the training episodes (the first action
/// of an episode is never predicted, as in the likelihood). The input is the one-hot encoding of the joint actions at
/// steps <c>t − 4 .. t</c> (<c>n·A·5</c> features, zero before <c>t = 0</c>); an MLP with two ReLU layers of 256 gives
/// one softmax head of <c>A</c> logits per agent (<see cref="JointBcNetwork"/>).</para>
/// <para>The minibatch loss is the cross-entropy of the next joint action, averaged over the transitions and the agents
/// of the minibatch. Its gradient is the adjoint the Diml generator emits for
/// <see cref="JointBcNetwork.ExampleLoss"/>; there is no hand-written derivative. The runtime's
/// <see cref="AdamOptimizer"/> takes the steps (lr 3e-3, PyTorch defaults otherwise, no weight decay, no clipping).</para>
/// <para>Deterministic for a seed whatever the thread count: the weights are drawn from <c>new Random(seed)</c>, every
/// epoch shuffles the transitions with a <see cref="SplitMix64"/> stream of the seed, and each minibatch's gradient is
/// summed in fixed chunks, added in chunk order.</para>
/// </remarks>
public static class JointBc
{
    /// <summary>The model name in reports.</summary>
    public const string Name = "JointBC";

    /// <summary>Minibatches are cut into this many fixed chunks, summed in order (the thread count does not matter).</summary>
    private const int Chunks = 8;

    /// <summary>Above this many weights, fewer chunks, to bound the per-chunk gradient buffers (large one-hot inputs).</summary>
    private const int LargeNetwork = 4_000_000;

    /// <summary>Trains a network on the transitions of <paramref name="training"/>.</summary>
    /// <param name="training">The training episodes, at least 2 steps each.</param>
    /// <param name="options">Settings; the reference's when null.</param>
    /// <param name="progress">Hears the number of epochs completed after each epoch.</param>
    /// <param name="cancellationToken">Stops between minibatches; the model so far is returned.</param>
    public static JointBcModel Train(Trajectories training, JointBcOptions? options = null, IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(training);
        training.RequireFullPlay("the JointBC baseline");
        options ??= new JointBcOptions();
        options.Validate();
        if (training.Steps < 2)
            throw new ArgumentException($"{nameof(training)}: expected episodes of at least 2 steps (JointBC learns transitions); found {training.Steps}.", nameof(training));

        var model = new JointBcModel(training.Shape, options.HistoryLength, options.Hidden);
        model.Initialize(new Random(options.Seed));
        int n = training.Agents, actions = training.Shape.Actions, steps = training.Steps;
        int parameterCount = model.Parameters.Length;

        // Every transition, as episode·T + t.
        int transitions = checked(training.Episodes * (steps - 1));
        var order = new int[transitions];
        for (int e = 0, j = 0; e < training.Episodes; e++)
            for (int t = 0; t + 1 < steps; t++)
                order[j++] = e * steps + t;

        int batchSize = Math.Min(options.BatchSize, transitions);
        // The chunking depends only on the problem, never on the thread count, so the sums are the same on any machine.
        int chunks = Math.Min(parameterCount > LargeNetwork ? 2 : Chunks, batchSize);
        var chunkGradients = new float[chunks][];
        for (int c = 0; c < chunks; c++) chunkGradients[c] = new float[parameterCount];
        var gradient = new float[parameterCount];
        var optimizer = new AdamOptimizer(parameterCount, options.LearningRate);
        var shuffle = new SplitMix64((ulong)options.Seed);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Min(options.Threads, chunks) };
        var parameters = model.Parameters.ToArray();

        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            for (int j = transitions - 1; j > 0; j--)
            {
                int k = shuffle.NextInt(j + 1);
                (order[j], order[k]) = (order[k], order[j]);
            }
            for (int first = 0; first < transitions; first += batchSize)
            {
                if (cancellationToken.IsCancellationRequested) break;
                int count = Math.Min(batchSize, transitions - first);
                int chunkCount = Math.Min(chunks, count);
                float resultBar = 1f / (count * n);
                Parallel.For(0, chunkCount, parallel, c =>
                {
                    int start = first + (int)((long)count * c / chunkCount);
                    int end = first + (int)((long)count * (c + 1) / chunkCount);
                    AccumulateGradient(model, parameters, training, order.AsSpan(start, end - start), resultBar, chunkGradients[c]);
                });
                Array.Clear(gradient);
                for (int c = 0; c < chunkCount; c++)
                {
                    var part = chunkGradients[c];
                    for (int p = 0; p < parameterCount; p++) gradient[p] += part[p];
                }
                optimizer.Step(parameters, gradient);
            }
            if (cancellationToken.IsCancellationRequested) break;
            progress?.Report(epoch + 1);
        }
        parameters.CopyTo(model.Parameters);
        return model;
    }

    /// <summary>Overwrites <paramref name="gradient"/> with the sum of <paramref name="resultBar"/> × ∇ loss over <paramref name="examples"/>.</summary>
    private static void AccumulateGradient(JointBcModel model, float[] parameters, Trajectories data, ReadOnlySpan<int> examples,
        float resultBar, float[] gradient)
    {
        int n = data.Agents, steps = data.Steps;
        Span<int> history = stackalloc int[model.HistoryLength * n];
        Array.Clear(gradient);
        var w = model.Split(parameters);
        var g = model.Split(gradient);
        foreach (int example in examples)
        {
            int e = example / steps, t = example % steps;
            JointBcModel.WriteHistory(data.Episode(e), n, t, history);
            JointBcNetwork.ExampleLossAdjoint(w.W1, w.B1, w.W2, w.B2, w.W3, w.B3, history, data.Step(e, t + 1), data.Shape.Actions,
                resultBar, g.W1, g.B1, g.W2, g.B2, g.W3, g.B3);
        }
    }
}
