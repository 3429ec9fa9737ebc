namespace Diml.Mechanisms;

/// <summary>
/// An anonymous mechanism for pooling designs with several group sizes (volunteer's dilemmas with groups of 2 to 12, for
/// instance): an agent's payoff is an MLP of its own action's embedding, its group-mates' action shares and the inverse
/// of its group size, <c>f(a_i, counts_{-i} / Σ counts_{-i}, 1 / (Σ counts_{-i} + 1))</c>, with two tanh layers. The
/// group size is an input because the shares alone say the same for one volunteer among 2 and among 12.
/// </summary>
/// <remarks>
/// The group size comes from the counts themselves (the group-mates' counts add up to the group size less one), so data
/// pooling several sizes need nothing else; a group of one has shares 0 and size input 1.
/// </remarks>
[Mechanism]
public sealed partial class PooledAnonymous
{
    /// <summary>The default hidden width.</summary>
    public const int DefaultHidden = 64;

    /// <summary>Creates the network for games with <paramref name="actions"/> actions.</summary>
    public PooledAnonymous(int actions, int hidden = DefaultHidden)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(actions, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        Actions = actions;
        Hidden = hidden;
        EmbeddingSize = Math.Min(16, Math.Max(4, actions));
        Embedding = new float[actions, EmbeddingSize];
        W1 = new float[hidden, EmbeddingSize + actions + 1];
        B1 = new float[hidden];
        W2 = new float[hidden, hidden];
        B2 = new float[hidden];
        W3 = new float[1, hidden];
        B3 = new float[1];
    }

    /// <summary>Actions per agent.</summary>
    public int Actions { get; }

    /// <summary>Width of the hidden layers.</summary>
    public int Hidden { get; }

    /// <summary>Width of the own-action embedding.</summary>
    public int EmbeddingSize { get; }

    /// <summary>Own-action embedding.</summary>
    [Param(Init = ParamInit.StandardNormal)] public float[,] Embedding;

    /// <summary>First layer: input (embedding, group-mates' shares, 1 / group size).</summary>
    [Param(Init = ParamInit.FanInUniform)] public float[,] W1;
    [Param(Init = ParamInit.FanInUniform)] public float[] B1;
    [Param(Init = ParamInit.FanInUniform)] public float[,] W2;
    [Param(Init = ParamInit.FanInUniform)] public float[] B2;

    /// <summary>Output layer.</summary>
    [Param(Init = ParamInit.FanInUniform)] public float[,] W3;
    [Param(Init = ParamInit.FanInUniform)] public float[] B3;

    /// <summary>The payoff of playing <paramref name="ownAction"/> in a group whose other members' actions are counted by <paramref name="opponentCounts"/>.</summary>
    [Payoff]
    public float Payoff(int ownAction, ReadOnlySpan<int> opponentCounts)
    {
        int size = EmbeddingSize;
        int actions = opponentCounts.Length;
        Span<float> input = stackalloc float[size + actions + 1];
        Span<float> z1 = stackalloc float[Hidden];
        Span<float> h1 = stackalloc float[Hidden];
        Span<float> z2 = stackalloc float[Hidden];
        Span<float> h2 = stackalloc float[Hidden];
        Span<float> output = stackalloc float[1];
        Nn.Embedding(Embedding, ownAction, input.Slice(0, size));
        int others = 0;
        for (int k = 0; k < actions; k++)
            others += opponentCounts[k];
        float share = others > 0 ? 1f / others : 0f;
        for (int k = 0; k < actions; k++)
            input[size + k] = opponentCounts[k] * share;
        input[size + actions] = 1f / (others + 1);
        Nn.Dense(W1, B1, input, z1);
        Nn.Tanh(z1, h1);
        Nn.Dense(W2, B2, h1, z2);
        Nn.Tanh(z2, h2);
        Nn.Dense(W3, B3, h2, output);
        return output[0];
    }
}
