namespace Diml.Runtime.Tests.Corpus.Mechanisms;

// Whole mechanisms written as users would, one per kind of game: each goes through the generator and is
// checked only through the public interfaces (MechanismCorpusTests).

/// <summary>A first-price auction with a smoothed win probability: bids are actions, values are learned.</summary>
[Mechanism]
public sealed partial class SmoothFirstPriceAuction
{
    public SmoothFirstPriceAuction(int agents)
    {
        Value = new float[agents];
        for (int i = 0; i < agents; i++) Value[i] = 1.37f + 0.25f * i; // away from the bids k · 0.3, where the surplus kinks
    }

    /// <summary>The bid of action k is k times this increment (a constant, not learned).</summary>
    public float BidStep { get; } = 0.3f;

    [Param] public float[] Value;
    [Param] public float Sharpness = 2f;
    [Param] public float Reserve = 0.2f;

    [Payoff]
    public float Payoff(ReadOnlySpan<int> joint, int agent)
    {
        float bid = joint[agent] * BidStep;
        float best = Reserve;
        for (int j = 0; j < joint.Length; j++)
        {
            if (j != agent) best = MathF.Max(best, joint[j] * BidStep);
        }
        float win = Nn.Sigmoid(Sharpness * (bid - best));
        float surplus = Value[agent] - bid;
        // Overbidding is punished harder than it is rewarded: a branch on an active value.
        if (surplus < 0f) surplus = 2f * surplus;
        return win * surplus;
    }
}

/// <summary>An all-pay contest: every bidder pays, the prize is shared by softplus-smoothed Tullock shares.</summary>
[Mechanism]
public sealed partial class TullockContest
{
    [Param] public float Prize = 3f;
    [Param] public float Exponent = 1.3f;
    [Param] public float[] Cost = [0.4f, 0.5f, 0.6f, 0.7f];

    [Payoff]
    public float Payoff(ReadOnlySpan<int> joint, int agent)
    {
        float total = 0f;
        float own = 0f;
        for (int j = 0; j < joint.Length; j++)
        {
            float effort = Nn.Softplus(joint[j] - 0.5f);
            float weight = MathF.Pow(effort, Exponent);
            total += weight;
            if (j == agent) own = weight;
        }
        return Prize * own / total - Cost[agent % Cost.Length] * joint[agent];
    }
}

/// <summary>A Cournot oligopoly with 2-D cost parameters and a log-concave demand curve.</summary>
[Mechanism]
public sealed partial class CournotOligopoly
{
    public CournotOligopoly(int agents)
    {
        Cost = new float[agents, 2];
        for (int i = 0; i < agents; i++) { Cost[i, 0] = 0.3f + 0.1f * i; Cost[i, 1] = 0.05f; }
    }

    [Param] public float Intercept = 5f;
    [Param] public float Slope = 0.6f;
    [Param] public float[,] Cost;

    [Payoff]
    public float Payoff(ReadOnlySpan<int> joint, int agent)
    {
        float supply = 0f;
        for (int j = 0; j < joint.Length; j++) supply += joint[j];
        float q = joint[agent];
        float price = Intercept * MathF.Exp(-Slope * MathF.Sqrt(supply + 1f)) + MathF.Log(1f + Slope);
        float cost = Cost[agent, 0] * q + Cost[agent, 1] * MathF.Pow(q, 2f);
        return price * q - cost;
    }
}

/// <summary>Bertrand competition with logit demand, joint form: one call gives every firm's profit.</summary>
[Mechanism]
public sealed partial class LogitBertrand
{
    [Param] public float[] Quality = [1f, 0.8f, 1.2f];
    [Param] public float PriceSensitivity = 0.9f;
    [Param] public float MarginalCost = 0.5f;

    [Payoff]
    public void Payoffs(ReadOnlySpan<int> joint, Span<float> payoffs)
    {
        float outside = 1f;
        for (int j = 0; j < joint.Length; j++)
            outside += MathF.Exp(Quality[j % Quality.Length] - PriceSensitivity * (1f + 0.5f * joint[j]));
        for (int i = 0; i < joint.Length; i++)
        {
            float price = 1f + 0.5f * joint[i];
            float share = MathF.Exp(Quality[i % Quality.Length] - PriceSensitivity * price) / outside;
            payoffs[i] = (price - MarginalCost) * share;
        }
    }
}

