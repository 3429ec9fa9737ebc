using System.Text.Json;
using Diml.Data;
using Diml.Evaluation.Baselines;

namespace Diml.Experiments.Tests;

/// <summary><c>diml evaluate</c> prints the behavioural baselines beside the model, scored on the same decisions.</summary>
public sealed class EvaluateBaselinesCliTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly string _data, _truth;

    public EvaluateBaselinesCliTests()
    {
        _data = _cli.PathOf("data.csv");
        _truth = _cli.PathOf("truth.json");
        var simulate = _cli.Run("simulate", "--mechanism", "congestion", "--agents", "3", "--actions", "3", "--episodes", "40", "--horizon", "30",
            "--seed", "5", "--threads", "2", "--out", _data, "--truth", _truth);
        Assert.True(simulate.ExitCode == 0, simulate.Error);
    }

    public void Dispose() => _cli.Dispose();

    private JsonDocument EvaluateJson(params string[] extra)
    {
        var run = _cli.Run(["evaluate", "--model", _truth, "--data", _data, "--json", "--threads", "2", .. extra]);
        Assert.True(run.ExitCode == 0, run.Error);
        return JsonDocument.Parse(run.Output);
    }

    [Fact]
    public void Evaluate_WithSplit_ScoresTheLibraryBaselinesFittedOnTheEpisodesBeforeTheSplit()
    {
        using var json = EvaluateJson("--split", "0.8");
        var root = json.RootElement;
        var (train, test) = TrajectoryCsv.Read(_data).Trajectories.Split(0.8);
        double nllTest = root.GetProperty("nll_test").GetDouble();
        var expected = BehaviouralBaselines.Compare(train, test, nllTest);
        Assert.Equal("the first 32 episodes of " + _data + " (--split 0.8)", root.GetProperty("baselines_fitted_on").GetString());
        var baselines = root.GetProperty("baselines");
        Assert.Equal(["uniform", "action_frequencies", "own_previous"], baselines.EnumerateObject().Select(p => p.Name));
        foreach (var row in expected)
        {
            var item = baselines.GetProperty(row.Name);
            Assert.Equal(row.BaselineNll, item.GetProperty("nll").GetDouble(), 12);
            Assert.Equal(nllTest - row.BaselineNll, item.GetProperty("model_minus_baseline").GetDouble(), 12);
            Assert.Equal(row.ModelBeats, item.GetProperty("model_beats").GetBoolean());
        }
        Assert.Equal(Math.Log(3), baselines.GetProperty("uniform").GetProperty("nll").GetDouble(), 12);
        // The true mechanism and learner predict the learners' play better than play-only baselines.
        Assert.All(baselines.EnumerateObject(), p => Assert.True(p.Value.GetProperty("model_beats").GetBoolean(), p.Name));
    }

    [Fact]
    public void Evaluate_WithTrain_FitsTheBaselinesOnThatFile_AndWithoutEither_SaysTheyAreInSample()
    {
        string train = _cli.PathOf("train.csv");
        var all = TrajectoryCsv.Read(_data).Trajectories;
        TrajectoryCsv.Write(train, all.SelectEpisodes(0, 10));
        using (var json = EvaluateJson("--train", train))
        {
            var expected = BehaviouralBaselines.Compare(all.SelectEpisodes(0, 10), all, 0);
            Assert.Equal(train + " (--train)", json.RootElement.GetProperty("baselines_fitted_on").GetString());
            Assert.Equal(expected[2].BaselineNll, json.RootElement.GetProperty("baselines").GetProperty("own_previous").GetProperty("nll").GetDouble(), 12);
        }
        var table = _cli.Run("evaluate", "--model", _truth, "--data", _data, "--threads", "2");
        Assert.True(table.ExitCode == 0, table.Error);
        foreach (string name in new[] { "uniform", "action_frequencies", "own_previous", "model - baseline" }) Assert.Contains(name, table.Output);
        Assert.Contains("baselines estimated on the scored episodes themselves (in-sample", table.Output);
    }

    [Fact]
    public void Evaluate_SaysWhetherTheBaselinesShareTheModelsTrainingEpisodes()
    {
        string model = _cli.PathOf("model.json");
        var fit = _cli.Run("fit", "--data", _data, "--mechanism", "congestion", "--epochs", "2", "--min-steps", "0", "--batch", "8", "--window", "10",
            "--threads", "2", "--out", model);
        Assert.True(fit.ExitCode == 0, fit.Error);
        var same = _cli.Run("evaluate", "--model", model, "--data", _data, "--split", "0.8", "--json", "--threads", "2");
        Assert.True(same.ExitCode == 0, same.Error);
        using (var json = JsonDocument.Parse(same.Output))
            Assert.True(json.RootElement.GetProperty("baselines_on_model_training_data").GetBoolean());
        Assert.DoesNotContain("warning", same.Error);

        var other = _cli.Run("evaluate", "--model", model, "--data", _data, "--split", "0.5", "--json", "--threads", "2");
        Assert.True(other.ExitCode == 0, other.Error);
        using (var json = JsonDocument.Parse(other.Output))
            Assert.False(json.RootElement.GetProperty("baselines_on_model_training_data").GetBoolean());
        Assert.Contains($"diml: warning: the baselines are estimated on the first 20 episodes of {_data} (--split 0.5), which are not the episodes {model} was fitted on", other.Error);

        // A truth model records no training data: unknown.
        using var truth = EvaluateJson("--split", "0.8");
        Assert.Equal(JsonValueKind.Null, truth.RootElement.GetProperty("baselines_on_model_training_data").ValueKind);
    }

    [Fact]
    public void Evaluate_WithAMissingTrainFile_FailsNamingTheOption()
    {
        var run = _cli.Run("evaluate", "--model", _truth, "--data", _data, "--train", _cli.PathOf("nope.csv"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--train: expected an existing trajectory CSV file, found no file", run.Error);
    }
}
