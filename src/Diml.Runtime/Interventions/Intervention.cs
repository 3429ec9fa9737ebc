namespace Diml.Interventions;

/// <summary>
/// Composes a fitted mechanism with an intervention, a known change to payoffs: <c>M'(a)_i = M̂(a)_i + Δ(a)_i</c>
/// (DESIGN §1; issue 16). The intervention is any mechanism — usually a small one written in the kernel language such as
/// <see cref="PayoffShift"/> — so the composition is checked and differentiated like any mechanism, and everything that
/// takes a mechanism (simulation, grouped simulation, fitting, the gradient checks) takes it.
/// </summary>
public static class Intervention
{
    /// <summary>
    /// <c>M̂ + Δ</c> in games with <paramref name="actions"/> actions. Its parameter vector is the fitted mechanism's
    /// followed by the intervention's (<see cref="ComposedMechanism.Parameters"/>); its payoff form is the more general of
    /// the two (joint, then per-agent, then anonymous), the other part being evaluated in that form. When the intervention's
    /// form is no more general than the fitted mechanism's, the fitted part is evaluated exactly as on its own, so a zero
    /// intervention reproduces its payoffs bit for bit.
    /// </summary>
    public static ComposedMechanism Compose(IMechanism fitted, IMechanism intervention, int actions)
    {
        ArgumentNullException.ThrowIfNull(fitted);
        ArgumentNullException.ThrowIfNull(intervention);
        ArgumentOutOfRangeException.ThrowIfLessThan(actions, 1);
        var form = Generality(fitted.Form) >= Generality(intervention.Form) ? fitted.Form : intervention.Form;
        return form switch
        {
            PayoffForm.Joint => new ComposedJointMechanism(fitted, intervention, actions),
            PayoffForm.PerAgent => new ComposedPerAgentMechanism(fitted, intervention, actions),
            _ when fitted is IBatchedAnonymousMechanism => new ComposedBatchedAnonymousMechanism(fitted, intervention, actions),
            _ => new ComposedAnonymousMechanism(fitted, intervention, actions),
        };
    }

    /// <summary>The toll or subsidy <paramref name="shifts"/>[k] on own action k composed with <paramref name="fitted"/>.</summary>
    public static ComposedMechanism WithPayoffShift(IMechanism fitted, ReadOnlySpan<float> shifts) =>
        Compose(fitted, new PayoffShift(shifts), shifts.Length);

    /// <summary>Joint form can express every per-agent mechanism, and per-agent form every anonymous one.</summary>
    private static int Generality(PayoffForm form) => form switch
    {
        PayoffForm.Joint => 2,
        PayoffForm.PerAgent => 1,
        _ => 0,
    };
}
