using System.Globalization;
using System.Text.Json;
using Diml.Data;
using Diml.Fitting;
using Diml.Learning;
using Diml.Mechanisms;
using Diml.Simulation;

namespace Diml.Experiments.Tests;

/// <summary><c>diml fit --types K</c>: a finite mixture of learner types, its table, posteriors CSV, JSON and model-file member.</summary>
public sealed class FitTypesCliTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly string _data;

    /// <summary>12 congestion subjects, even ones Logit-Q at α = 0.1, odd ones at α = 0.6 (β = 1, ε = 0.06), 8 sessions of 20 steps.</summary>
    public FitTypesCliTests()
    {
        _data = _cli.PathOf("types.csv");
        var truth = Congestion.RandomTruth(3, new Random(2026));
        var theta = new float[truth.Layout.TotalLength];
        truth.ReadParameters(theta);
        var rules = Enumerable.Range(0, 12).Select(i => (ILearningRule)new LogitQ(i % 2 == 0 ? 0.1f : 0.6f, 1f, 0.06f)).ToArray();
        TrajectoryCsv.Write(_data, Simulator.Simulate(truth, theta, rules, new GameShape(12, 3), episodes: 8, steps: 20, seed: 5));
    }

    public void Dispose() => _cli.Dispose();

    private string[] Fit(string model, params string[] more) =>
        ["fit", "--data", _data, "--mechanism", "congestion", "--threads", "2", "--epochs", "3", "--min-steps", "0", "--train-fraction", "1",
         "--beta", "1", "--estimate", "alpha", "--out", model, .. more];

    [Fact]
    public void FitTypes_WritesPosteriors_Json_AndTheModelMember()
    {
        string model = _cli.PathOf("m.json"), posteriors = _cli.PathOf("out/posteriors.csv");
        var run = _cli.Run(Fit(model, "--types", "2", "--type-starts", "2", "--types-out", posteriors, "--json"));
        Assert.True(run.ExitCode == 0, run.Error);
        var types = JsonDocument.Parse(run.Output).RootElement.GetProperty("learner_types");
        Assert.Equal(2, types.GetProperty("count").GetInt32());
        Assert.Equal(12, types.GetProperty("subjects").GetInt32());
        Assert.Equal(posteriors, types.GetProperty("posteriors").GetString());
        var list = types.GetProperty("types").EnumerateArray().ToArray();
        double slow = list[0].GetProperty("learner").GetProperty("alpha").GetProperty("estimate").GetDouble();
        double fast = list[1].GetProperty("learner").GetProperty("alpha").GetProperty("estimate").GetDouble();
        Assert.True(slow < fast, $"types in canonical order: {slow} then {fast}");
        Assert.Equal(1.0, list.Sum(t => t.GetProperty("weight").GetDouble()), 12);
        double bic = types.GetProperty("bic").GetDouble(), logL = types.GetProperty("log_likelihood").GetDouble();
        int k = types.GetProperty("parameters").GetInt32();
        Assert.Equal((k * Math.Log(types.GetProperty("decisions").GetInt64())) - (2 * logL), bic, 6);

        // One row per subject: probabilities that sum to 1 and a modal type that is their largest.
        var lines = File.ReadAllLines(posteriors);
        Assert.Equal("agent,decisions,posterior_1,posterior_2,modal_type", lines[0]);
        Assert.Equal(13, lines.Length);
        for (int s = 0; s < 12; s++)
        {
            var cells = lines[s + 1].Split(',');
            Assert.Equal(s.ToString(CultureInfo.InvariantCulture), cells[0]);
            Assert.Equal("152", cells[1]);
            double p1 = double.Parse(cells[2], CultureInfo.InvariantCulture), p2 = double.Parse(cells[3], CultureInfo.InvariantCulture);
            Assert.Equal(1.0, p1 + p2, 12);
            Assert.Equal(p1 >= p2 ? "1" : "2", cells[4]);
        }

        var saved = ModelFile.Read(model).LearnerTypes;
        Assert.NotNull(saved);
        Assert.Equal(2, saved.Types.Count);
        Assert.Equal(12, saved.Subjects);
        Assert.Equal(slow, saved.Types[0].Values[0].Estimate);
        Assert.Equal("alpha", saved.Types[0].Values[0].Name);
        Assert.Equal(bic, saved.Bic, 6);
        Assert.Equal(9, saved.MechanismParameters.Length);
        // evaluate reads the model with its mixture.
        var evaluate = _cli.Run("evaluate", "--model", model, "--data", _data, "--threads", "1");
        Assert.True(evaluate.ExitCode == 0, evaluate.Error);
        Assert.Contains("learner types stored with the model", evaluate.Output);
        Assert.Contains("learner types: 2 over 12 subjects (1824 decisions)", evaluate.Output);
    }

    [Fact]
    public void FitTypes_PrintsTheTypesTable_AndTheCriteriaBesideTheOneTypeFit()
    {
        var run = _cli.Run(Fit(_cli.PathOf("m.json"), "--types", "2", "--type-starts", "1"));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("| type | weight", run.Output);
        Assert.Contains("learner types: 2 over 12 subjects (1824 decisions)", run.Output);
        Assert.Contains("one type (the fit above): log-likelihood", run.Output);
        Assert.Contains("types ordered by alpha", run.Output);
    }

    [Theory]
    [InlineData(new[] { "--types", "0", "--estimate", "alpha" }, "--types: expected a number of types of at least 1, found '0'")]
    [InlineData(new[] { "--types", "2" }, "--types: expected --estimate naming the learner parameters that vary by type")]
    [InlineData(new[] { "--estimate", "alpha", "--types-out", "p.csv" }, "--types-out: expected --types K")]
    [InlineData(new[] { "--estimate", "alpha", "--types", "2", "--types-out", "-", "--json" }, "--types-out: expected a file path with --json")]
    public void FitTypes_WithBadArguments_IsAUsageError_BeforeAnyWork(string[] arguments, string message)
    {
        string model = _cli.PathOf("m.json");
        var run = _cli.Run(["fit", "--data", _data, "--mechanism", "congestion", "--threads", "1", "--epochs", "2", "--out", model, .. arguments]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void FitTypes_WithTheDataAsPosteriorsFile_IsRefusedBeforeAnyWork()
    {
        string model = _cli.PathOf("m.json");
        var run = _cli.Run(Fit(model, "--types", "2", "--types-out", _data));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--types-out", run.Error);
        Assert.Contains("name the same file", run.Error);
        Assert.False(File.Exists(model));
    }
}
