using System.Globalization;
using System.Text;
using Diml.IO;
using ScottPlot;

namespace Diml.Experiments.Reproduction;

/// <summary>
/// The suite's figures (ScottPlot 5), each as PNG and SVG: for E1, E2 and E3 two panels — <c>diff_mse</c> and
/// <c>cfkl_params</c> per epoch, one solid line per model (the mean over seeds) and the paper's published curve of the
/// same model dashed in the same colour — and one combined E7 figure with one colour per size. Both axes of values are
/// logarithmic (the metrics span decades).
/// </summary>
public static class SuitePlots
{
    private const int PanelWidth = 640, Height = 440;

    /// <summary>Writes every figure that has data; returns the files written.</summary>
    public static List<string> WriteAll(string folder, IReadOnlyList<ExperimentDefinition> experiments,
        IReadOnlyList<(ExperimentDefinition Definition, string Model, int Seed, List<ResultRow> Curve, ResultRow Final)> runs, PaperReference paper)
    {
        var written = new List<string>();
        foreach (var group in experiments.GroupBy(d => d.Group))
        {
            var series = new List<Series>();
            var definitions = group.ToList();
            bool large = group.Key == "E7";
            int colour = 0;
            foreach (var definition in definitions)
            {
                var models = large ? definition.Models : definition.Models;
                foreach (string model in models)
                {
                    var ours = runs.Where(r => r.Definition.Id == definition.Id && r.Model == model).ToList();
                    var published = paper.Curve(definition.Tag + "/" + model);
                    if (ours.Count == 0 && published.Count == 0) continue;
                    if (ours.Count == 0) continue;
                    string label = large ? FormattableString.Invariant($"n={definition.Shape.Agents} A={definition.Shape.Actions}") : model;
                    series.Add(new Series(label, colour++, MeanCurve(ours.Select(r => r.Curve)), published));
                }
            }
            if (series.Count == 0) continue;
            string title = large ? "E7 large-scale anonymous games" : definitions[0].Tag;
            string stem = Path.Combine(folder, group.Key);
            var panels = new[] { Panel(title, MetricColumns.DiffMse, series), Panel(title, MetricColumns.CfklParams, series) };
            var multiplot = new Multiplot();
            // A new multiplot holds one empty plot; the panels replace it.
            while (multiplot.GetPlots().Length > 0) multiplot.RemovePlot(multiplot.GetPlot(0));
            foreach (var panel in panels) multiplot.AddPlot(panel);
            multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
            byte[] png = multiplot.Render(PanelWidth * panels.Length, Height).GetImageBytes(ImageFormat.Png);
            AtomicFile.Write(stem + ".png", stream => stream.Write(png));
            AtomicFile.WriteAllText(stem + ".svg", SideBySideSvg(panels));
            written.Add(stem + ".png");
            written.Add(stem + ".svg");
        }
        return written;
    }

    private sealed record Series(string Label, int Colour, Dictionary<int, (double DiffMse, double Cfkl)> Ours, IReadOnlyList<ResultRow> Published);

    /// <summary>Per epoch, the mean over seeds of the evaluated metrics.</summary>
    private static Dictionary<int, (double DiffMse, double Cfkl)> MeanCurve(IEnumerable<List<ResultRow>> curves)
    {
        var sums = new SortedDictionary<int, (double D, int Dn, double C, int Cn)>();
        foreach (var curve in curves)
            foreach (var row in curve)
            {
                int epoch = (int)row.Number(MetricColumns.Epoch);
                var s = sums.GetValueOrDefault(epoch);
                double d = row.Number(MetricColumns.DiffMse), c = row.Number(MetricColumns.CfklParams);
                if (double.IsFinite(d)) { s.D += d; s.Dn++; }
                if (double.IsFinite(c)) { s.C += c; s.Cn++; }
                sums[epoch] = s;
            }
        return sums.ToDictionary(p => p.Key, p => (p.Value.Dn > 0 ? p.Value.D / p.Value.Dn : double.NaN, p.Value.Cn > 0 ? p.Value.C / p.Value.Cn : double.NaN));
    }

    private static Plot Panel(string title, string metric, List<Series> series)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var s in series)
        {
            var colour = palette.GetColor(s.Colour);
            var ours = s.Ours.Where(p => Positive(metric == MetricColumns.DiffMse ? p.Value.DiffMse : p.Value.Cfkl)).OrderBy(p => p.Key).ToArray();
            if (ours.Length > 0)
            {
                var line = plot.Add.Scatter(ours.Select(p => (double)p.Key).ToArray(),
                    ours.Select(p => Math.Log10(metric == MetricColumns.DiffMse ? p.Value.DiffMse : p.Value.Cfkl)).ToArray());
                line.Color = colour;
                line.LineWidth = 2;
                line.MarkerSize = ours.Length <= 30 ? 4 : 0;
                line.LegendText = s.Label;
            }
            var published = s.Published.Where(r => Positive(r.Number(metric))).ToArray();
            if (published.Length > 0)
            {
                var line = plot.Add.Scatter(published.Select(r => r.Number(MetricColumns.Epoch)).ToArray(),
                    published.Select(r => Math.Log10(r.Number(metric))).ToArray());
                line.Color = colour.WithAlpha(0.8);
                line.LineWidth = 1.5f;
                line.MarkerSize = 0;
                line.LinePattern = LinePattern.Dashed;
                line.LegendText = s.Label + " (paper)";
            }
        }
        plot.Title(title + ": " + metric);
        plot.XLabel("epoch");
        plot.YLabel(metric + " (log scale; dashed: paper)");
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => "1e" + y.ToString("0", CultureInfo.InvariantCulture),
        };
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    private static bool Positive(double value) => double.IsFinite(value) && value > 0;

    /// <summary>The panels' SVGs placed side by side in one SVG document.</summary>
    private static string SideBySideSvg(Plot[] panels)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{PanelWidth * panels.Length}\" height=\"{Height}\">\n");
        for (int p = 0; p < panels.Length; p++)
        {
            string inner = panels[p].GetSvgXml(PanelWidth, Height);
            int open = inner.IndexOf("<svg", StringComparison.Ordinal);
            if (open < 0) continue;
            inner = inner[open..];
            // Place the panel by the nested <svg>'s own x attribute.
            inner = "<svg x=\"" + (PanelWidth * p).ToString(CultureInfo.InvariantCulture) + "\"" + inner[4..];
            svg.Append(inner).Append('\n');
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }
}
