using System.Text.Json;
using Diml.Fitting;

namespace Diml.Experiments.Tests;

/// <summary>
/// Initial attractions Q0 on the command line: <c>simulate --q0</c>, <c>fit --estimate q0</c> (action 0's held fixed), the
/// model file's <c>q0[k]</c> hyperparameters read back by evaluate with their standard errors, and located errors.
/// </summary>
public sealed class InitialAttractionCliTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly string _data;

    public InitialAttractionCliTests()
    {
        _data = _cli.PathOf("data.csv");
        var run = _cli.Run("simulate", "--mechanism", "public-goods-fixed-return", "--agents", "8", "--group-size", "4", "--actions", "3",
            "--episodes", "8", "--horizon", "8", "--q0", "0,1.5,-1", "--seed", "4", "--threads", "1", "--out", _data);
        Assert.True(run.ExitCode == 0, run.Error);
    }

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Simulate_RecordsTheInitialAttractions_AndFitEstimatesAllButTheFirst()
    {
        Assert.Contains("#q0=0,1.5,-1", File.ReadAllText(_data));
        string model = _cli.PathOf("m.json");
        var run = _cli.Run("fit", "--data", _data, "--mechanism", "public-goods-fixed-return", "--threads", "1", "--epochs", "5", "--min-steps", "0",
            "--estimate", "q0,alpha", "--out", model, "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var root = JsonDocument.Parse(run.Output).RootElement;
        var estimates = root.GetProperty("learner_estimates");
        Assert.Equal(["alpha", "q0[1]", "q0[2]"], estimates.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, root.GetProperty("learner_start").GetProperty("q0[1]").GetDouble()); // no --q0: all 0

        var saved = ModelFile.Read(model);
        Assert.Equal(["alpha", "q0[1]", "q0[2]"], saved.EstimatedLearnerParameters);
        Assert.Equal(0, saved.LearnerHyperparameters["q0[0]"]); // the reference action, held
        Assert.Equal(estimates.GetProperty("q0[2]").GetDouble(), saved.LearnerHyperparameters["q0[2]"]);
        Assert.NotEqual(0, saved.LearnerHyperparameters["q0[2]"]);
        var evaluate = _cli.Run("evaluate", "--model", model, "--data", _data, "--threads", "1");
        Assert.True(evaluate.ExitCode == 0, evaluate.Error);
        Assert.Contains("learner.q0[2]", evaluate.Output);
        Assert.Contains("q0[2] (natural scale)", evaluate.Output);
    }

    [Theory]
    [InlineData("0,x,1", "--q0: expected finite numbers separated by commas (one per action), found 'x' as value 2 of 3 in '0,x,1'")]
    [InlineData("0,1", "--q0: expected 3 initial attractions (one per action of the game), found 2 (--actions is 3)")]
    [InlineData("0,1,NaN", "--q0: expected finite numbers separated by commas (one per action), found 'NaN' as value 3 of 3")]
    public void Simulate_WithBadInitialAttractions_IsAUsageError(string q0, string message)
    {
        var run = _cli.Run("simulate", "--mechanism", "public-goods-fixed-return", "--agents", "4", "--actions", "3", "--episodes", "1", "--horizon", "2",
            "--q0", q0, "--out", _cli.PathOf("s.csv"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.False(File.Exists(_cli.PathOf("s.csv")));
    }

    [Fact]
    public void InitialAttractions_ForAnotherGameOrRule_AreUsageErrors()
    {
        var fit = _cli.Run("fit", "--data", _data, "--mechanism", "public-goods-fixed-return", "--q0", "0,1,2,3", "--out", _cli.PathOf("m.json"));
        Assert.Equal(2, fit.ExitCode);
        Assert.Contains($"--q0: expected 3 initial attractions (one per action of the game), found 4 (the game of {_data} has 3 actions)", fit.Error);
        var hedge = _cli.Run("simulate", "--mechanism", "congestion", "--agents", "2", "--actions", "3", "--rule", "hedge", "--q0", "0,1,2", "--out", _cli.PathOf("s.csv"));
        Assert.Equal(2, hedge.ExitCode);
        Assert.Contains("--q0: rule hedge has no initial attractions; expected a rule with them (logit-q, logit-q-inertia), found --rule hedge", hedge.Error);
    }

    [Theory]
    [InlineData("\"q0[1]\": 1.5,", "\"q0[1]\": 1.5, \"q0[3]\": 2,", ": q0: expected 3 initial attractions (one per action of the game), found 4")]
    [InlineData("\"q0[1]\": 1.5,", "\"q0[5]\": 1,", ": q0: expected initial attractions numbered q0[0] to q0[2], found no q0[1]")]
    [InlineData("\"q0[1]\": 1.5,", "\"q0[1]\": 1e300,", ".q0[1]: expected a value representable as a 32-bit float, found 1E+300")]
    public void ModelFile_WithBadInitialAttractions_IsALocatedInputError(string find, string replace, string message)
    {
        string truth = _cli.PathOf("truth.json");
        Assert.Equal(0, _cli.Run("simulate", "--mechanism", "public-goods-fixed-return", "--agents", "4", "--actions", "3", "--episodes", "2", "--horizon", "4",
            "--q0", "0,1.5,-1", "--out", _cli.PathOf("t.csv"), "--truth", truth).ExitCode);
        string text = File.ReadAllText(truth);
        Assert.Contains(find, text);
        File.WriteAllText(truth, text.Replace(find, replace, StringComparison.Ordinal));
        var run = _cli.Run("evaluate", "--model", truth, "--data", _cli.PathOf("t.csv"), "--threads", "1");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains($"{truth}, at $.learner.hyperparameters", run.Error);
        Assert.Contains(message, run.Error);
    }
}
