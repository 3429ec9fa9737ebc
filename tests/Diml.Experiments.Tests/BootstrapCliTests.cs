using System.Text.Json;
using Diml.Fitting;

namespace Diml.Experiments.Tests;

/// <summary><c>diml bootstrap</c>: refits from resampled episodes, percentile intervals, files, resume.</summary>
public sealed class BootstrapCliTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly string _data, _model;

    public BootstrapCliTests()
    {
        _data = _cli.PathOf("data.csv");
        _model = _cli.PathOf("model.json");
        Assert.Equal(0, _cli.Run("simulate", "--mechanism", "congestion", "--agents", "3", "--actions", "3", "--episodes", "20", "--horizon", "20",
            "--seed", "8", "--out", _data, "--truth", _cli.PathOf("truth.json")).ExitCode);
        var fit = _cli.Run("fit", "--data", _data, "--train-fraction", "1", "--mechanism", "congestion", "--out", _model, "--epochs", "3", "--min-steps", "30", "--threads", "1");
        Assert.True(fit.ExitCode == 0, fit.Error);
    }

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Bootstrap_WritesReplicationsAndIntervals_IdenticallyOnOneAndTwoThreads()
    {
        string one = _cli.PathOf("one"), two = _cli.PathOf("two");
        var run = _cli.Run("bootstrap", "--model", _model, "--data", _data, "--replications", "8", "--seed", "3", "--threads", "1", "--out", one, "--test", _data);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(0, _cli.Run("bootstrap", "--model", _model, "--data", _data, "--replications", "8", "--seed", "3", "--threads", "2", "--out", two).ExitCode);
        Assert.Equal(File.ReadAllText(Path.Combine(one, "bootstrap-replications.csv")), File.ReadAllText(Path.Combine(two, "bootstrap-replications.csv")));
        Assert.Equal(File.ReadAllText(Path.Combine(one, "bootstrap-payoff-differences.csv")), File.ReadAllText(Path.Combine(two, "bootstrap-payoff-differences.csv")));
        Assert.False(File.Exists(Path.Combine(one, "bootstrap-replications.partial")));

        var replications = File.ReadAllLines(Path.Combine(one, "bootstrap-replications.csv"));
        Assert.Equal(9, replications.Length);
        Assert.StartsWith("replication,converged,LinearCost[0],", replications[0]);
        var differences = File.ReadAllLines(Path.Combine(one, "bootstrap-payoff-differences.csv"));
        Assert.EndsWith("difference_vs_action_0,bootstrap_se,ci_low,ci_high", differences[0]);
        var fields = differences[1].Split(',');
        double low = double.Parse(fields[^2], System.Globalization.CultureInfo.InvariantCulture), high = double.Parse(fields[^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(low < high);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(one, "bootstrap.json")));
        Assert.Equal(8, json.RootElement.GetProperty("replications").GetInt32());
        var parameters = json.RootElement.GetProperty("parameters").EnumerateArray().ToArray();
        Assert.False(parameters[0].GetProperty("identified").GetBoolean()); // LinearCost[0]: only Toll − LinearCost is identified
        Assert.True(parameters[3].GetProperty("identified").GetBoolean());
        Assert.True(parameters[3].GetProperty("bootstrap_se").GetDouble() > 0);
        Assert.Equal("nll_test", json.RootElement.GetProperty("metrics")[0].GetProperty("name").GetString());
        Assert.Contains("bootstrap s.e.", run.Output);
        Assert.Contains("ratio", run.Output);
    }

    [Fact]
    public void Bootstrap_Resumes_AnInterruptedRun_AndRefusesToOverwriteOne()
    {
        string folder = _cli.PathOf("bs");
        Assert.Equal(0, _cli.Run("bootstrap", "--model", _model, "--data", _data, "--replications", "6", "--seed", "1", "--out", _cli.PathOf("fresh")).ExitCode);
        Directory.CreateDirectory(folder);
        // What an interrupted run leaves: the header and some replications, copied from a finished run's.
        var done = File.ReadAllLines(Path.Combine(_cli.PathOf("fresh"), "bootstrap-replications.csv")).Skip(1).Take(3)
            .Select(l => l.Replace(",true,", ",1,").Replace(",false,", ",0,"));
        File.WriteAllLines(Path.Combine(folder, "bootstrap-replications.partial"),
            ["# diml bootstrap replications: seed=1 episodes=20 parameters=9; lines: replication,converged,theta...", .. done]);
        var refused = _cli.Run("bootstrap", "--model", _model, "--data", _data, "--replications", "6", "--seed", "1", "--out", folder);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("expected --resume", refused.Error);
        var resumed = _cli.Run("bootstrap", "--model", _model, "--data", _data, "--replications", "6", "--seed", "1", "--out", folder, "--resume");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains("3 read back from the interrupted run", resumed.Output);
        Assert.Equal(File.ReadAllText(Path.Combine(_cli.PathOf("fresh"), "bootstrap-replications.csv")), File.ReadAllText(Path.Combine(folder, "bootstrap-replications.csv")));
    }
}
