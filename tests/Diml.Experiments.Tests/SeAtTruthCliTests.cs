using System.Text.Json;

namespace Diml.Experiments.Tests;

/// <summary><c>diml evaluate --se-at-truth</c>: standard errors from the information at the true parameters.</summary>
public sealed class SeAtTruthCliTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly string _data, _truth, _model;

    public SeAtTruthCliTests()
    {
        _data = _cli.PathOf("pg.csv");
        _truth = _cli.PathOf("pg-truth.json");
        _model = _cli.PathOf("pg-model.json");
        var simulate = _cli.Run("simulate", "--mechanism", "linear-public-goods", "--agents", "8", "--group-size", "4", "--actions", "5", "--episodes", "40",
            "--horizon", "20", "--rule", "logit-q-inertia", "--beta", "4", "--epsilon", "0.3", "--seed", "3", "--threads", "1", "--out", _data, "--truth", _truth);
        Assert.True(simulate.ExitCode == 0, simulate.Error);
        var fit = _cli.Run("fit", "--data", _data, "--mechanism", "linear-public-goods", "--rule", "logit-q-inertia", "--beta", "4", "--estimate", "alpha,epsilon",
            "--epochs", "3", "--min-steps", "0", "--se", "none", "--threads", "1", "--out", _model);
        Assert.True(fit.ExitCode == 0, fit.Error);
    }

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void SeAtTruth_ReportsEachParameterAtItsTrueValue_WithTheEpisodesA15PercentErrorNeeds()
    {
        var run = _cli.Run("evaluate", "--model", _model, "--data", _data, "--truth", _truth, "--se-at-truth", "--cf-episodes", "4", "--threads", "1", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var atTruth = JsonDocument.Parse(run.Output).RootElement.GetProperty("se_at_truth");
        Assert.Equal(40, atTruth.GetProperty("episodes").GetInt32());
        var parameters = atTruth.GetProperty("parameters").EnumerateArray().ToArray();
        Assert.Equal(["Mpcr", "Reciprocity", "alpha", "epsilon"], parameters.Select(p => p.GetProperty("name").GetString()));
        var epsilon = parameters[3];
        Assert.Equal(0.3, epsilon.GetProperty("truth").GetDouble(), 5);
        Assert.True(atTruth.GetProperty("positive_definite").GetBoolean());
        double se = epsilon.GetProperty("standard_error").GetDouble(), relative = epsilon.GetProperty("relative_standard_error").GetDouble();
        Assert.True(se > 0);
        Assert.Equal(se / 0.3, relative, 4);
        Assert.Equal(40 * (relative / 0.15) * (relative / 0.15), epsilon.GetProperty("episodes_for_relative_0.15").GetDouble(), 6);

        var table = _cli.Run("evaluate", "--model", _model, "--data", _data, "--truth", _truth, "--se-at-truth", "--cf-episodes", "4", "--threads", "1");
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("s.e. at the truth", table.Output);
        Assert.Contains("from the observed information of these 40 episodes at the true parameters", table.Output);
    }

    [Fact]
    public void SeAtTruth_NeedsTheTruth_AndItsRuleMustHaveTheEstimatedParameters()
    {
        var noTruth = _cli.Run("evaluate", "--model", _model, "--data", _data, "--se-at-truth");
        Assert.Equal(2, noTruth.ExitCode);
        Assert.Contains("--se-at-truth: expected --truth (the true parameters the information is computed at), found none.", noTruth.Error);

        string hedgeTruth = _cli.PathOf("hedge-truth.json");
        Assert.Equal(0, _cli.Run("simulate", "--mechanism", "linear-public-goods", "--agents", "4", "--actions", "5", "--episodes", "2", "--horizon", "3",
            "--rule", "hedge", "--out", _cli.PathOf("h.csv"), "--truth", hedgeTruth).ExitCode);
        var hedge = _cli.Run("evaluate", "--model", _model, "--data", _data, "--truth", hedgeTruth, "--se-at-truth", "--cf-episodes", "4");
        Assert.Equal(1, hedge.ExitCode);
        Assert.Contains($"{hedgeTruth}, at $.learner.name: expected a rule with the learner parameters {_model} estimated (alpha, epsilon), found Hedge, which has none.", hedge.Error);
    }
}
