using System.Globalization;
using Diml.Evaluation.Inspection;
using ScottPlot;

namespace Diml.Experiments.Commands;

/// <summary>
/// The figure of <c>diml inspect</c> (ScottPlot 5): the payoff difference of each shown own action against the
/// context, filled markers for visited contexts and open ones for unvisited (the model's extrapolation).
/// </summary>
internal static class PayoffDifferencePlot
{
    public const int Width = 900, Height = 560;

    public static Plot Create(PayoffDifferenceTable table, IReadOnlyList<int> ownActions, string title)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var contexts = table.Contexts;
        // Anonymous: against the group-mates' total action; joint: the contexts in CSV order.
        double X(int index) => table.Anonymous ? contexts[index].MatesActionSum : index;
        bool uniqueX = !table.Anonymous || contexts.Select(c => c.MatesActionSum).Distinct().Count() == contexts.Count;
        plot.Add.HorizontalLine(0, 1, Colors.Gray);
        for (int s = 0; s < ownActions.Count; s++)
        {
            int k = ownActions[s];
            var colour = palette.GetColor(s);
            var all = Enumerable.Range(0, contexts.Count).ToArray();
            if (uniqueX && all.Length > 1)
            {
                var line = plot.Add.Scatter(all.Select(X).ToArray(), all.Select(i => contexts[i].Differences[k]).ToArray());
                line.Color = colour.WithAlpha(0.5);
                line.MarkerSize = 0;
                line.LineWidth = 1;
            }
            bool labelled = false;
            foreach (bool visited in new[] { false, true }) // filled markers on top
            {
                var points = all.Where(i => contexts[i].Visited == visited).ToArray();
                if (points.Length == 0) continue;
                var markers = plot.Add.ScatterPoints(points.Select(X).ToArray(), points.Select(i => contexts[i].Differences[k]).ToArray());
                markers.Color = colour;
                markers.MarkerSize = 7;
                markers.MarkerShape = visited ? MarkerShape.FilledCircle : MarkerShape.OpenCircle;
                // One legend entry per own action; the axis label says what open markers are.
                if (!labelled) markers.LegendText = string.Create(CultureInfo.InvariantCulture, $"own action {k}");
                labelled = true;
            }
        }
        plot.Title(title);
        plot.XLabel(table.Anonymous
            ? table.Shape.Actions == 2 ? "group-mates playing action 1" : "group-mates' total action (sum of action x count)"
            : "context (agent, others' actions), in CSV order");
        plot.YLabel("payoff minus payoff of action 0 (open: unvisited context)");
        plot.ShowLegend(Edge.Right);
        return plot;
    }
}
