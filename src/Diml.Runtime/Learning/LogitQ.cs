namespace Diml.Learning;

/// <summary>
/// Logit-Q learning (DESIGN §1): the state is a Q-value per own action, updated towards the counterfactual
/// payoffs, <c>Q' = (1 − α)·Q + α·u</c>; the response is a softmax at inverse temperature β mixed with
/// uniform exploration ε: <c>π = (1 − ε)·softmax(β·Q) + ε/A</c>. The Q-values start at the initial attractions Q0
/// (one per action; none given: all 0). α, β, ε and Q0 are <see cref="ParamAttribute"/> fields: a fit can estimate
/// them (<see cref="ILearnableRule"/>).
/// </summary>
/// <remarks>
/// Q0 is identified only up to a common shift: adding c to every Q0[k] adds β·(1 − α)^t·c to every logit at step t,
/// which the softmax ignores. A fit therefore holds one element fixed (the catalog's <c>--estimate q0</c> keeps
/// Q0[0]; docs/learning-rules.md).
/// </remarks>
[LearningRule]
public sealed partial class LogitQ
{
    /// <summary>Creates the rule with step size <paramref name="alpha"/>, inverse temperature <paramref name="beta"/> and exploration <paramref name="epsilon"/>.</summary>
    public LogitQ(float alpha, float beta, float epsilon) : this(alpha, beta, epsilon, [])
    {
    }

    /// <summary>
    /// Creates the rule with initial attractions <paramref name="initialAttractions"/>: one per action of the game it
    /// plays, or none (all 0).
    /// </summary>
    public LogitQ(float alpha, float beta, float epsilon, ReadOnlySpan<float> initialAttractions)
    {
        if (!(alpha > 0 && alpha <= 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The step size α must be in (0, 1].");
        if (!(beta > 0) || float.IsInfinity(beta)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "The inverse temperature β must be positive and finite.");
        if (!(epsilon >= 0 && epsilon < 1)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "The exploration rate ε must be in [0, 1).");
        Alpha = alpha;
        Beta = beta;
        Epsilon = epsilon;
        Q0 = InitialAttractions.Checked(initialAttractions, nameof(initialAttractions));
    }

    /// <summary>Step size α ∈ (0, 1] of the Q update; learnable (a fit keeps it in range as sigmoid of a raw value).</summary>
    [Param(Range = ParamRange.UnitInterval)] public float Alpha;

    /// <summary>Inverse temperature β &gt; 0 of the softmax (the payoff scale, DESIGN §1 gauge); learnable only with a mechanism of known scale.</summary>
    [Param(Range = ParamRange.Positive)] public float Beta;

    /// <summary>Uniform exploration rate ε ∈ [0, 1); learnable.</summary>
    [Param(Range = ParamRange.UnitInterval)] public float Epsilon;

    /// <summary>Initial attraction Q0[k] of each action (empty: all 0); learnable, real-valued.</summary>
    [Param] public float[] Q0;

    /// <summary>One Q-value per action; throws when Q0 is given for another number of actions.</summary>
    public int StateSize(int actions)
    {
        InitialAttractions.CheckFor(nameof(LogitQ), Q0.Length, actions);
        return actions;
    }

    /// <summary>Q = Q0 (all 0 when no Q0 is given).</summary>
    [Initial]
    public void InitialState(Span<float> state)
    {
        for (int k = 0; k < state.Length; k++)
            state[k] = 0;
        for (int k = 0; k < Q0.Length; k++)
            state[k] = Q0[k];
    }

    /// <summary><c>next[k] = (1 − α)·q[k] + α·payoffs[k]</c>.</summary>
    [Update]
    public void Update(ReadOnlySpan<float> q, ReadOnlySpan<float> payoffs, int played, Span<float> next)
    {
        for (int k = 0; k < q.Length; k++)
            next[k] = (1 - Alpha) * q[k] + Alpha * payoffs[k];
    }

    /// <summary><c>logPolicy[k] = log((1 − ε)·softmax(β·q)[k] + ε/A)</c>, computed through a stable log-sum-exp.</summary>
    [Response]
    public void Response(ReadOnlySpan<float> q, Span<float> logPolicy)
    {
        int actions = q.Length;
        Span<float> scaled = stackalloc float[actions];
        for (int k = 0; k < actions; k++)
            scaled[k] = Beta * q[k];
        float logSum = Nn.LogSumExp(scaled);
        for (int k = 0; k < actions; k++)
            logPolicy[k] = MathF.Log((1 - Epsilon) * MathF.Exp(scaled[k] - logSum) + Epsilon / actions);
    }
}