/// <summary>A small attention layer over the agents' action embeddings, joint form.</summary>
[Mechanism]
public sealed partial class AttentionGame
{
    public AttentionGame(int actions, int width)
    {
        Embedding = new float[actions, width];
        Query = new float[width, width];
        Key = new float[width, width];
        Readout = new float[width];
    }

    [Param(Init = ParamInit.StandardNormal)] public float[,] Embedding;
    [Param(Init = ParamInit.FanInUniform)] public float[,] Query;
    [Param(Init = ParamInit.FanInUniform)] public float[,] Key;
    [Param(Init = ParamInit.FanInUniform)] public float[] Readout;

    [Payoff]
    public void Payoffs(ReadOnlySpan<int> joint, Span<float> payoffs)
    {
        int n = joint.Length;
        int width = Readout.Length;
        Span<float> own = stackalloc float[width];
        Span<float> other = stackalloc float[width];
        Span<float> q = stackalloc float[width];
        Span<float> k = stackalloc float[width];
        Span<float> scores = stackalloc float[n];
        Span<float> weights = stackalloc float[n];
        Span<float> mixed = stackalloc float[width];
        Span<float> hidden = stackalloc float[width];
        for (int i = 0; i < n; i++)
        {
            Nn.Embedding(Embedding, joint[i], own);
            Nn.DenseNoBias(Query, own, q);
            for (int j = 0; j < n; j++)
            {
                Nn.Embedding(Embedding, joint[j], other);
                Nn.DenseNoBias(Key, other, k);
                scores[j] = Nn.Dot(q, k) / MathF.Sqrt(width);
            }
            Nn.Softmax(scores, weights);
            for (int d = 0; d < width; d++)
            {
                float sum = 0f;
                for (int j = 0; j < n; j++) sum += weights[j] * Embedding[joint[j], d];
                mixed[d] = sum + own[d];
            }
            Nn.Tanh(mixed, hidden);
            payoffs[i] = Nn.Dot(Readout, hidden);
        }
    }
}

/// <summary>A network game on a ring: own returns, a quadratic cost and spillovers from the two neighbours.</summary>
[Mechanism]
public sealed partial class RingNetworkGame
{
    [Param] public float[] OwnReturn = [1f, 0.6f, 0.8f, 1.1f, 0.9f];
    [Param] public float Spillover = 0.15f;
    [Param] public float Curvature = 0.4f;

    [Payoff]
    public float Payoff(ReadOnlySpan<int> joint, int agent)
    {
        int n = joint.Length;
        float x = joint[agent] * 0.5f;
        float left = joint[(agent + n - 1) % n] * 0.5f;
        float right = joint[(agent + 1) % n] * 0.5f;
        float neighbours = MathF.Tanh(left + right);
        return OwnReturn[joint[agent]] * x - 0.5f * Curvature * x * x + Spillover * neighbours * x;
    }
}

/// <summary>Anonymous congestion with two helpers: a smooth cost of the load and a discount for the route.</summary>
[Mechanism]
public sealed partial class AnonymousRoutes
{
    public AnonymousRoutes(int actions)
    {
        Linear = new float[actions];
        Quadratic = new float[actions];
        Discount = new float[actions];
        for (int k = 0; k < actions; k++) { Linear[k] = 0.2f + 0.05f * k; Quadratic[k] = 0.1f; Discount[k] = 0.3f; }
    }

    [Param] public float[] Linear;
    [Param] public float[] Quadratic;
    [Param] public float[] Discount;
    [Param] public float Crowding = 0.5f;

    [Payoff]
    public float Payoff(int ownAction, ReadOnlySpan<int> opponentCounts)
    {
        float load = 1f;
        float crowd = 0f;
        for (int k = 0; k < opponentCounts.Length; k++)
        {
            if (k == ownAction) load += opponentCounts[k];
            for (int m = 0; m < opponentCounts.Length; m++)
            {
                if (m != k) crowd += opponentCounts[k] * opponentCounts[m] * 0.01f;
            }
        }
        return -Cost(load, Linear[ownAction], Quadratic[ownAction]) + Rebate(Discount[ownAction], load) - Crowding * MathF.Sqrt(crowd + 1f);
    }

