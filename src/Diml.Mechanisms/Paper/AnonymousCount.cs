namespace Diml.Mechanisms;

/// <summary>
/// The anonymous count mechanism (DESIGN §1, E7): an agent's payoff is an MLP of its own action's embedding
/// and the other agents' action shares, <c>f(a_i, counts_{-i} / Σ counts_{-i})</c>, with two ReLU layers.
/// </summary>
[Mechanism]
public sealed partial class AnonymousCount
{
    /// <summary>Creates the network for games with <paramref name="actions"/> actions.</summary>
    public AnonymousCount(int actions, int hidden = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(actions, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        Actions = actions;
        Hidden = hidden;
        EmbeddingSize = Math.Min(32, Math.Max(12, actions));
        Embedding = new float[actions, EmbeddingSize];
        W1 = new float[hidden, EmbeddingSize + actions];
        B1 = new float[hidden];
        W2 = new float[hidden, hidden];
        B2 = new float[hidden];
        W3 = new float[1, hidden];
        B3 = new float[1];
    }

    public int Actions { get; }
    public int Hidden { get; }
    public int EmbeddingSize { get; }

    [Param(Init = ParamInit.StandardNormal)] public float[,] Embedding;
    [Param(Init = ParamInit.FanInUniform)] public float[,] W1;
    [Param(Init = ParamInit.FanInUniform)] public float[] B1;
    [Param(Init = ParamInit.FanInUniform)] public float[,] W2;
    [Param(Init = ParamInit.FanInUniform)] public float[] B2;
    [Param(Init = ParamInit.FanInUniform)] public float[,] W3;
    [Param(Init = ParamInit.FanInUniform)] public float[] B3;

    /// <summary>The payoff of playing <paramref name="ownAction"/> when the others' actions are counted by <paramref name="opponentCounts"/>.</summary>
    [Payoff]
    public float Payoff(int ownAction, ReadOnlySpan<int> opponentCounts)
    {
        int size = EmbeddingSize;
        int actions = opponentCounts.Length;
        Span<float> input = stackalloc float[size + actions];
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
        Nn.Dense(W1, B1, input, z1);
        Nn.Relu(z1, h1);
        Nn.Dense(W2, B2, h1, z2);
        Nn.Relu(z2, h2);
        Nn.Dense(W3, B3, h2, output);
        return output[0];
    }
}
