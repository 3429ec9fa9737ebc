using System.Diagnostics;
using System.Globalization;

namespace Diml.Experiments.Reproduction;

/// <summary>
/// Runs the reference suite: for each selected experiment and seed, draws the truth and the data
/// (<see cref="ExperimentInstance"/>), then fits each registered model one epoch at a time, evaluating the curves with
/// the experiment's per-epoch settings and the final row with its final settings. Each completed run is stored at once
/// (<see cref="RunStore"/>), so an interrupted suite resumes where it stopped; after every run the aggregate files are
/// rewritten, and at the end the plots and <c>summary.md</c>.
/// </summary>
public sealed class SuiteRunner(SuiteOptions options, ISuiteProgress progress)
{
    private readonly RunStore _store = new(options.OutputFolder);

    /// <summary>Models named by an experiment that have no registered runner (reported in the summary).</summary>
    public SortedSet<string> MissingModels { get; } = new(StringComparer.Ordinal);

    /// <summary>Experiments skipped because their true mechanism is not available, with the reason.</summary>
    public List<(string Id, string Reason)> SkippedExperiments { get; } = [];

    /// <summary>Runs that were already complete and were not run again.</summary>
    public int ResumedRuns { get; private set; }

    /// <summary>Runs executed now.</summary>
    public int ExecutedRuns { get; private set; }

