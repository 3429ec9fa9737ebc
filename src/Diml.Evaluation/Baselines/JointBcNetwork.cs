namespace Diml.Evaluation.Baselines;

/// <summary>
/// The JointBC network and its loss, written in the kernel language so that the Diml generator emits the gradient
/// (<c>ExampleLossAdjoint</c>) and the double twins used to check it.
/// </summary>
/// <remarks>
/// <para>
/// Input: the last <c>H</c> joint actions, one-hot, <c>H·n·A</c> features. <c>history</c> holds them
/// chronologically, <c>history[s·n + i]</c> the action of agent <c>i</c> at step <c>t − H + 1 + s</c>, with <c>−1</c>
/// for steps before the episode began, whose features stay zero. Feature <c>(s·n + i)·A + a</c> is 1 when that
/// action is <c>a</c>.
/// </para>
/// <para>
/// Network: dense → ReLU → dense → ReLU → dense to <c>n·A</c> logits, one softmax head of <c>A</c> logits per agent.
/// Weights are row-major <c>[outputs, inputs]</c>, as <c>nn.Linear</c> stores them.
/// </para>
/// </remarks>
public static partial class JointBcNetwork
{
    /// <summary>The logits of the next joint action: head <c>i</c> is <c>logits[i·A .. i·A + A − 1]</c>.</summary>
    [Differentiable]
    public static void Logits(ReadOnlySpan<float> w1, ReadOnlySpan<float> b1, ReadOnlySpan<float> w2, ReadOnlySpan<float> b2,
        ReadOnlySpan<float> w3, ReadOnlySpan<float> b3, ReadOnlySpan<int> history, int actions, Span<float> logits)
    {
        Span<float> input = stackalloc float[history.Length * actions];
        Span<float> z1 = stackalloc float[b1.Length];
        Span<float> h1 = stackalloc float[b1.Length];
        Span<float> z2 = stackalloc float[b2.Length];
        Span<float> h2 = stackalloc float[b2.Length];
        for (int f = 0; f < input.Length; f++)
            input[f] = 0f;
        for (int s = 0; s < history.Length; s++)
        {
            if (history[s] >= 0) input[s * actions + history[s]] = 1f;
        }
        Nn.Dense(w1, b1, input, z1);
        Nn.Relu(z1, h1);
        Nn.Dense(w2, b2, h1, z2);
        Nn.Relu(z2, h2);
        Nn.Dense(w3, b3, h2, logits);
    }

    /// <summary>
    /// The cross-entropy of the next joint action <paramref name="next"/> (one action per agent) under the network,
    /// summed over the agents' heads: <c>Σ_i [logsumexp(head_i) − head_i[next_i]]</c>.
    /// </summary>
    [Differentiable]
    public static float ExampleLoss(ReadOnlySpan<float> w1, ReadOnlySpan<float> b1, ReadOnlySpan<float> w2, ReadOnlySpan<float> b2,
        ReadOnlySpan<float> w3, ReadOnlySpan<float> b3, ReadOnlySpan<int> history, ReadOnlySpan<int> next, int actions)
    {
        Span<float> logits = stackalloc float[b3.Length];
        Logits(w1, b1, w2, b2, w3, b3, history, actions, logits);
        float loss = 0f;
        for (int i = 0; i < next.Length; i++)
            loss += Nn.LogSumExp(logits.Slice(i * actions, actions)) - logits[i * actions + next[i]];
        return loss;
    }
}
