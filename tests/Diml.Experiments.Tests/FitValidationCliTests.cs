using System.Globalization;
using System.Text.Json;

namespace Diml.Experiments.Tests;

/// <summary><c>diml fit</c> with validation, patience and the step budget: options parsed, the library's choice printed.</summary>
public sealed class FitValidationCliTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly string _data;

    public FitValidationCliTests()
    {
        _data = _cli.PathOf("data.csv");
        Assert.Equal(0, _cli.Run("simulate", "--mechanism", "congestion", "--agents", "3", "--actions", "3", "--episodes", "10", "--horizon", "30",
            "--seed", "1", "--threads", "1", "--out", _data).ExitCode);
    }

    public void Dispose() => _cli.Dispose();

    private static string[] CurveColumn(string path, int column) =>
        File.ReadAllLines(path).Skip(1).Select(l => l.Split(',')[column]).ToArray();

    [Fact]
    public void Fit_ByDefault_SavesTheBestValidationEpoch_AndSaysWhyItStopped()
    {
        string model = _cli.PathOf("m.json"), curve = _cli.PathOf("c.csv");
        var run = _cli.Run("fit", "--data", _data, "--mechanism", "congestion", "--threads", "1", "--patience", "5", "--out", model, "--curve", curve, "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var root = JsonDocument.Parse(run.Output).RootElement;
        // 8 training episodes: 2 for validation, 6 fitted in one minibatch of 32, so 2000 steps plan 2000 epochs.
        Assert.Equal(2, root.GetProperty("validation_episodes").GetInt32());
        Assert.Equal(2000, root.GetProperty("planned_epochs").GetInt32());
        Assert.Equal(5 * 2000 / 100, root.GetProperty("patience_epochs").GetInt32());
        Assert.Equal("patience", root.GetProperty("stop_reason").GetString());
        int epochs = root.GetProperty("epochs").GetInt32(), selected = root.GetProperty("selected_epoch").GetInt32();
        Assert.Equal(selected + 100, epochs);
        Assert.Equal(epochs, root.GetProperty("optimizer_steps").GetInt32());

        var validation = CurveColumn(curve, 3).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(epochs, validation.Length);
        Assert.Equal(Array.IndexOf(validation, validation.Min()) + 1, selected);
        Assert.Equal(validation.Min(), root.GetProperty("best_validation_nll").GetDouble());
        Assert.Contains("\"validationFraction\": 0.2", File.ReadAllText(model));
    }

    [Fact]
    public void Fit_WithEverythingOff_IsTheReferenceEstimator()
    {
        string curve = _cli.PathOf("c.csv");
        var run = _cli.Run("fit", "--data", _data, "--mechanism", "congestion", "--threads", "1", "--epochs", "7", "--validation-fraction", "0",
            "--patience", "0", "--min-steps", "0", "--out", _cli.PathOf("m.json"), "--curve", curve, "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var root = JsonDocument.Parse(run.Output).RootElement;
        Assert.Equal(0, root.GetProperty("validation_episodes").GetInt32());
        Assert.Equal(7, root.GetProperty("epochs").GetInt32());
        Assert.Equal("completed", root.GetProperty("stop_reason").GetString());
        Assert.Equal("last_epoch", root.GetProperty("selected_by").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("best_validation_nll").ValueKind);
        Assert.All(CurveColumn(curve, 3), v => Assert.Equal("", v));
    }

    [Theory]
    [InlineData("--validation-fraction", "1", "--validation-fraction: expected a fraction in [0, 1)")]
    [InlineData("--patience", "-1", "--patience: expected a non-negative integer")]
    [InlineData("--min-steps", "x", "--min-steps: expected a non-negative integer")]
    public void Fit_BadValidationOption_IsAUsageErrorNamingIt(string option, string value, string message)
    {
        var run = _cli.Run("fit", "--data", _data, "--mechanism", "congestion", "--out", _cli.PathOf("m.json"), option, value);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, Assert.Single(run.ErrorLines));
        Assert.False(File.Exists(_cli.PathOf("m.json")));
    }
}
