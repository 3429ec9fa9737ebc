namespace Diml.Mechanisms;

/// <summary>
/// The volunteer's dilemma: each member of a group chooses to volunteer (action 1) or not (action 0); everyone gains
/// <c>b</c> when at least one member volunteers, and a volunteer pays <c>k</c>:
/// <c>u_i = b·[some member volunteers] − k·[i volunteers]</c>. Binary actions, any group size (anonymous form).
/// </summary>
/// <remarks>
/// What choices identify (DESIGN §1) is the difference <c>u(1) − u(0) = b·[no group-mate volunteers] − k</c>: the
/// cost, and the benefit only through the groups where nobody else volunteers — which become rarer in large groups, so
/// pooling group sizes (docs/experiments.md) identifies both. β is fixed: every payoff term is estimated.
/// </remarks>
[Mechanism]
public sealed partial class VolunteersDilemma
{
    /// <summary>The laboratory truth the worked example simulates (docs/experiments.md): b = 1, k = 0.35.</summary>
    public const float LabBenefit = 1f, LabCost = 0.35f;

    /// <summary>Creates the game (2 actions: stay out, volunteer), all parameters zero.</summary>
    public VolunteersDilemma(int actions)
    {
        if (actions != 2) throw new ArgumentOutOfRangeException(nameof(actions), actions, $"{nameof(actions)}: expected 2 actions (stay out, volunteer), found {actions}.");
    }

    /// <summary>b: what each member gains when at least one member volunteers.</summary>
    [Param] public float Benefit;

    /// <summary>k: what volunteering costs the volunteer.</summary>
    [Param] public float Cost;

    /// <summary>Sets the laboratory truth, <see cref="LabBenefit"/> and <see cref="LabCost"/>.</summary>
    public void SetLabTruth()
    {
        Benefit = LabBenefit;
        Cost = LabCost;
    }

    /// <summary>The payoff of <paramref name="ownAction"/> (1: volunteer) when <paramref name="mateCounts"/>[1] group-mates volunteer.</summary>
    [Payoff]
    public float Payoff(int ownAction, ReadOnlySpan<int> mateCounts)
    {
        bool provided = ownAction == 1 || mateCounts[1] > 0;
        float benefit = provided ? Benefit : 0f;
        return ownAction == 1 ? benefit - Cost : benefit;
    }
}
