namespace Diml.Mechanisms;

/// <summary>
/// The public-goods game with a learned subsidy (DESIGN §1, E3): agents choose contribution levels
/// <c>ℓ = linspace(0, 1, A)</c>, and agent <c>i</c> earns
/// <c>s·(1 − e^(−k·Σℓ)) − c·ℓ_i² + sub(Σℓ, ℓ_i)</c>, where <c>sub</c> is an MLP 2 → 64 (tanh) → 1.
/// </summary>
/// <remarks>
/// This is both the truth of E3 (<see cref="PaperTruth"/>) and the correctly specified family StructMLE fits.
/// The scalars start at the paper's <c>k = 2, s = 1, c = 0.8</c> and are kept by
/// <see cref="IDifferentiableModel.InitializeParameters"/>; the MLP is initialised as PyTorch initialises
/// <c>nn.Linear</c> (uniform on ±1/√fan_in, weights and biases).
/// </remarks>
[Mechanism]
public sealed partial class PublicGoods
{
    /// <summary>The paper's subsidy-network width.</summary>
    public const int DefaultHidden = 64;

    private readonly float[] _levels;

    /// <summary>
    /// Creates the mechanism for <paramref name="actions"/> contribution levels, with the scalars at
    /// <c>k = 2, s = 1, c = 0.8</c> and the subsidy network all zero (call
    /// <see cref="IDifferentiableModel.InitializeParameters"/> to draw it).
    /// </summary>
    public PublicGoods(int actions, int hidden = DefaultHidden)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(actions, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        Actions = actions;
        Hidden = hidden;
        _levels = new float[actions];
        // torch.linspace(0, 1, A): evenly spaced, both ends exact.
        for (int k = 0; k < actions; k++)
            _levels[k] = (float)((double)k / (actions - 1));
        W1 = new float[hidden, 2];
        B1 = new float[hidden];
        W2 = new float[1, hidden];
        B2 = new float[1];
    }

    /// <summary>Number of contribution levels A.</summary>
    public int Actions { get; }

    /// <summary>Width of the subsidy network's hidden layer.</summary>
    public int Hidden { get; }

    /// <summary>The contribution level <c>ℓ</c> of each action, <c>linspace(0, 1, A)</c>.</summary>
    public ReadOnlySpan<float> Levels => _levels;

    /// <summary>k: how fast the public good saturates in the total contribution.</summary>
    [Param] public float Steepness = 2f;

    /// <summary>s: the value of the saturated public good to each agent.</summary>
    [Param] public float Scale = 1f;

    /// <summary>c: the quadratic cost of an agent's own contribution.</summary>
    [Param] public float Cost = 0.8f;

    /// <summary>Subsidy network, first layer: input (Σℓ, ℓ_i).</summary>
    [Param(Init = ParamInit.FanInUniform)] public float[,] W1;
    [Param(Init = ParamInit.FanInUniform)] public float[] B1;

    /// <summary>Subsidy network, output layer.</summary>
    [Param(Init = ParamInit.FanInUniform)] public float[,] W2;
    [Param(Init = ParamInit.FanInUniform)] public float[] B2;

    /// <summary>
    /// The paper's E3 truth: <c>k = 2, s = 1, c = 0.8</c> and a subsidy network drawn with PyTorch's default
    /// initialisation from <paramref name="random"/>.
    /// </summary>
    public static PublicGoods PaperTruth(int actions, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var truth = new PublicGoods(actions);
        truth.InitializeParameters(random);
        return truth;
    }

    /// <summary>The payoff of <paramref name="agent"/> under the joint action <paramref name="joint"/>.</summary>
    [Payoff]
    public float Payoff(ReadOnlySpan<int> joint, int agent)
    {
        Span<float> input = stackalloc float[2];
        Span<float> z = stackalloc float[Hidden];
        Span<float> h = stackalloc float[Hidden];
        Span<float> subsidy = stackalloc float[1];
        float total = 0f;
        for (int j = 0; j < joint.Length; j++)
            total += _levels[joint[j]];
        float own = _levels[joint[agent]];
        input[0] = total;
        input[1] = own;
        Nn.Dense(W1, B1, input, z);
        Nn.Tanh(z, h);
        Nn.Dense(W2, B2, h, subsidy);
        return Scale * (1f - MathF.Exp(-Steepness * total)) - Cost * own * own + subsidy[0];
    }
}
