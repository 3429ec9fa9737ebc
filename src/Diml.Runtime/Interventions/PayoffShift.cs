namespace Diml.Interventions;

/// <summary>
/// An additive payoff change per own action — a toll (negative) or a subsidy (positive) on each action, whatever the
/// others do: <c>Δ(a)_i = shift[a_i]</c>, in the model's payoff units. Written in the kernel language, so the generator
/// checks and differentiates it like any mechanism; compose it with a fitted mechanism through
/// <see cref="Intervention.Compose"/>.
/// </summary>
/// <remarks>
/// The anonymous form is the least general one, so the shift composes with a mechanism of any form: evaluated inside a
/// joint or per-agent mechanism it is read at the agent's own action.
/// </remarks>
[Mechanism]
public sealed partial class PayoffShift
{
    /// <summary>A zero shift for games with <paramref name="actions"/> actions.</summary>
    public PayoffShift(int actions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(actions, 1);
        Shift = new float[actions];
    }

    /// <summary>The shift <paramref name="shifts"/>[k] on own action k.</summary>
    public PayoffShift(ReadOnlySpan<float> shifts) : this(shifts.Length)
    {
        shifts.CopyTo(Shift);
    }

    /// <summary>The payoff change of each own action.</summary>
    [Param] public float[] Shift;

    /// <summary>The payoff change of playing <paramref name="ownAction"/>; the others' actions do not matter.</summary>
    [Payoff]
    public float Payoff(int ownAction, ReadOnlySpan<int> opponentCounts)
    {
        return Shift[ownAction];
    }
}
