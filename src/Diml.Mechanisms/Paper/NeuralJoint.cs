namespace Diml.Mechanisms;

/// <summary>
/// The neural joint mechanism (DESIGN §1, E1): an embedding of each agent's action, concatenated, two tanh
/// layers, and a linear layer to the <c>n</c> payoffs.
/// </summary>
[Mechanism]
public sealed partial class NeuralJoint
{
    /// <summary>Creates the network for <paramref name="agents"/> agents with <paramref name="actions"/> actions each.</summary>
    public NeuralJoint(int agents, int actions, int hidden = 128)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(agents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(actions, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        Agents = agents;
        Actions = actions;
        Hidden = hidden;
        EmbeddingSize = Math.Min(24, Math.Max(6, actions));
        Embedding = new float[agents * actions, EmbeddingSize];
        W1 = new float[hidden, agents * EmbeddingSize];
        B1 = new float[hidden];
        W2 = new float[hidden, hidden];
        B2 = new float[hidden];
        W3 = new float[agents, hidden];
        B3 = new float[agents];
    }

    public int Agents { get; }
    public int Actions { get; }
    public int Hidden { get; }
    public int EmbeddingSize { get; }

    /// <summary>One row per (agent, action): row <c>agent·A + action</c>.</summary>
    [Param(Init = ParamInit.StandardNormal)] public float[,] Embedding;
    [Param(Init = ParamInit.FanInUniform)] public float[,] W1;
    [Param(Init = ParamInit.FanInUniform)] public float[] B1;
    [Param(Init = ParamInit.FanInUniform)] public float[,] W2;
    [Param(Init = ParamInit.FanInUniform)] public float[] B2;
    [Param(Init = ParamInit.FanInUniform)] public float[,] W3;
    [Param(Init = ParamInit.FanInUniform)] public float[] B3;

    /// <summary>Every agent's payoff of <paramref name="joint"/>.</summary>
    [Payoff]
    public void Payoffs(ReadOnlySpan<int> joint, Span<float> payoffs)
    {
        int size = EmbeddingSize;
        Span<float> features = stackalloc float[joint.Length * size];
        Span<float> z1 = stackalloc float[Hidden];
        Span<float> h1 = stackalloc float[Hidden];
        Span<float> z2 = stackalloc float[Hidden];
        Span<float> h2 = stackalloc float[Hidden];
        for (int i = 0; i < joint.Length; i++)
            Nn.Embedding(Embedding, i * Actions + joint[i], features.Slice(i * size, size));
        Nn.Dense(W1, B1, features, z1);
        Nn.Tanh(z1, h1);
        Nn.Dense(W2, B2, h1, z2);
        Nn.Tanh(z2, h2);
        Nn.Dense(W3, B3, h2, payoffs);
    }
}
