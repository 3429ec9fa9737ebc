using Diml.Data;
using Diml.Evaluation.Counterfactuals;
using Diml.Fitting;
using Diml.Learning;
using Diml.Mechanisms;
using Diml.Simulation;

namespace Diml.Experiments.Tests;

/// <summary><c>diml counterfactual</c> with a policy: the library's prediction as CSV, a plot and a table; bad shift files located.</summary>
public sealed class PolicyCounterfactualCliTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly string _data, _truth, _shift;

    public PolicyCounterfactualCliTests()
    {
        _data = _cli.PathOf("data.csv");
        _truth = _cli.PathOf("truth.json");
        _shift = _cli.PathOf("toll.csv");
        var simulate = _cli.Run("simulate", "--mechanism", "public-goods", "--hidden", "4", "--agents", "6", "--group-size", "3", "--actions", "4",
            "--episodes", "3", "--horizon", "8", "--seed", "2", "--out", _data, "--truth", _truth);
        Assert.True(simulate.ExitCode == 0, simulate.Error);
        File.WriteAllText(_shift, "action,shift\n0,-0.5\n3,0.25\n");
    }

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void PayoffShift_OnGroupedData_WritesTheLibraryPrediction_APlotAndATable()
    {
        string output = _cli.PathOf("what-if.csv"), plot = _cli.PathOf("what-if.svg");
        var run = _cli.Run("counterfactual", "--model", _truth, "--data", _data, "--payoff-shift", _shift, "--scale-money", "1.5",
            "--replications", "12", "--seed", "4", "--threads", "2", "--out", output, "--plot", plot);
        Assert.True(run.ExitCode == 0, run.Error);

        var saved = ModelFile.Read(_truth);
        var (entry, mechanism) = MechanismCatalog.Rebuild(saved, _truth);
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        var change = PolicyChange.PayoffShift([-0.5f, 0f, 0f, 0.25f]).WithMoneyScaling(entry.MoneyTerm!, 1.5);
        var forecast = PolicyPrediction.Predict(mechanism, ModelEnsemble.PointEstimate(theta, new LogitQ(0.25f, 3f, 0.06f)), change,
            SimulationDesign.FromData(TrajectoryCsv.Read(_data).Trajectories, firstActionsFromData: true), new PredictionOptions(12, 4, Threads: 1));
        var expected = new StringWriter { NewLine = "\n" };
        PolicyForecastCsv.Write(expected, forecast);
        Assert.Equal(expected.ToString(), File.ReadAllText(output));
        Assert.Equal(1 + 8 * 5, File.ReadAllLines(output).Length);

        Assert.Contains("<svg", File.ReadAllText(plot));
        Assert.Contains("share of action 0", run.Output);
        Assert.Contains("mean payoff", run.Output);
    }

    [Fact]
    public void WithoutData_SimulatesFullPlay_AndRefusesAGroupedModel()
    {
        string model = _cli.PathOf("congestion.json"), data = _cli.PathOf("c.csv"), output = _cli.PathOf("c-pred.csv"), png = _cli.PathOf("c.png");
        Assert.Equal(0, _cli.Run("simulate", "--mechanism", "congestion", "--agents", "3", "--actions", "4", "--episodes", "2", "--horizon", "5", "--out", data, "--truth", model).ExitCode);

        var run = _cli.Run("counterfactual", "--model", model, "--payoff-shift", _shift, "--episodes", "4", "--horizon", "6", "--replications", "5", "--out", output, "--plot", png);
        Assert.True(run.ExitCode == 0, run.Error);
        // Congestion's toll revenue is not identified apart from its linear cost: no money term to scale.
        Assert.Equal(2, _cli.Run("counterfactual", "--model", model, "--scale-money", "2", "--out", _cli.PathOf("y.csv")).ExitCode);
        Assert.Equal(1 + 6 * 5, File.ReadAllLines(output).Length);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png).Take(4));

        // A fitted model records its data's groups (a true mechanism's file does not).
        string fitted = _cli.PathOf("fitted.json");
        var fit = _cli.Run("fit", "--data", _data, "--mechanism", "public-goods", "--hidden", "4", "--epochs", "1", "--out", fitted);
        Assert.True(fit.ExitCode == 0, fit.Error);
        var grouped = _cli.Run("counterfactual", "--model", fitted, "--payoff-shift", _shift, "--out", _cli.PathOf("x.csv"));
        Assert.Equal(2, grouped.ExitCode);
        Assert.Contains("--data: expected the sessions whose groups are simulated", grouped.Error);
    }

    [Fact]
    public void AModelWithStandardErrors_DrawsItsParametersFromTheCovariance_ForTheBands()
    {
        string data = _cli.PathOf("roads.csv"), truth = _cli.PathOf("roads-truth.json"), model = _cli.PathOf("roads-model.json"), output = _cli.PathOf("roads-pred.csv");
        Assert.Equal(0, _cli.Run("simulate", "--mechanism", "congestion", "--agents", "3", "--actions", "4", "--episodes", "30", "--horizon", "15", "--seed", "2",
            "--out", data, "--truth", truth).ExitCode);
        var fit = _cli.Run("fit", "--data", data, "--mechanism", "congestion", "--epochs", "5", "--out", model);
        Assert.True(fit.ExitCode == 0, fit.Error);
        var saved = ModelFile.Read(model);
        Assert.NotNull(saved.Inference);
        Assert.True(saved.Inference!.Converged);

        var run = _cli.Run("counterfactual", "--model", model, "--data", data, "--payoff-shift", _shift, "--replications", "40", "--seed", "3", "--out", output);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("parameters drawn 20 times from the model's cluster-robust covariance", run.Output.ReplaceLineEndings(" "));

        var (_, mechanism) = MechanismCatalog.Rebuild(saved, model);
        var draws = ModelEnsemble.FromCovariance(saved.Parameters, Diml.Evaluation.Inference.ModelInference.CovarianceOf(saved.Inference), new LogitQ(0.25f, 3f, 0.06f), 20, seed: 3);
        var forecast = PolicyPrediction.Predict(mechanism, draws, PolicyChange.PayoffShift([-0.5f, 0f, 0f, 0.25f]),
            SimulationDesign.FromData(TrajectoryCsv.Read(data).Trajectories, firstActionsFromData: true), new PredictionOptions(2, 3));
        var expected = new StringWriter { NewLine = "\n" };
        PolicyForecastCsv.Write(expected, forecast);
        Assert.Equal(expected.ToString(), File.ReadAllText(output));

        var noCovariance = _cli.Run("counterfactual", "--model", truth, "--payoff-shift", _shift, "--parameter-draws", "5", "--out", _cli.PathOf("none.csv"));
        Assert.Equal(2, noCovariance.ExitCode);
        Assert.Contains("--parameter-draws: expected a model with a usable covariance, found that the model has no standard errors", noCovariance.Error.ReplaceLineEndings(" "));
    }

    [Theory]
    [InlineData("action,shift\n4,1\n", ", line 2, column 1 'action': expected an integer in 0..3 (4 actions), found '4'.")]
    [InlineData("action,shift\n1,abc\n", ", line 2, column 2 'shift': expected a finite number (payoff units), found 'abc'.")]
    [InlineData("action,toll\n1,2\n", ", line 1: expected the header 'action,shift', found 'action,toll'.")]
    [InlineData("action,shift\n1,2\n1,3\n", ", line 3, column 1 'action': action 1 is listed twice; expected each action at most once, found it again after line 2.")]
    [InlineData("action,shift\n1,2,3\n", ", line 2: expected 2 cells (action,shift), found 3 in '1,2,3'.")]
    [InlineData("", ": expected the header 'action,shift', found an empty file.")]
    public void BadShiftFile_IsALocatedInputError_AndWritesNothing(string text, string message)
    {
        string bad = _cli.PathOf("bad.csv"), output = _cli.PathOf("out.csv");
        File.WriteAllText(bad, text);
        var run = _cli.Run("counterfactual", "--model", _truth, "--data", _data, "--payoff-shift", bad, "--out", output);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(bad + message, run.Error.ReplaceLineEndings(" "));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Misuse_IsAUsageError_NamingTheOption()
    {
        string output = _cli.PathOf("o.csv");
        var noPolicy = _cli.Run("counterfactual", "--model", _truth, "--data", _data, "--band", "0.8", "--out", output);
        Assert.Equal(2, noPolicy.ExitCode);
        Assert.Contains("--band: expected only with a policy", noPolicy.Error);

        var both = _cli.Run("counterfactual", "--model", _truth, "--data", _data, "--payoff-shift", _shift, "--episodes", "3", "--out", output);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("--episodes: expected none with --data", both.Error);

        var overInput = _cli.Run("counterfactual", "--model", _truth, "--data", _data, "--payoff-shift", _shift, "--out", _data);
        Assert.Equal(2, overInput.ExitCode);

        var neural = _cli.PathOf("neural.json");
        Assert.Equal(0, _cli.Run("simulate", "--mechanism", "neural-joint", "--hidden", "4", "--agents", "3", "--actions", "4", "--episodes", "1", "--horizon", "3",
            "--out", _cli.PathOf("n.csv"), "--truth", neural).ExitCode);
        var noMoney = _cli.Run("counterfactual", "--model", neural, "--scale-money", "2", "--out", output);
        Assert.Equal(2, noMoney.ExitCode);
        string withMoney = string.Join(", ", MechanismCatalog.Entries.Where(e => e.MoneyTerm is not null).Select(e => e.Name));
        Assert.Equal("public-goods, linear-public-goods", withMoney);
        Assert.Contains($"--scale-money: expected a model whose mechanism has a known money term ({withMoney}), found a neural-joint model", noMoney.Error.ReplaceLineEndings(" "));
        Assert.False(File.Exists(output));
    }
}
