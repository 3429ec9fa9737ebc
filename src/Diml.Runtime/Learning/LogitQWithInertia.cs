namespace Diml.Learning;

/// <summary>
/// Logit-Q with choice inertia: Logit-Q (<see cref="LogitQ"/>) whose response also favours repeating the agent's
/// previous action by a bonus κ on the logit scale,
/// <c>π = (1 − ε)·softmax(β·Q + κ·[k = previous]) + ε/A</c>. The state is the Q-values followed by a one-hot of the
/// previous action (all zero before the first step, and carried unchanged over an absence, like Q). Q starts at the
/// initial attractions Q0 (none given: all 0), identified only up to a common shift as in <see cref="LogitQ"/>.
/// α, β, ε, κ and Q0 are learnable.
/// </summary>
/// <remarks>
/// κ is added to the logits, not to Q, so it is measured in log-odds and does not trade off with the payoff scale β;
/// κ &gt; 0 is inertia, κ &lt; 0 a taste for switching. Lab subjects in repeated games typically show κ &gt; 0.
/// </remarks>
[LearningRule]
public sealed partial class LogitQWithInertia
{
    /// <summary>Creates the rule with step size α, inverse temperature β, exploration ε and inertia bonus κ.</summary>
    public LogitQWithInertia(float alpha, float beta, float epsilon, float inertia) : this(alpha, beta, epsilon, inertia, [])
    {
    }

    /// <summary>Creates the rule with initial attractions <paramref name="initialAttractions"/> (one per action, or none: all 0).</summary>
    public LogitQWithInertia(float alpha, float beta, float epsilon, float inertia, ReadOnlySpan<float> initialAttractions)
    {
        if (!(alpha > 0 && alpha <= 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The step size α must be in (0, 1].");
        if (!(beta > 0) || float.IsInfinity(beta)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "The inverse temperature β must be positive and finite.");
        if (!(epsilon >= 0 && epsilon < 1)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "The exploration rate ε must be in [0, 1).");
        if (!float.IsFinite(inertia)) throw new ArgumentOutOfRangeException(nameof(inertia), inertia, "The inertia bonus κ must be finite.");
        Alpha = alpha;
        Beta = beta;
        Epsilon = epsilon;
        Inertia = inertia;
        Q0 = InitialAttractions.Checked(initialAttractions, nameof(initialAttractions));
    }

    /// <summary>Step size α ∈ (0, 1] of the Q update.</summary>
    [Param(Range = ParamRange.UnitInterval)] public float Alpha;

    /// <summary>Inverse temperature β &gt; 0 (the payoff scale).</summary>
    [Param(Range = ParamRange.Positive)] public float Beta;

    /// <summary>Uniform exploration rate ε ∈ [0, 1).</summary>
    [Param(Range = ParamRange.UnitInterval)] public float Epsilon;

    /// <summary>Inertia bonus κ: added to the logit of the previous action.</summary>
    [Param] public float Inertia;

    /// <summary>Initial attraction Q0[k] of each action (empty: all 0).</summary>
    [Param] public float[] Q0;

    /// <summary>Q per action, then the previous action as a one-hot; throws when Q0 is given for another number of actions.</summary>
    public int StateSize(int actions)
    {
        InitialAttractions.CheckFor(nameof(LogitQWithInertia), Q0.Length, actions);
        return 2 * actions;
    }

    /// <summary>Q = Q0 (all 0 when no Q0 is given) and no previous action.</summary>
    [Initial]
    public void InitialState(Span<float> state)
    {
        for (int k = 0; k < state.Length; k++)
            state[k] = 0;
        for (int k = 0; k < Q0.Length; k++)
            state[k] = Q0[k];
    }

    /// <summary><c>next[k] = (1 − α)·q[k] + α·payoffs[k]</c>; the one-hot becomes the action just played.</summary>
    [Update]
    public void Update(ReadOnlySpan<float> state, ReadOnlySpan<float> payoffs, int played, Span<float> next)
    {
        int actions = payoffs.Length;
        for (int k = 0; k < actions; k++)
        {
            next[k] = (1 - Alpha) * state[k] + Alpha * payoffs[k];
            next[actions + k] = k == played ? 1f : 0f;
        }
    }

    /// <summary><c>logPolicy[k] = log((1 − ε)·softmax(β·q + κ·previous)[k] + ε/A)</c>, through a stable log-sum-exp.</summary>
    [Response]
    public void Response(ReadOnlySpan<float> state, Span<float> logPolicy)
    {
        int actions = logPolicy.Length;
        Span<float> scaled = stackalloc float[actions];
        for (int k = 0; k < actions; k++)
            scaled[k] = Beta * state[k] + Inertia * state[actions + k];
        float logSum = Nn.LogSumExp(scaled);
        for (int k = 0; k < actions; k++)
            logPolicy[k] = MathF.Log((1 - Epsilon) * MathF.Exp(scaled[k] - logSum) + Epsilon / actions);
    }
}
