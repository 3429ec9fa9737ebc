using System.Text.Json;
using Diml.Fitting;

namespace Diml.Experiments.Tests;

/// <summary><c>diml fit</c> of a parametric mechanism: polish, standard errors in the model file; <c>evaluate</c> and <c>inspect</c> show them.</summary>
public sealed class InferenceCliTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly string _data, _truth, _model;

    public InferenceCliTests()
    {
        _data = _cli.PathOf("data.csv");
        _truth = _cli.PathOf("truth.json");
        _model = _cli.PathOf("model.json");
        var simulate = _cli.Run("simulate", "--mechanism", "congestion", "--agents", "3", "--actions", "3", "--episodes", "30", "--horizon", "30",
            "--seed", "5", "--out", _data, "--truth", _truth);
        Assert.True(simulate.ExitCode == 0, simulate.Error);
    }

    public void Dispose() => _cli.Dispose();

    private CliRun Fit(params string[] extra) => _cli.Run(["fit", "--data", _data, "--mechanism", "congestion", "--out", _model, "--epochs", "5",
        "--min-steps", "50", "--threads", "1", .. extra]);

    [Fact]
    public void Fit_Polishes_StoresStandardErrors_AndNamesTheUnidentifiedDirections()
    {
        var run = Fit();
        Assert.True(run.ExitCode == 0, run.Error);
        var inference = ModelFile.Read(_model).Inference;
        Assert.NotNull(inference);
        Assert.Equal(SavedInference.ClusterRobust, inference.Kind);
        Assert.Equal(24, inference.Clusters);
        Assert.True(inference.Converged);
        Assert.Equal(6, inference.Rank);
        Assert.Equal(["LinearCost[0] + Toll[0]", "LinearCost[1] + Toll[1]", "LinearCost[2] + Toll[2]"], inference.Unidentified.Select(u => u.Name));
        Assert.All(Enumerable.Range(3, 3), j => Assert.True(inference.StandardErrors[j] > 0));
        Assert.True(double.IsNaN(inference.StandardErrors[0]));
        // The model holds the polished estimate.
        Assert.Equal(inference.Estimates.Select(v => (float)v), ModelFile.Read(_model).Parameters);

        Assert.Contains("polish (L-BFGS, double)", run.Output);
        Assert.Contains("final gradient norm", run.Output);
        Assert.Contains("QuadraticCost[1]", run.Output);
        Assert.Contains("Toll[2] - LinearCost[2]", run.Output);
        Assert.Contains("not identified (the likelihood is flat along): LinearCost[0] + Toll[0]", run.Output);
        Assert.Contains("cluster-robust by episode (24 clusters)", run.Output);
    }

    [Fact]
    public void Fit_SeClassical_AndNone()
    {
        var classical = Fit("--se", "classical", "--json");
        Assert.True(classical.ExitCode == 0, classical.Error);
        using var json = JsonDocument.Parse(classical.Output);
        Assert.Equal("classical", json.RootElement.GetProperty("inference").GetProperty("standard_errors").GetString());
        Assert.True(json.RootElement.GetProperty("polish").GetProperty("converged").GetBoolean());
        Assert.Equal(SavedInference.Classical, ModelFile.Read(_model).Inference!.Kind);

        var none = Fit("--se", "none");
        Assert.True(none.ExitCode == 0, none.Error);
        Assert.Null(ModelFile.Read(_model).Inference);

        var bad = Fit("--se", "sandwich");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--se: expected auto, robust, classical or none, found 'sandwich'", bad.Error);
    }

    [Fact]
    public void EvaluateAndInspect_ShowTheStoredStandardErrors()
    {
        Assert.Equal(0, Fit().ExitCode);
        var evaluate = _cli.Run("evaluate", "--model", _model, "--data", _data, "--split", "0.8");
        Assert.True(evaluate.ExitCode == 0, evaluate.Error);
        Assert.Contains("estimates stored with the model", evaluate.Output);
        Assert.Contains("QuadraticCost[0]", evaluate.Output);

        string folder = _cli.PathOf("inspect");
        var inspect = _cli.Run("inspect", "--model", _model, "--data", _data, "--out", folder);
        Assert.True(inspect.ExitCode == 0, inspect.Error);
        Assert.Contains("in parentheses: delta-method standard errors", inspect.Output);
        var lines = File.ReadAllLines(Path.Combine(folder, "payoff-differences.csv"));
        Assert.EndsWith("difference_vs_action_0,standard_error,ci_low,ci_high", lines[0]);
        var fields = lines[1].Split(',');
        double difference = double.Parse(fields[^4], System.Globalization.CultureInfo.InvariantCulture);
        double se = double.Parse(fields[^3], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(se > 0);
        Assert.Equal(difference - (1.959963984540054 * se), double.Parse(fields[^2], System.Globalization.CultureInfo.InvariantCulture), 12);
    }
}
