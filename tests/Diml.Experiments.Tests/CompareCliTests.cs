using System.Text.Json;

namespace Diml.Experiments.Tests;

/// <summary><c>diml compare</c>: one table of models and baselines, LR and Vuong tests, CSV and JSON files.</summary>
public sealed class CompareCliTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly string _data, _congestion, _tabular;

    public CompareCliTests()
    {
        _data = _cli.PathOf("data.csv");
        _congestion = _cli.PathOf("congestion.json");
        _tabular = _cli.PathOf("tabular.json");
        Assert.Equal(0, _cli.Run("simulate", "--mechanism", "congestion", "--agents", "3", "--actions", "3", "--episodes", "24", "--horizon", "20",
            "--seed", "4", "--out", _data, "--truth", _cli.PathOf("truth.json")).ExitCode);
        foreach (var (family, path) in new[] { ("congestion", _congestion), ("tabular", _tabular) })
        {
            var fit = _cli.Run("fit", "--data", _data, "--train-fraction", "1", "--mechanism", family, "--out", path, "--epochs", "3", "--min-steps", "30", "--threads", "1");
            Assert.True(fit.ExitCode == 0, fit.Error);
        }
    }

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Compare_PrintsModelsAndBaselines_TestsNestedAndNonNestedPairs_AndWritesFiles()
    {
        string folder = _cli.PathOf("cmp");
        var run = _cli.Run("compare", "--data", _data, _congestion, _tabular, "--nested", "1:2", "--folds", "3", "--out", folder);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("congestion.json", run.Output);
        Assert.Contains("own_previous (baseline)", run.Output);
        Assert.Contains("congestion.json nested in tabular.json", run.Output);
        Assert.Contains("CV NLL / decision (3 folds)", run.Output);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "comparison.json")));
        var models = json.RootElement.GetProperty("models").EnumerateArray().ToArray();
        Assert.Equal(["congestion.json", "tabular.json", "uniform", "action_frequencies", "own_previous"], models.Select(m => m.GetProperty("model").GetString()));
        Assert.Equal(6, models[0].GetProperty("parameters").GetInt32());
        Assert.Equal("identified", models[0].GetProperty("parameters_counted").GetString());
        var lr = json.RootElement.GetProperty("tests").EnumerateArray().Single();
        Assert.Equal("likelihood_ratio", lr.GetProperty("test").GetString());
        int tabularRank = models[1].GetProperty("parameters").GetInt32();
        Assert.Equal(tabularRank - 6, lr.GetProperty("df").GetInt32());
        double statistic = 2 * (models[1].GetProperty("log_likelihood").GetDouble() - models[0].GetProperty("log_likelihood").GetDouble());
        Assert.Equal(statistic, lr.GetProperty("statistic").GetDouble(), 9);
        Assert.Equal("tabular.json", json.RootElement.GetProperty("best").GetProperty("log_likelihood").GetString());

        var csv = File.ReadAllLines(Path.Combine(folder, "comparison.csv"));
        Assert.Equal("model,kind,parameters,parameters_counted,log_likelihood,decisions,log_likelihood_per_decision,aic,bic,cv_nll_per_decision,best_by", csv[0]);
        Assert.Equal(6, csv.Length);
        Assert.StartsWith("likelihood_ratio,congestion.json,tabular.json,", File.ReadAllLines(Path.Combine(folder, "comparison-tests.csv"))[1]);

        var vuong = _cli.Run("compare", "--data", _data, _congestion, _tabular, "--json");
        Assert.True(vuong.ExitCode == 0, vuong.Error);
        using var stdout = JsonDocument.Parse(vuong.Output);
        Assert.Equal("vuong", stdout.RootElement.GetProperty("tests")[0].GetProperty("test").GetString());
    }

    [Fact]
    public void Compare_BadArguments_AreUsageErrors_AndAnInputIsNeverAnOutput()
    {
        var pair = _cli.Run("compare", "--data", _data, _congestion, "--nested", "1:3");
        Assert.Equal(2, pair.ExitCode);
        Assert.Contains("--nested: expected I:J with two different model positions in 1..1", pair.Error);
        var folds = _cli.Run("compare", "--data", _data, _congestion, "--folds", "1");
        Assert.Equal(2, folds.ExitCode);
        var wrongWay = _cli.Run("compare", "--data", _data, _congestion, _tabular, "--nested", "2:1");
        Assert.Equal(2, wrongWay.ExitCode);
        Assert.Contains("expected model 1 (congestion.json) to have more parameters than model 2", wrongWay.Error);
        var missing = _cli.Run("compare", "--data", _data, _cli.PathOf("none.json"));
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("none.json", missing.Error);
    }
}
