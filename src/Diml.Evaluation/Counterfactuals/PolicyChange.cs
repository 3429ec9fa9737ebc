using System.Globalization;
using Diml.Interventions;

namespace Diml.Evaluation.Counterfactuals;

/// <summary>
/// A known change to the mechanism, applied to a fitted model and equally to a true one: <c>M'(a)_i = M̂(a)_i + Δ(a)_i</c>
/// with <c>Δ</c> an intervention mechanism (such as <see cref="PayoffShift"/>), and/or the mechanism's money term scaled
/// (<see cref="MoneyTerm"/>). Payoff shifts are in the model's payoff units.
/// </summary>
public sealed class PolicyChange
{
    private PolicyChange(IMechanism? intervention, MoneyTerm? moneyTerm, double moneyFactor)
    {
        InterventionMechanism = intervention;
        MoneyTerm = moneyTerm;
        MoneyFactor = moneyFactor;
    }

    /// <summary>No change: the prediction under the fitted mechanism itself.</summary>
    public static PolicyChange None { get; } = new(null, null, 1);

    /// <summary>
    /// The intervention <paramref name="intervention"/> at its current parameters (copied now, so later changes to its
    /// fields do not change this policy).
    /// </summary>
    public static PolicyChange Add(IMechanism intervention)
    {
        ArgumentNullException.ThrowIfNull(intervention);
        return new PolicyChange(intervention, null, 1) { _interventionTheta = Read(intervention) };
    }

    /// <summary>A toll or subsidy <paramref name="shifts"/>[k] on each own action k.</summary>
    public static PolicyChange PayoffShift(ReadOnlySpan<float> shifts) => Add(new PayoffShift(shifts));

    /// <summary>This change with the money term <paramref name="term"/> scaled by <paramref name="factor"/> as well.</summary>
    public PolicyChange WithMoneyScaling(MoneyTerm term, double factor)
    {
        ArgumentNullException.ThrowIfNull(term);
        if (!double.IsFinite(factor))
            throw new ArgumentOutOfRangeException(nameof(factor), factor, string.Create(CultureInfo.InvariantCulture, $"{nameof(factor)}: expected a finite factor, found {factor}."));
        return new PolicyChange(InterventionMechanism, term, factor) { _interventionTheta = _interventionTheta };
    }

    private float[] _interventionTheta = [];

    /// <summary>The additive intervention Δ, if any.</summary>
    public IMechanism? InterventionMechanism { get; }

    /// <summary>The money term scaled, if any.</summary>
    public MoneyTerm? MoneyTerm { get; }

    /// <summary>The factor on the money term (1: unchanged).</summary>
    public double MoneyFactor { get; }

    /// <summary>
    /// The mechanism <c>M'</c> for <paramref name="fitted"/> in games with <paramref name="actions"/> actions, and the map from
    /// the fitted mechanism's parameters to <c>M'</c>'s (which applies the money scaling and appends Δ's parameters).
    /// </summary>
    public (IMechanism Mechanism, Func<float[], float[]> Parameters) Apply(IMechanism fitted, int actions)
    {
        ArgumentNullException.ThrowIfNull(fitted);
        var layout = fitted.Layout;
        Func<float[], float[]> scaled = MoneyTerm is null ? theta => (float[])theta.Clone() : theta => MoneyTerm.Scale(layout, theta, MoneyFactor);
        if (InterventionMechanism is null) return (fitted, scaled);
        var composed = Intervention.Compose(fitted, InterventionMechanism, actions);
        var change = _interventionTheta;
        return (composed, theta => [.. scaled(theta), .. change]);
    }

    /// <summary>A one-line description for reports.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (InterventionMechanism is PayoffShift)
            parts.Add("payoff shift [" + string.Join(", ", _interventionTheta.Select(v => v.ToString("G6", CultureInfo.InvariantCulture))) + "]");
        else if (InterventionMechanism is not null) parts.Add("intervention " + InterventionMechanism.ModelName);
        if (MoneyTerm is not null) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{MoneyTerm.Description} × {MoneyFactor:G6}"));
        return parts.Count == 0 ? "no change" : string.Join(", ", parts);
    }

    private static float[] Read(IMechanism mechanism)
    {
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        return theta;
    }
}
