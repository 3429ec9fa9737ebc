using System.Globalization;
using System.Text.Json;

namespace Diml.Experiments.Tests;

public sealed class EndToEndTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData("neural-joint", "2", "3", "8")]
    [InlineData("congestion", "3", "3", null)]
    [InlineData("anonymous-count", "5", "3", "8")]
    public void SimulateFitEvaluateCounterfactual_WriteCompleteFinitesOutputs(string mechanism, string agents, string actions, string? hidden)
    {
        string[] hiddenArgs = hidden is null ? [] : ["--hidden", hidden];
        string data = _cli.PathOf("data.csv"), truth = _cli.PathOf("truth.json"), model = _cli.PathOf("out/model.json"),
            curve = _cli.PathOf("out/curve.csv"), sim = _cli.PathOf("sim.csv"), dist = _cli.PathOf("dist.csv");

        var simulate = _cli.Run(["simulate", "--mechanism", mechanism, "--agents", agents, "--actions", actions, .. hiddenArgs,
            "--episodes", "10", "--horizon", "12", "--seed", "3", "--threads", "2", "--out", data, "--truth", truth]);
        Assert.True(simulate.ExitCode == 0, simulate.Error);
        Assert.Contains("episode,t,agent,action", File.ReadAllLines(data));
        Assert.Equal(10 * 12 * int.Parse(agents, CultureInfo.InvariantCulture), File.ReadAllLines(data).Count(l => l.Length > 0 && char.IsDigit(l[0])));
        Assert.Contains("\"format\": \"diml-model\"", File.ReadAllText(truth));

        var fit = _cli.Run(["fit", "--data", data, "--mechanism", mechanism, .. hiddenArgs, "--epochs", "3", "--min-steps", "0", "--batch", "4", "--window", "6",
            "--threads", "2", "--out", model, "--curve", curve]);
        Assert.True(fit.ExitCode == 0, fit.Error);
        var curveLines = File.ReadAllLines(curve);
        Assert.Equal("epoch,train_loss,epoch_seconds,validation_nll", curveLines[0]);
        Assert.Equal(4, curveLines.Length);
        foreach (var line in curveLines.Skip(1))
            Assert.All(line.Split(','), field => Assert.True(double.IsFinite(double.Parse(field, CultureInfo.InvariantCulture)), line));
        Assert.Contains("nll_test (held out)", fit.Output);
        Assert.Contains("epoch 3/3", fit.Error);

        var evaluate = _cli.Run("evaluate", "--model", model, "--data", data, "--split", "0.8", "--truth", truth, "--json",
            "--contexts", "500", "--cf-episodes", "20", "--threads", "2");
        Assert.True(evaluate.ExitCode == 0, evaluate.Error);
        using var json = JsonDocument.Parse(evaluate.Output);
        Assert.Equal(2, json.RootElement.GetProperty("episodes").GetInt32());
        foreach (string column in new[] { "nll_test", "mse_on", "mse_off", "diff_mse", "cfkl_params" })
        {
            double value = json.RootElement.GetProperty(column).GetDouble();
            Assert.True(double.IsFinite(value) && value >= 0, $"{column} = {value}");
        }

        var table = _cli.Run("evaluate", "--model", model, "--data", data);
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("nll_test", table.Output);
        Assert.DoesNotContain("diff_mse", table.Output);

        var counterfactual = _cli.Run("counterfactual", "--model", model, "--beta", "5", "--episodes", "15", "--horizon", "8",
            "--seed", "4", "--out", sim, "--distribution", dist);
        Assert.True(counterfactual.ExitCode == 0, counterfactual.Error);
        // --beta changes only β: α and ε stay the fitted learner's.
        Assert.Contains("#beta=5", File.ReadAllLines(sim));
        Assert.Contains("#alpha=0.25", File.ReadAllLines(sim));
        Assert.Contains("#epsilon=0.06", File.ReadAllLines(sim));
        var distribution = File.ReadAllLines(dist);
        Assert.Equal("joint_action,count,probability", distribution[0]);
        long total = 0;
        double probability = 0;
        foreach (var row in distribution.Skip(1))
        {
            var fields = row.Split(',');
            Assert.Equal(int.Parse(agents, CultureInfo.InvariantCulture), fields[0].Split('-').Length);
            total += long.Parse(fields[1], CultureInfo.InvariantCulture);
            probability += double.Parse(fields[2], CultureInfo.InvariantCulture);
        }
        Assert.Equal(15 * 8, total);
        Assert.Equal(1.0, probability, 9);
        Assert.DoesNotContain(_cli.Files(), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void Simulate_IsReproducible_AndIndependentOfThreads()
    {
        string one = _cli.PathOf("one.csv"), two = _cli.PathOf("two.csv");
        Assert.Equal(0, _cli.Run("simulate", "--mechanism", "congestion", "--agents", "3", "--actions", "4", "--episodes", "6", "--horizon", "5", "--seed", "9", "--threads", "1", "--out", one).ExitCode);
        Assert.Equal(0, _cli.Run("simulate", "--mechanism", "congestion", "--agents", "3", "--actions", "4", "--episodes", "6", "--horizon", "5", "--seed", "9", "--threads", "2", "--out", two).ExitCode);
        Assert.Equal(File.ReadAllText(one), File.ReadAllText(two));
    }

    [Fact]
    public void Evaluate_ModelAgainstItself_GivesZeroRecoveryMetrics()
    {
        string data = _cli.PathOf("data.csv"), truth = _cli.PathOf("truth.json");
        Assert.Equal(0, _cli.Run("simulate", "--mechanism", "neural-joint", "--agents", "2", "--actions", "3", "--hidden", "8", "--episodes", "6", "--horizon", "8", "--out", data, "--truth", truth).ExitCode);
        var run = _cli.Run("evaluate", "--model", truth, "--data", data, "--truth", truth, "--json", "--contexts", "200", "--cf-episodes", "10");
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        foreach (string column in new[] { "mse_on", "mse_off", "diff_mse", "cfkl_params" })
            Assert.Equal(0.0, json.RootElement.GetProperty(column).GetDouble());
        double floor = json.RootElement.GetProperty("cfkl_floor").GetDouble();
        Assert.True(floor > 0);

        // On independent streams the model against itself scores the floor: the sampling noise of the two histograms.
        var independent = _cli.Run("evaluate", "--model", truth, "--data", data, "--truth", truth, "--json", "--contexts", "200", "--cf-episodes", "10", "--cf-streams", "independent");
        Assert.True(independent.ExitCode == 0, independent.Error);
        using var independentJson = JsonDocument.Parse(independent.Output);
        Assert.Equal(floor, independentJson.RootElement.GetProperty("cfkl_params").GetDouble());
        Assert.Equal(floor, independentJson.RootElement.GetProperty("cfkl_floor").GetDouble());
    }

    [Fact]
    public void Fit_OnNonFiniteLoss_KeepsLastGoodModel_AndFailsWithOneLine()
    {
        string data = _cli.PathOf("data.csv"), model = _cli.PathOf("model.json"), curve = _cli.PathOf("curve.csv");
        Assert.Equal(0, _cli.Run("simulate", "--mechanism", "congestion", "--agents", "4", "--actions", "5", "--episodes", "20", "--horizon", "30", "--out", data).ExitCode);
        var run = _cli.Run("fit", "--data", data, "--mechanism", "congestion", "--epochs", "3", "--min-steps", "0", "--lr", "1e37", "--out", model, "--curve", curve);
        Assert.Equal(3, run.ExitCode);
        var error = Assert.Single(run.ErrorLines);
        Assert.Contains("at epoch 2, minibatch 1", error);
        Assert.Contains("lower the learning rate", error);
        Assert.Contains(model, error);
        Assert.True(File.Exists(model));
        Assert.Equal(["epoch,train_loss,epoch_seconds,validation_nll"], File.ReadAllLines(curve).Take(1));
        Assert.Equal(2, File.ReadAllLines(curve).Length);
    }

    [Fact]
    public void Check_RunsEverySelfCheck_AndPasses()
    {
        var run = _cli.Run("check");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        foreach (string name in new[] { "congestion", "neural-joint", "anonymous-count", "pooled-anonymous", "public-goods", "tabular", "linear-public-goods", "volunteers", "public-goods-fixed-return", "logit-q", "hedge", "ewa", "logit-q-inertia" })
            Assert.Contains(name, run.Output);
        Assert.DoesNotContain("FAILED", run.Output);
        Assert.Equal(13, Commands.CheckCommand.Run(1).Count(r => r.Passed)); // every catalogue mechanism and learning rule
    }

    [Theory]
    [InlineData("simulate")]
    [InlineData("fit")]
    [InlineData("evaluate")]
    [InlineData("counterfactual")]
    [InlineData("check")]
    [InlineData("reproduce")]
    [InlineData("bench")]
    public void Help_IsPrinted_ForEveryCommand(string command)
    {
        var run = _cli.Run(command, "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Output);
        Assert.Contains(command + " [options]", run.Output);
    }
}
