using System.Globalization;
using Diml.Evaluation.Counterfactuals;
using ScottPlot;

namespace Diml.Experiments.Commands;

/// <summary>
/// The figure of <c>diml counterfactual</c> under a policy (ScottPlot 5): each action's share per period under the policy
/// (solid, with its band shaded) and without it (dashed).
/// </summary>
internal static class PolicyForecastPlot
{
    public const int Width = 900, Height = 560;

    /// <summary>At most this many actions get their own line; larger games show evenly spaced ones.</summary>
    private const int MaxActionsShown = 10;

    public static Plot Create(PolicyForecast forecast, string title)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var periods = Enumerable.Range(0, forecast.Steps).Select(t => (double)t).ToArray();
        var shown = forecast.Actions <= MaxActionsShown
            ? Enumerable.Range(0, forecast.Actions).ToArray()
            : Enumerable.Range(0, MaxActionsShown).Select(j => (int)Math.Round(j * (forecast.Actions - 1) / (double)(MaxActionsShown - 1))).Distinct().ToArray();
        for (int s = 0; s < shown.Length; s++)
        {
            int k = shown[s];
            var colour = palette.GetColor(s);
            var band = plot.Add.FillY(periods,
                periods.Select(t => forecast.PolicyShare((int)t, k).Lower).ToArray(),
                periods.Select(t => forecast.PolicyShare((int)t, k).Upper).ToArray());
            band.FillColor = colour.WithAlpha(0.18);
            band.LineWidth = 0;
            var policy = plot.Add.Scatter(periods, periods.Select(t => forecast.PolicyShare((int)t, k).Mean).ToArray());
            policy.Color = colour;
            policy.MarkerSize = 0;
            policy.LineWidth = 2;
            policy.LegendText = string.Create(CultureInfo.InvariantCulture, $"action {k}");
            var noChange = plot.Add.Scatter(periods, periods.Select(t => forecast.NoChangeShare((int)t, k).Mean).ToArray());
            noChange.Color = colour;
            noChange.MarkerSize = 0;
            noChange.LineWidth = 1;
            noChange.LinePattern = LinePattern.Dashed;
        }
        plot.Title(title);
        plot.XLabel("period (solid: under the policy, band shaded; dashed: no change)");
        plot.YLabel("share of acting agents");
        plot.ShowLegend(Edge.Right);
        return plot;
    }
}
