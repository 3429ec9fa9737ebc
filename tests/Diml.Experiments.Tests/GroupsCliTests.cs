namespace Diml.Experiments.Tests;

/// <summary>Sessions re-matched into groups through the tool: simulate writes them, fit, evaluate, inspect and counterfactual (on the data's design) take them.</summary>
public sealed class GroupsCliTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    private string SimulateRematched(string name, string threads = "1")
    {
        string data = _cli.PathOf(name);
        var run = _cli.Run("simulate", "--mechanism", "public-goods", "--agents", "8", "--actions", "4", "--group-size", "4",
            "--episodes", "10", "--horizon", "6", "--seed", "3", "--threads", threads, "--out", data, "--truth", _cli.PathOf(name + ".truth.json"));
        Assert.True(run.ExitCode == 0, run.Error);
        return data;
    }

    [Fact]
    public void Simulate_WithGroupSize_WritesTheGroupColumn_IndependentlyOfThreads()
    {
        string one = SimulateRematched("one.csv"), two = SimulateRematched("two.csv", threads: "2");

        string[] lines = File.ReadAllLines(one);
        Assert.Contains("#group-sizes=4,4", lines);
        Assert.Contains("#matching=random", lines);
        Assert.Contains("episode,t,agent,action,group", lines);
        Assert.Equal(File.ReadAllText(one), File.ReadAllText(two));
        var data = Diml.Data.TrajectoryCsv.Read(one).Trajectories;
        Assert.True(data.HasGroups);
        Assert.Equal([4], data.GroupSizes);
    }

    [Fact]
    public void FitEvaluateAndInspect_TakeGroups_WhileCounterfactualAsksForTheDesign()
    {
        string data = SimulateRematched("pg.csv"), model = _cli.PathOf("pg.json");

        var fit = _cli.Run("fit", "--data", data, "--mechanism", "public-goods", "--epochs", "2", "--min-steps", "0", "--out", model, "--json");
        Assert.True(fit.ExitCode == 0, fit.Error);
        Assert.Contains("\"groupSizes\": [\n      4\n    ]", File.ReadAllText(model).Replace("\r", ""));
        Assert.Contains("\"nll_test\"", fit.Output);

        var evaluate = _cli.Run("evaluate", "--model", model, "--data", data, "--split", "0.5");
        Assert.True(evaluate.ExitCode == 0, evaluate.Error);
        Assert.Contains("nll_test", evaluate.Output);
        Assert.Contains("own_previous", evaluate.Output);
        Assert.Contains("baselines estimated on the first 5 episodes", evaluate.Output);

        string inspectFolder = _cli.PathOf("inspect");
        var inspect = _cli.Run("inspect", "--model", model, "--data", data, "--out", inspectFolder);
        Assert.True(inspect.ExitCode == 0, inspect.Error);
        Assert.Contains("in each agent's own group", inspect.Output);
        Assert.StartsWith("group_size,position,a_0,a_1,a_2,a_3,visits", File.ReadAllText(Path.Combine(inspectFolder, "payoff-differences.csv")));

        var metrics = _cli.Run("evaluate", "--model", model, "--data", data, "--truth", _cli.PathOf("pg.csv.truth.json"), "--json");
        Assert.True(metrics.ExitCode == 0, metrics.Error);
        Assert.Contains("\"diff_mse\": ", metrics.Output);
        Assert.Contains("\"mse_on\": ", metrics.Output);
        Assert.Matches("\"mse_off\": [0-9]", metrics.Output);
        Assert.Matches("\"cfkl_params\": [0-9]", metrics.Output);

        var counterfactual = _cli.Run("counterfactual", "--model", model, "--out", _cli.PathOf("cf.csv"));
        Assert.Equal(2, counterfactual.ExitCode);
        Assert.Contains($"--data: expected the sessions whose groups are simulated, since {model} was fitted on groups of 4 agents; found none.",
            Assert.Single(counterfactual.ErrorLines));
        Assert.False(File.Exists(_cli.PathOf("cf.csv")));
    }

    [Fact]
    public void Counterfactual_OfAGroupedModel_SimulatesTheDataDesign_IndependentlyOfThreads()
    {
        string data = SimulateRematched("pg.csv"), model = _cli.PathOf("pg.json");
        var fit = _cli.Run("fit", "--data", data, "--mechanism", "public-goods", "--epochs", "2", "--min-steps", "0", "--out", model);
        Assert.True(fit.ExitCode == 0, fit.Error);

        string one = _cli.PathOf("cf1.csv"), two = _cli.PathOf("cf2.csv"), distribution = _cli.PathOf("cf-groups.csv");
        var run = _cli.Run("counterfactual", "--model", model, "--data", data, "--episodes", "15", "--beta", "5", "--threads", "1", "--out", one, "--distribution", distribution);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("group plays (group size|joint action) over 180 group-steps", run.Output); // 15 sessions x 6 steps x 2 groups
        Assert.Equal(0, _cli.Run("counterfactual", "--model", model, "--data", data, "--episodes", "15", "--beta", "5", "--threads", "2", "--out", two).ExitCode);
        Assert.Equal(File.ReadAllText(one), File.ReadAllText(two));
        Assert.StartsWith("group_play,count,probability", File.ReadAllText(distribution));
        Assert.Contains("4|", File.ReadAllLines(distribution)[1]);

        // The data's 10 sessions cycled: session 12 is played in the groups of the data's session 2.
        var observed = Diml.Data.TrajectoryCsv.Read(data).Trajectories;
        var simulated = Diml.Data.TrajectoryCsv.Read(one).Trajectories;
        Assert.Equal(15, simulated.Episodes);
        Assert.Equal("5", simulated.Metadata["beta"]);
        for (int t = 0; t < observed.Steps; t++)
            for (int g = 0; g < 2; g++)
                Assert.Equal(observed.Groups(2, t).Members(g).ToArray(), simulated.Groups(12, t).Members(g).ToArray());
        // Without --episodes: one run of each of the data's sessions.
        Assert.Equal(0, _cli.Run("counterfactual", "--model", model, "--data", data, "--out", two).ExitCode);
        Assert.Equal(10, Diml.Data.TrajectoryCsv.Read(two).Trajectories.Episodes);
    }

    [Theory]
    [InlineData("--agents", "8")]
    [InlineData("--horizon", "4")]
    public void Counterfactual_WithData_TakesTheDesignFromIt(string option, string value)
    {
        string data = SimulateRematched("pg.csv");
        var run = _cli.Run("counterfactual", "--model", _cli.PathOf("pg.csv.truth.json"), "--data", data, option, value, "--out", _cli.PathOf("cf.csv"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{option}: expected none with --data (the design comes from the data), found one.", Assert.Single(run.ErrorLines));
    }

    [Theory]
    [InlineData("--mechanism neural-joint --agents 4 --group-size 2", "--mechanism: neural-joint has parameters tied to its number of agents")]
    [InlineData("--mechanism congestion --agents 4 --group-size 3", "--group-size: expected a divisor of the 4 agents (--agents), found 3.")]
    [InlineData("--mechanism congestion --agents 6 --group-sizes 2,3", "--group-sizes: expected sizes adding up to the 6 agents (--agents), found 2,3 (sum 5).")]
    [InlineData("--mechanism congestion --agents 6 --group-sizes 2,x", "--group-sizes: expected positive integers separated by commas, found '2,x'.")]
    [InlineData("--mechanism congestion --agents 6 --group-size 2 --group-sizes 2,4", "--group-size, --group-sizes: expected one of them, found both.")]
    [InlineData("--mechanism congestion --agents 4 --matching fixed", "--matching: expected --group-size or --group-sizes with it, found neither.")]
    [InlineData("--mechanism congestion --agents 4 --group-size 2 --matching sometimes", "--matching: expected random or fixed, found 'sometimes'.")]
    public void Simulate_BadGroupOptions_FailWithOneLine(string options, string message)
    {
        string output = _cli.PathOf("out.csv");
        var run = _cli.Run(["simulate", .. options.Split(' '), "--out", output]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, Assert.Single(run.ErrorLines));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Fit_OfAFixedSizeMechanismOnGroups_IsRefused()
    {
        string data = SimulateRematched("pg.csv");
        var run = _cli.Run("fit", "--data", data, "--mechanism", "neural-joint", "--out", _cli.PathOf("nj.json"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--mechanism neural-joint has parameters tied to its number of agents, which fit does not yet set from the group size; " +
            "expected data without groups or absent agents for it, found groups of 4 agents.", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public void PooledSizes_SimulateAndFit_WithTheGroupSizeAsAnInput()
    {
        string data = _cli.PathOf("vd.csv"), model = _cli.PathOf("vd.json");
        var simulate = _cli.Run("simulate", "--mechanism", "pooled-anonymous", "--hidden", "8", "--agents", "9", "--actions", "2",
            "--group-sizes", "2,3,4", "--episodes", "8", "--horizon", "8", "--seed", "2", "--out", data);
        Assert.True(simulate.ExitCode == 0, simulate.Error);
        Assert.Equal([2, 3, 4], Diml.Data.TrajectoryCsv.Read(data).Trajectories.GroupSizes);

        var fit = _cli.Run("fit", "--data", data, "--mechanism", "pooled-anonymous", "--hidden", "8", "--epochs", "2", "--min-steps", "0", "--out", model);
        Assert.True(fit.ExitCode == 0, fit.Error);
        Assert.Contains("nll_test", fit.Output);
        Assert.Contains("\"groupSizes\"", File.ReadAllText(model));
    }

    [Fact]
    public void Evaluate_OfAFixedSizeModelOnGroups_IsRefused()
    {
        string plain = _cli.PathOf("nj.csv"), model = _cli.PathOf("nj.json"), grouped = SimulateRematched("pg.csv");
        Assert.Equal(0, _cli.Run("simulate", "--mechanism", "neural-joint", "--hidden", "8", "--agents", "8", "--actions", "4", "--episodes", "4", "--horizon", "5", "--out", plain).ExitCode);
        Assert.Equal(0, _cli.Run("fit", "--data", plain, "--mechanism", "neural-joint", "--hidden", "8", "--epochs", "1", "--min-steps", "0", "--train-fraction", "1", "--out", model).ExitCode);

        var run = _cli.Run("evaluate", "--model", model, "--data", grouped);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("pg.csv: a neural-joint model's parameters are tied to its 8 agents, and evaluate does not yet score it in groups; " +
            "expected data without groups or absent agents for it, found groups of 4 agents.", Assert.Single(run.ErrorLines));
    }
}
