using System.CommandLine;
using System.Globalization;
using Diml.Data;
using Diml.Evaluation.Counterfactuals;
using Diml.Fitting;
using Diml.IO;
using Diml.Mechanisms;
using Diml.Simulation;
using ScottPlot;
using Spectre.Console;

namespace Diml.Experiments.Commands;

/// <summary>
/// <c>diml counterfactual</c> with a policy (<c>--payoff-shift</c>, <c>--scale-money</c>): predicts behaviour under the
/// changed mechanism with <see cref="PolicyPrediction"/> and writes the prediction CSV, the plot and a terminal table.
/// </summary>
internal static class PolicyCounterfactual
{
    /// <summary>What the command line asked for.</summary>
    public sealed record Request(
        string ModelPath, SavedModel Saved, MechanismEntry Entry, IMechanism Mechanism, LearnerChoice Learner,
        string? ShiftPath, double? MoneyFactor, Trajectories? Design, string? DataPath, bool DrawFirstActions,
        int Episodes, int Steps, int Replications, double BandLevel, ulong Seed, int Threads, string OutPath, string? PlotPath);

    public static int Run(CliConsole console, Request request)
    {
        var shape = request.Design?.Shape ?? request.Saved.Shape;
        var change = PolicyChange.None;
        if (request.ShiftPath is { } shiftPath)
            change = PolicyChange.PayoffShift(PayoffShiftCsv.Read(shiftPath, shape.Actions));
        if (request.MoneyFactor is double factor)
        {
            var term = request.Entry.MoneyTerm
                ?? throw CliException.Usage($"--scale-money: expected a model whose mechanism has a known money term ({string.Join(", ", MechanismCatalog.Entries.Where(e => e.MoneyTerm is not null).Select(e => e.Name))}), found a {request.Entry.Name} model ({request.ModelPath}); give the change as --payoff-shift instead.");
            change = change.WithMoneyScaling(term, factor);
        }
        var design = request.Design is { } data
            ? SimulationDesign.FromData(data, firstActionsFromData: !request.DrawFirstActions)
            : SimulationDesign.FullPlay(shape, request.Episodes, request.Steps);
        var theta = new float[request.Mechanism.Layout.TotalLength];
        request.Mechanism.ReadParameters(theta);
        var draws = ModelEnsemble.PointEstimate(theta, request.Learner.Create());
        var options = new PredictionOptions(request.Replications, request.Seed, request.Threads, request.BandLevel);

        console.Progress.MarkupLineInterpolated($"predicting {change} for {request.Entry.Name} from {request.ModelPath}, {request.Learner}: {MessageText.Count(request.Replications, "replication")} of {MessageText.Count(design.Sessions, "session")} x {MessageText.Count(design.Steps, "step")}");
        var forecast = PolicyPrediction.Predict(request.Mechanism, draws, change, design, options);

        CliFiles.WriteText(request.OutPath, console, writer => PolicyForecastCsv.Write(writer, forecast));
        if (request.PlotPath is { } plotPath)
        {
            var plot = PolicyForecastPlot.Create(forecast, $"{request.Entry.Name} model {Path.GetFileName(request.ModelPath)} under the policy");
            if (IsSvg(plotPath)) AtomicFile.WriteAllText(plotPath, plot.GetSvgXml(PolicyForecastPlot.Width, PolicyForecastPlot.Height));
            else
            {
                byte[] png = plot.GetImageBytes(PolicyForecastPlot.Width, PolicyForecastPlot.Height, ImageFormat.Png);
                AtomicFile.Write(plotPath, stream => stream.Write(png), createDirectory: true);
            }
        }

        var results = request.OutPath == CliFiles.StandardOutput ? console.Progress : console.Out;
        var resultWriter = results == console.Out ? console.OutWriter : console.Error;
        int last = forecast.Steps - 1;
        string percent = (100 * request.BandLevel).ToString("G3", CultureInfo.InvariantCulture);
        var table = CliTables.Create(console, "final period", "no change", "policy", $"policy {percent}% band", "change", $"change {percent}% band");
        for (int k = 0; k < forecast.Actions; k++)
            AddRow(table, string.Create(CultureInfo.InvariantCulture, $"share of action {k}"), forecast.NoChangeShare(last, k), forecast.PolicyShare(last, k), forecast.ShareChange(last, k));
        AddRow(table, "mean payoff", forecast.NoChangePayoff[last], forecast.PolicyPayoff[last], forecast.PayoffChange[last]);
        results.Write(table);
        resultWriter.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{change}: period {last} of {forecast.Steps} shown; bands are the {percent}% spread over {forecast.Replications} simulated replications of the design{(request.DataPath is null ? "" : $" of {request.DataPath}")} (Monte-Carlo only: the parameters are the point estimate); every period in {(request.OutPath == CliFiles.StandardOutput ? "standard output" : request.OutPath)}{(request.PlotPath is null ? "" : $", plot in {request.PlotPath}")}"));
        return ExitCodes.Success;
    }

    /// <summary>Whether the plot path asks for SVG (anything else is PNG).</summary>
    public static bool IsSvg(string path) => path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase);

    private static void AddRow(Table table, string label, Band noChange, Band policy, Band change) =>
        table.AddRow(new Text(label), new Text(F(noChange.Mean)), new Text(F(policy.Mean)), new Text($"[{F(policy.Lower)}, {F(policy.Upper)}]"),
            new Text(Signed(change.Mean)), new Text($"[{Signed(change.Lower)}, {Signed(change.Upper)}]"));

    private static string F(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    private static string Signed(double value) => value.ToString("+0.0000;-0.0000;0.0000", CultureInfo.InvariantCulture);
}
