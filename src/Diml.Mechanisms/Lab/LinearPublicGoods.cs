namespace Diml.Mechanisms;

/// <summary>
/// The linear public-goods game of the laboratory (the voluntary contribution mechanism) with a conditional-cooperation
/// term: each of a group's members keeps what she does not contribute of an endowment of <c>A − 1</c> tokens and earns
/// the marginal per-capita return <c>m</c> on the group's total contribution, and — the behavioural term — values her own
/// contribution by <c>γ</c> times the share of the endowment her group-mates contributed on average:
/// <c>u_i = (E − c_i) + m·Σ_j c_j + γ·c_i·c̄_{−i} / E</c>, contributions <c>c</c> in tokens <c>0..E</c>, <c>E = A − 1</c>.
/// </summary>
/// <remarks>
/// Payoffs are in tokens. Only differences between own actions are identified (DESIGN §1):
/// <c>u(c) − u(0) = c·(m − 1 + γ·c̄_{−i}/E)</c>, so <c>m</c> and <c>γ</c> are both identified from choices whenever
/// group-mates' contributions vary, and the terms that do not depend on one's own contribution (the endowment, the
/// return on the others' contributions) are a gauge. Because <c>m</c> is learned, the scale is not known: β·(m − 1) and
/// β·γ are what choices identify, so β is fixed when fitting this family (docs/fitting.md, the β rule). <c>m</c> is the
/// money term <c>counterfactual --scale-money</c> scales. Anonymous form: any group size; a member without group-mates
/// sees <c>c̄_{−i} = 0</c>.
/// </remarks>
[Mechanism]
public sealed partial class LinearPublicGoods
{
    /// <summary>The laboratory truth the worked example simulates (docs/experiments.md): m = 0.4, γ = 0.9.</summary>
    public const float LabMpcr = 0.4f, LabReciprocity = 0.9f;

    /// <summary>Creates the game for contributions 0..<paramref name="actions"/> − 1 tokens, parameters zero (a fit's start).</summary>
    public LinearPublicGoods(int actions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(actions, 2);
        Actions = actions;
        Endowment = actions - 1;
    }

    /// <summary>Contribution levels: actions 0..A − 1 contribute that many tokens.</summary>
    public int Actions { get; }

    /// <summary>E: the endowment in tokens, A − 1.</summary>
    public float Endowment { get; }

    /// <summary>m: the marginal per-capita return on the group's total contribution (the money term).</summary>
    [Param] public float Mpcr;

    /// <summary>γ: conditional cooperation, the value of one's own contribution per share of the endowment the group-mates contribute.</summary>
    [Param] public float Reciprocity;

    /// <summary>Sets the laboratory truth, <see cref="LabMpcr"/> and <see cref="LabReciprocity"/>.</summary>
    public void SetLabTruth()
    {
        Mpcr = LabMpcr;
        Reciprocity = LabReciprocity;
    }

    /// <summary>The payoff, in tokens, of contributing <paramref name="ownAction"/> tokens when the group-mates' contributions are counted by <paramref name="mateCounts"/>.</summary>
    [Payoff]
    public float Payoff(int ownAction, ReadOnlySpan<int> mateCounts)
    {
        int mates = 0;
        float matesTotal = 0f;
        for (int k = 0; k < mateCounts.Length; k++)
        {
            mates += mateCounts[k];
            matesTotal += k * mateCounts[k];
        }
        float own = ownAction;
        float matesMean = mates > 0 ? matesTotal / mates : 0f;
        return Endowment - own + Mpcr * (own + matesTotal) + Reciprocity * own * matesMean / Endowment;
    }
}
