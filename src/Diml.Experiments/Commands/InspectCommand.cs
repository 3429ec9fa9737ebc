using System.CommandLine;
using System.Globalization;
using Diml.Data;
using Diml.Evaluation.Inference;
using Diml.Evaluation.Inspection;
using Diml.Fitting;
using Diml.IO;
using Diml.Mechanisms;
using ScottPlot;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Diml.Experiments.Commands;

/// <summary>
/// <c>diml inspect</c>: the recovered payoff differences by context (<see cref="PayoffDifferences"/>), as a terminal
/// table and, with <c>--out DIR</c>, a CSV and a PNG and SVG plot.
/// </summary>
internal static class InspectCommand
{
    /// <summary>The files written into <c>--out</c>.</summary>
    public const string Stem = "payoff-differences";

    private const int MaxTableRows = 40, MostVisitedRows = 20, MaxOwnActionColumns = 8;

    public static Command Create(CliConsole console)
    {
        var model = CliOptions.File("--model", "fitted model file", required: true);
        var data = CliOptions.File("--data", "trajectory CSV whose contexts are counted (the training data shows where the fit was informed)", required: true);
        var output = new Option<string>("--out") { Description = $"folder to write {Stem}.csv, .png and .svg into", HelpName = "DIR" };
        var maxContexts = CliOptions.Int("--max-contexts", "list every possible context up to this many, else only the visited ones", PayoffDifferences.DefaultMaxContexts);

        var command = new Command("inspect", "Show a model's payoff differences by context, with how often the data visited each.");
        foreach (var option in new Option[] { model, data, output, maxContexts }) command.Options.Add(option);

        command.SetAction(parse =>
        {
            string modelPath = parse.GetValue(model)!, dataPath = parse.GetValue(data)!;
            string? folder = parse.GetValue(output);
            string? csvPath = null, pngPath = null, svgPath = null;
            if (folder is not null)
            {
                if (string.IsNullOrWhiteSpace(folder)) throw CliException.Usage("--out: expected a folder path, found an empty value.");
                if (File.Exists(folder)) throw CliException.Usage($"--out: expected a folder, found a file '{folder}'.");
                (csvPath, pngPath, svgPath) = (Path.Combine(folder, Stem + ".csv"), Path.Combine(folder, Stem + ".png"), Path.Combine(folder, Stem + ".svg"));
            }
            CliFiles.CheckFiles(CliFiles.Input("--model", modelPath), CliFiles.Input("--data", dataPath),
                CliFiles.Output("--out", csvPath), CliFiles.Output("--out", pngPath), CliFiles.Output("--out", svgPath));

            var saved = CliFiles.ReadModel(modelPath, "--model");
            var episodes = CliFiles.ReadTrajectories(dataPath, "--data", console, saved.Shape.Actions);
            MechanismEntry entry;
            IMechanism mechanism;
            try
            {
                (entry, mechanism) = MechanismCatalog.Rebuild(saved, modelPath, episodes.Shape);
            }
            catch (InvalidDataException e)
            {
                throw CliException.Input(e.Message);
            }
            var payoffs = MechanismPayoffs.AtCurrentParameters(mechanism, episodes.Shape);
            var table = PayoffDifferences.Compute(payoffs, mechanism.Form, episodes, parse.GetValue(maxContexts));
            var shown = ShownOwnActions(episodes.Shape.Actions);
            // Delta-method standard errors of every difference, when the fit stored its covariance (docs/inference.md).
            double[][]? errors = saved.Inference is { } inference
                ? PayoffDifferenceErrors.Compute(mechanism, inference.Estimates, ModelInference.CovarianceOf(inference), table, c => inference.IsIdentified(c))
                : null;

            if (csvPath is not null)
            {
                CliFiles.WriteText(csvPath, console, writer => table.WriteCsv(writer, errors));
                var plot = PayoffDifferencePlot.Create(table, shown, $"{entry.Name} ({modelPath}): payoff differences by context");
                byte[] png = plot.GetImageBytes(PayoffDifferencePlot.Width, PayoffDifferencePlot.Height, ImageFormat.Png);
                AtomicFile.Write(pngPath!, stream => stream.Write(png), createDirectory: true);
                AtomicFile.WriteAllText(svgPath!, plot.GetSvgXml(PayoffDifferencePlot.Width, PayoffDifferencePlot.Height));
            }

            WriteTable(console, table, shown, errors);
            string visits = table.ListsEveryContext
                ? string.Create(CultureInfo.InvariantCulture, $"every one of the {table.Contexts.Count} contexts listed, {table.UnvisitedListed} never visited (marked)")
                : string.Create(CultureInfo.InvariantCulture, $"{table.Contexts.Count} visited contexts listed of {table.PossibleContexts:G6}{(table.VisitedNotListed > 0 ? $" (the most visited; {table.VisitedNotListed} less visited ones not listed)" : "")}; {table.UnvisitedNotListed:G6} never visited, not listed (raise --max-contexts to list more)");
            console.OutWriter.WriteLine($"{entry.Name} model {modelPath}: payoff of each own action minus that of action 0, by {(table.Anonymous ? "group-mates' action counts" : table.Grouped ? "position in the group and the group's actions" : "agent and others' actions")}{(table.Grouped ? " in each agent's own group" : "")}; visits: agent-steps t < T-1 of {dataPath}; {visits}");
            if (saved.Inference is { } stored)
            {
                console.OutWriter.WriteLine($"in parentheses: delta-method standard errors ({stored.Kind}{(stored.Kind == SavedInference.ClusterRobust ? " by episode" : "")}, from the model's fit); 95% intervals in the CSV");
                InferenceTables.Write(console, stored);
            }
            if (csvPath is not null) console.OutWriter.WriteLine($"wrote {csvPath}, {pngPath} and {svgPath}");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Every own action but the reference, or eight evenly spaced ones from 1 to A − 1 in large games.</summary>
    private static int[] ShownOwnActions(int actions)
    {
        if (actions - 1 <= MaxOwnActionColumns) return Enumerable.Range(1, actions - 1).ToArray();
        return Enumerable.Range(0, MaxOwnActionColumns)
            .Select(j => 1 + (int)Math.Round(j * (actions - 2) / (double)(MaxOwnActionColumns - 1)))
            .Distinct().ToArray();
    }

    private static void WriteTable(CliConsole console, PayoffDifferenceTable table, int[] shown, double[][]? errors)
    {
        string contextColumn = (table.Anonymous, table.Grouped) switch
        {
            (true, false) => "group-mates (count x action)",
            (true, true) => "group size: group-mates (count x action)",
            (false, false) => "agent: others' actions",
            (false, true) => "group size, position: group's actions",
        };
        var columns = new List<string> { contextColumn, "visits" };
        columns.AddRange(shown.Select(k => string.Create(CultureInfo.InvariantCulture, $"own {k} - own 0")));
        var grid = CliTables.Create(console, columns.ToArray());
        var rows = table.Contexts.Count <= MaxTableRows
            ? table.Contexts
            : table.Contexts.OrderByDescending(c => c.Visits).Take(MostVisitedRows).ToList();
        foreach (var context in rows)
        {
            var contextErrors = errors?[IndexOf(table, context)];
            var cells = new List<IRenderable> { new Text(Describe(table, context)), new Text(context.Visited ? context.Visits.ToString(CultureInfo.InvariantCulture) : "0 (unvisited)") };
            cells.AddRange(shown.Select(k => (IRenderable)new Text(context.Differences[k].ToString("F4", CultureInfo.InvariantCulture)
                + (contextErrors is null ? "" : double.IsFinite(contextErrors[k]) ? " (" + contextErrors[k].ToString("F4", CultureInfo.InvariantCulture) + ")" : " (n.i.)"))));
            grid.AddRow(cells);
        }
        console.Out.Write(grid);
        if (rows.Count < table.Contexts.Count)
            console.OutWriter.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"showing the {rows.Count} most visited of {table.Contexts.Count} listed contexts ({table.UnvisitedListed} of them unvisited); all are in --out DIR/{Stem}.csv"));
        if (shown.Length < table.Shape.Actions - 1)
            console.OutWriter.WriteLine(string.Create(CultureInfo.InvariantCulture, $"own actions shown: {string.Join(", ", shown)} of 1..{table.Shape.Actions - 1}; all are in the CSV"));
    }

    private static int IndexOf(PayoffDifferenceTable table, PayoffContext context)
    {
        for (int j = 0; j < table.Contexts.Count; j++)
            if (ReferenceEquals(table.Contexts[j], context)) return j;
        throw new InvalidOperationException("A context shown is not in the table.");
    }

    private static string Describe(PayoffDifferenceTable table, PayoffContext context)
    {
        if (table.Anonymous)
        {
            var parts = context.Actions.Select((count, action) => (count, action)).Where(p => p.count > 0)
                .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.count}x{p.action}"));
            string mates = string.Join(" ", parts);
            return table.Grouped ? string.Create(CultureInfo.InvariantCulture, $"{context.GroupSize}: {mates}") : mates;
        }
        var others = context.Actions.Select(a => a == PayoffContext.OwnSlot ? "_" : a.ToString(CultureInfo.InvariantCulture));
        return table.Grouped
            ? string.Create(CultureInfo.InvariantCulture, $"{context.GroupSize}, {context.Agent}: {string.Join(" ", others)}")
            : string.Create(CultureInfo.InvariantCulture, $"{context.Agent}: {string.Join(" ", others)}");
    }
}
