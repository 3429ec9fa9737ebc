namespace Diml.Learning;

/// <summary>
/// Experience-weighted attraction (Camerer and Ho, 1999). Per agent the state is one attraction per own
/// action and the experience weight <c>N</c>:
/// <c>N' = ρ·N + 1</c>,
/// <c>A'[k] = (φ·N·A[k] + (δ + (1 − δ)·[k = played])·u[k]) / N'</c>,
/// and the response is the logit <c>π ∝ exp(λ·A)</c>. δ weighs the foregone payoffs of actions not played;
/// δ = 1 with ρ = 0 is weighted fictitious play's cousin, δ = 0 is cumulative reinforcement.
/// </summary>
[LearningRule]
public sealed partial class ExperienceWeightedAttraction
{
    /// <summary>Creates the rule; see the class summary for each parameter's role.</summary>
    public ExperienceWeightedAttraction(float phi, float rho, float delta, float lambda, float initialExperience = 1f)
    {
        if (!(phi >= 0 && phi <= 1)) throw new ArgumentOutOfRangeException(nameof(phi), phi, "The attraction decay φ must be in [0, 1].");
        if (!(rho >= 0 && rho <= 1)) throw new ArgumentOutOfRangeException(nameof(rho), rho, "The experience decay ρ must be in [0, 1].");
        if (!(delta >= 0 && delta <= 1)) throw new ArgumentOutOfRangeException(nameof(delta), delta, "The foregone-payoff weight δ must be in [0, 1].");
        if (!(lambda > 0) || float.IsInfinity(lambda)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "The response sensitivity λ must be positive and finite.");
        if (!(initialExperience >= 0) || float.IsInfinity(initialExperience)) throw new ArgumentOutOfRangeException(nameof(initialExperience), initialExperience, "The initial experience N(0) must be non-negative and finite.");
        Phi = phi;
        Rho = rho;
        Delta = delta;
        Lambda = lambda;
        InitialExperience = initialExperience;
    }

    /// <summary>φ ∈ [0, 1]: decay of past attractions; learnable.</summary>
    [Param(Range = ParamRange.UnitInterval)] public float Phi;

    /// <summary>ρ ∈ [0, 1]: decay of the experience weight; learnable.</summary>
    [Param(Range = ParamRange.UnitInterval)] public float Rho;

    /// <summary>δ ∈ [0, 1]: weight of the foregone payoffs of actions not played; learnable.</summary>
    [Param(Range = ParamRange.UnitInterval)] public float Delta;

    /// <summary>λ &gt; 0: sensitivity of the logit response to attractions (the payoff scale); learnable only with a mechanism of known scale.</summary>
    [Param(Range = ParamRange.Positive)] public float Lambda;

    /// <summary>N(0): the experience weight before the first step.</summary>
    public float InitialExperience { get; }

    /// <inheritdoc/>
    public int StateSize(int actions) => actions + 1;

    /// <summary>Attractions zero, experience <see cref="InitialExperience"/>.</summary>
    public void InitialState(Span<float> state)
    {
        state.Clear();
        state[^1] = InitialExperience;
    }

    /// <summary>The EWA update of attractions <c>state[..A]</c> and experience <c>state[A]</c>.</summary>
    [Update]
    public void Update(ReadOnlySpan<float> state, ReadOnlySpan<float> payoffs, int played, Span<float> next)
    {
        int actions = payoffs.Length;
        float experience = state[actions];
        float nextExperience = Rho * experience + 1;
        for (int k = 0; k < actions; k++)
        {
            float weight = k == played ? 1f : Delta;
            next[k] = (Phi * experience * state[k] + weight * payoffs[k]) / nextExperience;
        }
        next[actions] = nextExperience;
    }

    /// <summary><c>logPolicy = log_softmax(λ·attractions)</c>.</summary>
    [Response]
    public void Response(ReadOnlySpan<float> state, Span<float> logPolicy)
    {
        int actions = logPolicy.Length;
        Span<float> scaled = stackalloc float[actions];
        for (int k = 0; k < actions; k++)
            scaled[k] = Lambda * state[k];
        Nn.LogSoftmax(scaled, logPolicy);
    }
}
