namespace Diml.Mechanisms;

/// <summary>
/// The linear public-goods game of the lab (a voluntary contribution mechanism) with the design's return fixed and a
/// learned conditional-cooperation term: each agent contributes a share <c>ℓ = linspace(0, 1, A)</c> of an endowment of 1 and earns the money
/// <c>1 − ℓ_i + m·Σ_j ℓ_j</c> of its group (m the marginal per-capita return, a design constant) plus
/// <c>w·ℓ_i − γ·(ℓ_i − ℓ̄_−i)²</c>, where <c>ℓ̄_−i</c> is the mean contribution of the agent's group-mates: a warm
/// glow w and a cost γ of deviating from what the others give (conditional cooperation).
/// </summary>
/// <remarks>
/// The money term has coefficient 1: payoffs are in money units, a <b>known scale</b>, so a learner's payoff scale
/// (Logit-Q β) is identified with this family and <c>fit --estimate beta</c> accepts it. Only w and γ are learned. Any
/// group size: a group of one has no group-mates and no conformity term. Unlike <see cref="LinearPublicGoods"/>, whose
/// return m is learned (so its scale is not known), m is a design constant here.
/// </remarks>
[Mechanism]
public sealed partial class FixedReturnPublicGoods
{
    /// <summary>The marginal per-capita return of the lab designs this family stands for.</summary>
    public const float DefaultReturn = 0.4f;

    private readonly float[] _levels;

    /// <summary>A game of <paramref name="actions"/> contribution levels, return <paramref name="marginalReturn"/>, and w = γ = 0.</summary>
    public FixedReturnPublicGoods(int actions, float marginalReturn = DefaultReturn)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(actions, 2);
        if (!(marginalReturn >= 0) || !float.IsFinite(marginalReturn))
            throw new ArgumentOutOfRangeException(nameof(marginalReturn), marginalReturn, "The marginal per-capita return must be non-negative and finite.");
        Actions = actions;
        MarginalReturn = marginalReturn;
        _levels = new float[actions];
        for (int k = 0; k < actions; k++)
            _levels[k] = (float)((double)k / (actions - 1));
    }

    /// <summary>Number of contribution levels A.</summary>
    public int Actions { get; }

    /// <summary>m: the money each agent gets per unit contributed by anyone in its group (not learned).</summary>
    public float MarginalReturn { get; }

    /// <summary>w: warm glow per unit contributed.</summary>
    [Param(Init = ParamInit.Zeros)] public float WarmGlow;

    /// <summary>γ: cost of the squared deviation from the group-mates' mean contribution.</summary>
    [Param(Init = ParamInit.Zeros)] public float Conformity;

    /// <summary>Draws a true instance: w ~ U(0.1, 0.5), γ ~ U(0.5, 1.5).</summary>
    public void DrawTruth(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        WarmGlow = (float)(0.1 + 0.4 * random.NextDouble());
        Conformity = (float)(0.5 + random.NextDouble());
    }

    /// <summary>The payoff of <paramref name="agent"/> under its group's joint action <paramref name="joint"/>.</summary>
    [Payoff]
    public float Payoff(ReadOnlySpan<int> joint, int agent)
    {
        float total = 0f;
        for (int j = 0; j < joint.Length; j++)
            total += _levels[joint[j]];
        float own = _levels[joint[agent]];
        int others = joint.Length - 1;
        float deviation = 0f;
        if (others > 0)
            deviation = own - (total - own) / others;
        return 1f - own + MarginalReturn * total + WarmGlow * own - Conformity * deviation * deviation;
    }
}
