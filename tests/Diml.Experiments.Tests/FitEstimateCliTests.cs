using System.Text.Json;
using Diml.Fitting;

namespace Diml.Experiments.Tests;

/// <summary><c>diml fit --estimate</c>: learner parameters estimated with the mechanism, recorded in the model file and printed.</summary>
public sealed class FitEstimateCliTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly string _data;

    public FitEstimateCliTests()
    {
        _data = _cli.PathOf("data.csv");
        Assert.Equal(0, _cli.Run("simulate", "--mechanism", "congestion", "--agents", "3", "--actions", "3", "--episodes", "10", "--horizon", "30",
            "--seed", "1", "--threads", "1", "--out", _data).ExitCode);
    }

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Fit_WithEstimate_RecordsAndPrintsTheEstimates_AndKeepsTheRestFixed()
    {
        string model = _cli.PathOf("m.json");
        var run = _cli.Run("fit", "--data", _data, "--mechanism", "congestion", "--threads", "1", "--epochs", "5", "--min-steps", "0", "--lr", "0.05",
            "--alpha", "0.5", "--epsilon", "0.2", "--estimate", "epsilon,alpha", "--out", model, "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var root = JsonDocument.Parse(run.Output).RootElement;
        var estimates = root.GetProperty("learner_estimates");
        double alpha = estimates.GetProperty("alpha").GetDouble(), epsilon = estimates.GetProperty("epsilon").GetDouble();
        Assert.Equal(0.5, root.GetProperty("learner_start").GetProperty("alpha").GetDouble());
        Assert.NotEqual(0.5, alpha);
        Assert.NotEqual(0.2, epsilon);
        Assert.InRange(alpha, 0, 1);
        Assert.InRange(epsilon, 0, 1);

        var saved = ModelFile.Read(model);
        Assert.Equal(["alpha", "epsilon"], saved.EstimatedLearnerParameters);
        Assert.Equal(alpha, saved.LearnerHyperparameters["alpha"]);
        Assert.Equal(epsilon, saved.LearnerHyperparameters["epsilon"]);
        Assert.Equal(3, saved.LearnerHyperparameters["beta"]); // the default, fixed

        // The table says it too, and evaluate reads the model with its estimated learner.
        var table = _cli.Run("fit", "--data", _data, "--mechanism", "congestion", "--threads", "1", "--epochs", "2", "--min-steps", "0",
            "--estimate", "alpha", "--out", _cli.PathOf("m2.json"));
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("estimated learner parameters", table.Output);
        Assert.Contains("alpha = ", table.Output);
        Assert.Contains("(start 0.25)", table.Output);
        var evaluate = _cli.Run("evaluate", "--model", model, "--data", _data, "--threads", "1");
        Assert.True(evaluate.ExitCode == 0, evaluate.Error);
    }

    [Fact]
    public void Fit_WithoutEstimate_WritesNoEstimatedMember()
    {
        string model = _cli.PathOf("m.json");
        var run = _cli.Run("fit", "--data", _data, "--mechanism", "congestion", "--threads", "1", "--epochs", "2", "--min-steps", "0", "--out", model);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.DoesNotContain("estimated", File.ReadAllText(model));
        Assert.Null(ModelFile.Read(model).EstimatedLearnerParameters);
    }

    [Theory]
    [InlineData("beta", "beta only scales the payoffs, and --mechanism congestion has no known payoff scale")]
    [InlineData("alpha,gamma", "expected learnable parameters of rule logit-q (alpha, beta, epsilon, q0), found 'gamma'")]
    [InlineData("alpha,alpha", "expected each parameter once, found 'alpha' twice")]
    [InlineData("alpha,", "expected learner parameter names separated by commas")]
    public void Fit_WithAnUnidentifiedOrUnknownEstimate_IsAUsageError(string estimate, string message)
    {
        var run = _cli.Run("fit", "--data", _data, "--mechanism", "congestion", "--threads", "1", "--epochs", "2", "--min-steps", "0",
            "--estimate", estimate, "--out", _cli.PathOf("m.json"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--estimate: " + message, run.Error);
        Assert.False(File.Exists(_cli.PathOf("m.json")));
    }

    [Fact]
    public void Fit_EstimatingTheScaleOfARuleWithoutLearnableParameters_IsAUsageError()
    {
        var run = _cli.Run("fit", "--data", _data, "--mechanism", "congestion", "--rule", "hedge", "--estimate", "eta", "--out", _cli.PathOf("m.json"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--estimate: rule hedge has no learnable parameters", run.Error);
    }
}

/// <summary>The β rule's other side: a mechanism with a known payoff scale lets fit estimate β.</summary>
public sealed class FitEstimateKnownScaleCliTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Fit_EstimatingBeta_WithAKnownScaleMechanism_IsAccepted()
    {
        string data = _cli.PathOf("vcm.csv"), model = _cli.PathOf("m.json");
        Assert.Equal(0, _cli.Run("simulate", "--mechanism", "public-goods-fixed-return", "--agents", "8", "--group-size", "4", "--actions", "5",
            "--episodes", "6", "--horizon", "10", "--seed", "2", "--threads", "1", "--out", data).ExitCode);
        var run = _cli.Run("fit", "--data", data, "--mechanism", "public-goods-fixed-return", "--threads", "1", "--epochs", "3", "--min-steps", "0",
            "--estimate", "beta,alpha", "--out", model, "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var estimates = JsonDocument.Parse(run.Output).RootElement.GetProperty("learner_estimates");
        Assert.NotEqual(3, estimates.GetProperty("beta").GetDouble());
        Assert.Equal(["alpha", "beta"], ModelFile.Read(model).EstimatedLearnerParameters);
    }
}
