using System.Globalization;

namespace Diml.Evaluation.Counterfactuals;

/// <summary>
/// The CSV of a <see cref="PolicyForecast"/> (docs/formats.md): one row per period and measure — the share of each action
/// (<c>measure=share</c>) and the acting agents' mean payoff (<c>measure=mean_payoff</c>, action empty) — with the
/// no-change prediction, the prediction under the policy and their paired change, each as mean and band.
/// </summary>
public static class PolicyForecastCsv
{
    /// <summary>The header.</summary>
    public const string Header = "t,measure,action,no_change,no_change_lo,no_change_hi,policy,policy_lo,policy_hi,change,change_lo,change_hi";

    /// <summary>Writes <paramref name="forecast"/> to <paramref name="writer"/>.</summary>
    public static void Write(TextWriter writer, PolicyForecast forecast)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(forecast);
        writer.WriteLine(Header);
        for (int t = 0; t < forecast.Steps; t++)
        {
            for (int k = 0; k < forecast.Actions; k++)
                Row(writer, t, "share", k.ToString(CultureInfo.InvariantCulture), forecast.NoChangeShare(t, k), forecast.PolicyShare(t, k), forecast.ShareChange(t, k));
            Row(writer, t, "mean_payoff", "", forecast.NoChangePayoff[t], forecast.PolicyPayoff[t], forecast.PayoffChange[t]);
        }
    }

    private static void Row(TextWriter writer, int t, string measure, string action, Band noChange, Band policy, Band change) =>
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{t},{measure},{action},{noChange.Mean:R},{noChange.Lower:R},{noChange.Upper:R},{policy.Mean:R},{policy.Lower:R},{policy.Upper:R},{change.Mean:R},{change.Lower:R},{change.Upper:R}"));
}