    /// <summary>Runs everything selected and writes the result files; returns the wall seconds.</summary>
    public double Run()
    {
        long start = Stopwatch.GetTimestamp();
        Directory.CreateDirectory(options.OutputFolder);
        foreach (var definition in options.Experiments.Where(options.Selects))
        {
            if (!ExperimentInstance.IsAvailable(definition))
            {
                string reason = $"its true mechanism '{definition.TruthMechanism}' is not in the mechanism catalog yet";
                SkippedExperiments.Add((definition.Id, reason));
                progress.Note($"{definition.Id}: skipped: {reason}.");
                continue;
            }
            for (int seed = 0; seed < options.Seeds; seed++) RunExperiment(definition, seed);
        }
        WriteOutputs();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private void RunExperiment(ExperimentDefinition definition, int seed)
    {
        var models = new List<string>();
        foreach (string model in definition.Models)
        {
            if (!ModelRunnerRegistry.AppliesTo(model, definition)) continue;
            if (ModelRunnerRegistry.Find(model) is null) { MissingModels.Add(model); continue; }
            if (_store.TryLoad(definition, model, seed) is not null)
            {
                ResumedRuns++;
                progress.Note(string.Create(CultureInfo.InvariantCulture, $"{definition.Tag}/{model} seed {seed}: complete in {options.OutputFolder}, skipped."));
                continue;
            }
            models.Add(model);
        }
        if (models.Count == 0) return;

        var instance = new ExperimentInstance(definition, seed, options.Threads);
        long start = Stopwatch.GetTimestamp();
        var curveReference = new CounterfactualReference(instance, definition.PerEpoch);
        var finalReference = CounterfactualReference.SameSimulations(definition.Final, definition.PerEpoch) ? curveReference : new CounterfactualReference(instance, definition.Final);
        double referenceSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        progress.Note(string.Create(CultureInfo.InvariantCulture,
            $"{definition.Tag} seed {seed}: {instance.Shape}, {definition.Episodes} x {definition.Steps} simulated in {instance.DataSeconds:F2} s; truth's counterfactual play in {referenceSeconds:F2} s."));

        foreach (string model in models)
        {
            var (curve, final) = RunModel(instance, model, curveReference, finalReference);
            final.Set(MetricColumns.DataSeconds, instance.DataSeconds + referenceSeconds);
            _store.Save(definition, model, seed, curve, final);
            ExecutedRuns++;
            progress.RunFinished(final.Tag, seed, final);
            WriteTables();
        }
    }

    private (List<ResultRow> Curve, ResultRow Final) RunModel(ExperimentInstance instance, string model,
        CounterfactualReference curveReference, CounterfactualReference finalReference)
    {
        var definition = instance.Definition;
        string tag = definition.Tag + "/" + model;
        long start = Stopwatch.GetTimestamp();
        using var runner = ModelRunnerRegistry.Find(model)!(model, instance);
        progress.RunStarted(tag, instance.Seed, runner.Epochs);
        var curve = new List<ResultRow>();
        double trainTotal = 0, evalTotal = 0, lastLoss = double.NaN;
        int epochs = 0;
        for (int epoch = 1; epoch <= runner.Epochs; epoch++)
        {
            var report = runner.RunEpoch();
            epochs = epoch;
            trainTotal += report.Seconds;
            bool failed = runner.Stopped;
            lastLoss = report.MeanLoss;
            bool last = epoch == runner.Epochs || runner.EarlyStopped;
            var row = new ResultRow().Set(MetricColumns.Tag, tag).Set(MetricColumns.Epoch, epoch).Set(MetricColumns.Seed, instance.Seed)
                .Set(MetricColumns.TrainLoss, report.MeanLoss).Set(MetricColumns.TrainSeconds, report.Seconds)
                .Set(MetricColumns.ValidationNll, report.ValidationNll);
            double evalSeconds = 0;
            bool evaluate = epoch % definition.PerEpoch.Every == 0 || last || epoch == 1 || failed;
            if (evaluate)
            {
                long evalStart = Stopwatch.GetTimestamp();
                bool simulate = epoch % definition.PerEpoch.SimulationEvery == 0 || last || epoch == 1 || failed;
                row.SetAll(RunEvaluator.Evaluate(instance, runner.Snapshot(), definition.PerEpoch, curveReference, simulate));
                evalSeconds = Stopwatch.GetElapsedTime(evalStart).TotalSeconds;
                evalTotal += evalSeconds;
            }
            row.Set(MetricColumns.EpochSeconds, report.Seconds + evalSeconds).Set(MetricColumns.EvalSeconds, evalSeconds);
            curve.Add(row);
            progress.Epoch(tag, instance.Seed, epoch, runner.Epochs, report.MeanLoss, report.Seconds, evalSeconds, row.Number(MetricColumns.DiffMse));
            if (failed)
            {
                progress.Note(string.Create(CultureInfo.InvariantCulture, $"{tag} seed {instance.Seed}: the fit stopped at epoch {epoch} on a non-finite loss; the final row uses the last good parameters."));
                break;
            }
            if (runner.EarlyStopped)
            {
                progress.Note(string.Create(CultureInfo.InvariantCulture,
                    $"{tag} seed {instance.Seed}: stopped at epoch {epoch} by its patience; the final row is epoch {runner.SelectedEpoch}, selected on validation data."));
                break;
            }
        }

        long finalStart = Stopwatch.GetTimestamp();
        var final = new ResultRow().Set(MetricColumns.Tag, tag).Set(MetricColumns.Experiment, definition.Id).Set(MetricColumns.Model, model)
            .Set(MetricColumns.Seed, instance.Seed).Set(MetricColumns.Epochs, epochs).Set(MetricColumns.TrainLoss, lastLoss)
            .SetAll(RunEvaluator.Evaluate(instance, runner.FinalSnapshot(), definition.Final, finalReference));
        if (runner.SelectedEpoch > 0) final.Set(MetricColumns.SelectedEpoch, runner.SelectedEpoch);
        double finalSeconds = Stopwatch.GetElapsedTime(finalStart).TotalSeconds;
        final.Set(MetricColumns.TrainSeconds, trainTotal).Set(MetricColumns.EvalSeconds, evalTotal + finalSeconds)
            .Set(MetricColumns.WallSeconds, Stopwatch.GetElapsedTime(start).TotalSeconds);
        return (curve, final);
    }

    private void WriteTables()
    {
        var runs = _store.LoadAll(options.Experiments);
        ResultTable.Write(Path.Combine(options.OutputFolder, "training_curves.csv"), MetricColumns.Curve, runs.SelectMany(r => r.Curve));
        ResultTable.Write(Path.Combine(options.OutputFolder, "evaluation_results.csv"), MetricColumns.Final, runs.Select(r => r.Final));
    }

    private void WriteOutputs()
    {
        WriteTables();
        var runs = _store.LoadAll(options.Experiments);
        var paper = PaperReference.Load();
        if (options.Plots)
        {
            string plots = Path.Combine(options.OutputFolder, "plots");
            Directory.CreateDirectory(plots);
            foreach (string file in SuitePlots.WriteAll(plots, options.Experiments, runs, paper))
                progress.Note($"wrote {file}");
        }
        string summary = Path.Combine(options.OutputFolder, "summary.md");
        SummaryWriter.Write(summary, options, runs, MissingModels, SkippedExperiments);
        progress.Note($"wrote {summary}");
    }
}
