using System.Globalization;

namespace Diml.Experiments.Reproduction;

/// <summary>
/// Where completed runs live, so that a rerun resumes: <c>DIR/runs/&lt;experiment&gt;/&lt;model&gt;/seed&lt;N&gt;/</c> holds
/// <c>curve.csv</c> (the run's per-epoch rows) and <c>final.csv</c> (its final row). <c>final.csv</c> is written last,
/// atomically, and records the experiment's settings fingerprint: it is the run's completion marker. A run is complete
/// when its <c>final.csv</c> exists with the current fingerprint; anything else is run again from the start.
/// </summary>
public sealed class RunStore(string folder)
{
    private const string FingerprintPrefix = "fingerprint ";

    /// <summary>The output folder.</summary>
    public string Folder { get; } = folder;

    /// <summary>The folder of one run.</summary>
    public string RunFolder(ExperimentDefinition definition, string model, int seed) =>
        Path.Combine(Folder, "runs", definition.Id, model, string.Create(CultureInfo.InvariantCulture, $"seed{seed}"));

    /// <summary>The run's curve and final row when it is complete under the current settings; null otherwise.</summary>
    public (List<ResultRow> Curve, ResultRow Final)? TryLoad(ExperimentDefinition definition, string model, int seed)
    {
        string run = RunFolder(definition, model, seed);
        string final = Path.Combine(run, "final.csv"), curve = Path.Combine(run, "curve.csv");
        if (!File.Exists(final) || !File.Exists(curve)) return null;
        try
        {
            var (comment, rows) = ResultTable.Read(final);
            if (comment != FingerprintPrefix + definition.Fingerprint() || rows.Count != 1) return null;
            return (ResultTable.Read(curve).Rows, rows[0]);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Stores a completed run: the curve first, then the final row (the completion marker).</summary>
    public void Save(ExperimentDefinition definition, string model, int seed, IReadOnlyList<ResultRow> curve, ResultRow final)
    {
        string run = RunFolder(definition, model, seed);
        Directory.CreateDirectory(run);
        string fingerprint = FingerprintPrefix + definition.Fingerprint();
        ResultTable.Write(Path.Combine(run, "curve.csv"), MetricColumns.Curve, curve, fingerprint);
        ResultTable.Write(Path.Combine(run, "final.csv"), MetricColumns.Final, [final], fingerprint);
    }

    /// <summary>Every complete run of <paramref name="definitions"/> found in the folder, in definition, model and seed order.</summary>
    public List<(ExperimentDefinition Definition, string Model, int Seed, List<ResultRow> Curve, ResultRow Final)> LoadAll(IEnumerable<ExperimentDefinition> definitions)
    {
        var runs = new List<(ExperimentDefinition, string, int, List<ResultRow>, ResultRow)>();
        foreach (var definition in definitions)
        {
            string experimentFolder = Path.Combine(Folder, "runs", definition.Id);
            if (!Directory.Exists(experimentFolder)) continue;
            foreach (string model in definition.Models)
            {
                string modelFolder = Path.Combine(experimentFolder, model);
                if (!Directory.Exists(modelFolder)) continue;
                var seeds = Directory.GetDirectories(modelFolder, "seed*")
                    .Select(d => int.TryParse(Path.GetFileName(d)[4..], NumberStyles.None, CultureInfo.InvariantCulture, out int s) ? s : -1)
                    .Where(s => s >= 0).Order();
                foreach (int seed in seeds)
                    if (TryLoad(definition, model, seed) is { } run) runs.Add((definition, model, seed, run.Curve, run.Final));
            }
        }
        return runs;
    }
}