    [Differentiable]
    private static float Cost(float load, float linear, float quadratic) => linear * load + quadratic * load * load;

    [Differentiable]
    private static float Rebate(float discount, float load)
    {
        float r = discount / (1f + load);
        return r > 0.5f ? 0.5f + 0.1f * (r - 0.5f) : r;
    }
}

/// <summary>An anonymous public-goods game: a concave return on the total contribution, a private cost.</summary>
[Mechanism]
public sealed partial class AnonymousPublicGoods
{
    [Param] public float Return = 1.4f;
    [Param] public float Concavity = 0.7f;
    [Param] public float[] CostPerUnit = [0.0f, 0.5f, 0.55f, 0.6f];

    [Payoff]
    public float Payoff(int ownAction, ReadOnlySpan<int> opponentCounts)
    {
        float total = ownAction;
        int players = 1;
        for (int k = 0; k < opponentCounts.Length; k++)
        {
            total += k * opponentCounts[k];
            players += opponentCounts[k];
        }
        float share = Concave(total / players, Concavity);
        return Return * share - CostPerUnit[ownAction] * ownAction;
    }

    [Differentiable]
    private static float Concave(float x, float power) => MathF.Pow(x + 1f, power) - 1f;
}

/// <summary>A coordination game with a learned 2-D payoff table and a learned bonus for matching.</summary>
[Mechanism]
public sealed partial class CoordinationTable
{
    public CoordinationTable(int actions)
    {
        Table = new float[actions, actions];
        for (int a = 0; a < actions; a++)
            for (int b = 0; b < actions; b++) Table[a, b] = 0.1f * (a - b) + (a == b ? 1f : 0f);
    }

    [Param] public float[,] Table;
    [Param] public float MatchBonus = 0.5f;

    [Payoff]
    public float Payoff(ReadOnlySpan<int> joint, int agent)
    {
        float sum = 0f;
        int matches = 0;
        for (int j = 0; j < joint.Length; j++)
        {
            if (j != agent)
            {
                sum += Table[joint[agent], joint[j]];
                if (joint[j] == joint[agent]) matches++;
            }
        }
        return MathF.Tanh(sum / (joint.Length - 1)) + MatchBonus * MathF.Abs(matches - 0.5f);
    }
}

/// <summary>A posted-price market: buyers with learned values buy when the surplus is positive.</summary>
[Mechanism]
public sealed partial class PostedPrice
{
    [Param] public float[] Value = [0.41f, 1.13f, 1.67f, 2.29f];
    [Param] public float Price = 1.03f;
    [Param] public float Congestion = 0.17f; // no surplus exactly 0, where it kinks

    [Payoff]
    public float Payoff(ReadOnlySpan<int> joint, int agent)
    {
        int buyers = 0;
        for (int j = 0; j < joint.Length; j++)
        {
            if (joint[j] > 0) buyers++;
        }
        float surplus = 0f;
        if (joint[agent] > 0)
        {
            surplus = Value[joint[agent]] - Price - Congestion * buyers;
            surplus = surplus > 0f ? surplus : 0.25f * surplus;
        }
        return surplus;
    }
}

/// <summary>A per-agent neural payoff: own action embedding and the others' action histogram through an MLP.</summary>
[Mechanism]
public sealed partial class NeuralHistogram
{
    public NeuralHistogram(int actions, int hidden)
    {
        Actions = actions;
        W1 = new float[hidden, 2 * actions];
        B1 = new float[hidden];
        W2 = new float[hidden];
    }

    public int Actions { get; }

    [Param(Init = ParamInit.FanInUniform)] public float[,] W1;
    [Param(Init = ParamInit.FanInUniform)] public float[] B1;
    [Param(Init = ParamInit.FanInUniform)] public float[] W2;

    [Payoff]
    public float Payoff(ReadOnlySpan<int> joint, int agent)
    {
        Span<float> input = stackalloc float[2 * Actions];
        Span<float> z = stackalloc float[B1.Length];
        Span<float> h = stackalloc float[B1.Length];
        for (int k = 0; k < input.Length; k++) input[k] = k == joint[agent] ? 1f : 0f;
        for (int j = 0; j < joint.Length; j++)
        {
            if (j != agent) input[Actions + joint[j]] += 1f / (joint.Length - 1);
        }
        Nn.Dense(W1, B1, input, z);
        Nn.Softplus(z, h);
        return Nn.Dot(W2, h);
    }
}

/// <summary>
/// An anonymous MLP whose first layer reads the opponents' shares (data) first and the own action's embedding after
/// them: the layer's input adjoint is needed over the embedding's window only, a window that does not start at 0.
/// </summary>
[Mechanism]
public sealed partial class SharesThenEmbedding
{
    public SharesThenEmbedding(int actions, int size, int hidden)
    {
        Size = size;
        Embedding = new float[actions, size];
        W1 = new float[hidden, actions + size];
        B1 = new float[hidden];
        W2 = new float[1, hidden];
        B2 = new float[1];
    }

    public int Size { get; }

    [Param(Init = ParamInit.StandardNormal)] public float[,] Embedding;
    [Param(Init = ParamInit.FanInUniform)] public float[,] W1;
    [Param(Init = ParamInit.FanInUniform)] public float[] B1;
    [Param(Init = ParamInit.FanInUniform)] public float[,] W2;
    [Param(Init = ParamInit.FanInUniform)] public float[] B2;

    [Payoff]
    public float Payoff(int ownAction, ReadOnlySpan<int> opponentCounts)
    {
        int actions = opponentCounts.Length;
        int size = Size;
        Span<float> input = stackalloc float[actions + size];
        Span<float> z = stackalloc float[B1.Length];
        Span<float> h = stackalloc float[B1.Length];
        Span<float> output = stackalloc float[1];
        int others = 0;
        for (int k = 0; k < actions; k++) others += opponentCounts[k];
        float share = others > 0 ? 1f / others : 0f;
        for (int k = 0; k < actions; k++) input[k] = opponentCounts[k] * share;
        Nn.Embedding(Embedding, ownAction, input.Slice(actions, size));
        Nn.Dense(W1, B1, input, z);
        Nn.Relu(z, h);
        Nn.Dense(W2, B2, h, output);
        return output[0];
    }
}

/// <summary>
/// An embedding, then data overwriting its last element and the shares after it: the data write's adjoint must still be
/// zeroed (the embedding reads it), so the embedding's last column gets no gradient. The write's range starts inside the
/// embedding's slice, and the adjoint-liveness analysis must see the overlap.
/// </summary>
[Mechanism]
public sealed partial class EmbeddingOverwrittenByShares
{
    public EmbeddingOverwrittenByShares(int actions, int size, int hidden)
    {
        Size = size;
        Embedding = new float[actions, size];
        W1 = new float[hidden, actions + size - 1];
        B1 = new float[hidden];
        W2 = new float[1, hidden];
        B2 = new float[1];
    }

    public int Size { get; }

    [Param(Init = ParamInit.StandardNormal)] public float[,] Embedding;
    [Param(Init = ParamInit.FanInUniform)] public float[,] W1;
    [Param(Init = ParamInit.FanInUniform)] public float[] B1;
    [Param(Init = ParamInit.FanInUniform)] public float[,] W2;
    [Param(Init = ParamInit.FanInUniform)] public float[] B2;

    [Payoff]
    public float Payoff(int ownAction, ReadOnlySpan<int> opponentCounts)
    {
        int actions = opponentCounts.Length;
        int size = Size;
        Span<float> input = stackalloc float[actions + size - 1];
        Span<float> z = stackalloc float[B1.Length];
        Span<float> h = stackalloc float[B1.Length];
        Span<float> output = stackalloc float[1];
        Nn.Embedding(Embedding, ownAction, input.Slice(0, size));
        for (int k = 0; k < actions; k++) input[size - 1 + k] = opponentCounts[k] * 0.25f;
        Nn.Dense(W1, B1, input, z);
        Nn.Tanh(z, h);
        Nn.Dense(W2, B2, h, output);
        return output[0];
    }
}
