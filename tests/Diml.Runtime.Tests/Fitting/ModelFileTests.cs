using Diml.Learning;
using Diml.Data;
using Diml.Fitting;
using Diml.Tests.Fitting.Models;

namespace Diml.Tests.Fitting;

public sealed class ModelFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("diml-modelfile-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static SavedModel Saved(IMechanism mechanism, GameShape shape, Trajectories data)
    {
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        var rule = TestGames.SmallGameLearner();
        return new SavedModel(mechanism.ModelName, mechanism.Form, shape, mechanism.Layout, theta, rule.RuleName,
            rule.Hyperparameters, new FitOptions { Epochs = 7, Seed = 12345678901234567890UL, WindowMode = WindowMode.Carry },
            data.Fingerprint());
    }

    [Fact]
    public void ModelFile_RoundTrip_GivesIdenticalParametersAndPredictions()
    {
        var shape = new GameShape(3, 4);
        var mechanism = TestGames.Neural(shape, hidden: 8);
        var data = TestGames.Simulate(mechanism, shape, 6, 15);
        string path = Path.Combine(_folder, "model.json");
        var saved = Saved(mechanism, shape, data);
        ModelFile.Save(path, saved);

        var fresh = new SmallNeuralJointMechanism(3, 4, hidden: 8);
        var loaded = ModelFile.Load(path, fresh, shape);
        Assert.Equal(TestGames.Bits(saved.Parameters), TestGames.Bits(fresh.Parameters()));
        Assert.Equal(saved.Training, loaded.Training);
        Assert.Equal(saved.DataFingerprint, loaded.DataFingerprint);
        Assert.Equal("LogitQ", loaded.LearnerName);
        Assert.Equal(0.25, loaded.LearnerHyperparameters["alpha"]);
        var rule = TestGames.SmallGameLearner();
        Assert.Equal(
            LikelihoodEvaluator.PerAgentStepNll(mechanism, saved.Parameters, rule, data),
            LikelihoodEvaluator.PerAgentStepNll(fresh, fresh.Parameters(), rule, data));
        // Only the target file remains: the temporary file was renamed over it.
        Assert.Equal(["model.json"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void ModelFile_InitialAttractions_RoundTrip_InTheOrderOfTheirIndex()
    {
        var mechanism = TestGames.Mechanism(PayoffForm.Joint, new GameShape(2, 3));
        var data = TestGames.Simulate(mechanism, new GameShape(2, 3), 2, 5);
        var hyperparameters = new Dictionary<string, double> { ["alpha"] = 0.25, ["beta"] = 3, ["epsilon"] = 0.06 };
        for (int k = 0; k < 12; k++) hyperparameters[$"q0[{k}]"] = k == 0 ? 0 : 0.125 * k - 0.5;
        string[] estimated = ["alpha", .. Enumerable.Range(1, 11).Select(k => $"q0[{k}]")];
        var saved = Saved(mechanism, new GameShape(2, 3), data) with { LearnerHyperparameters = hyperparameters, EstimatedLearnerParameters = estimated };
        string path = Path.Combine(_folder, "q0.json");
        ModelFile.Save(path, saved);
        var loaded = ModelFile.Read(path);
        Assert.Equal(hyperparameters.OrderBy(p => p.Key), loaded.LearnerHyperparameters.OrderBy(p => p.Key));
        Assert.Equal(estimated, loaded.EstimatedLearnerParameters);
        // Written q0[0], q0[1], …, q0[11]: by index, not q0[10] before q0[2].
        string text = File.ReadAllText(path);
        var positions = Enumerable.Range(0, 12).Select(k => text.IndexOf($"\"q0[{k}]\": ", StringComparison.Ordinal)).ToArray();
        Assert.All(positions, p => Assert.True(p > 0));
        Assert.Equal(positions.Order(), positions);
    }

    [Fact]
    public void ModelFile_Overwrite_ReplacesTheOldModel()
    {
        var shape = new GameShape(2, 3);
        var mechanism = TestGames.Mechanism(PayoffForm.Joint, shape);
        var data = TestGames.Simulate(mechanism, shape, 2, 5);
        string path = Path.Combine(_folder, "m.json");
        ModelFile.Save(path, Saved(mechanism, shape, data));
        mechanism.WriteParameters(new float[mechanism.Layout.TotalLength]);
        ModelFile.Save(path, Saved(mechanism, shape, data));
        Assert.All(ModelFile.Read(path).Parameters, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ModelFile_WrongMechanismType_FailsNamingExpectedAndFound()
    {
        var shape = new GameShape(3, 4);
        var mechanism = TestGames.Mechanism(PayoffForm.PerAgent, shape);
        string path = Path.Combine(_folder, "c.json");
        ModelFile.Save(path, Saved(mechanism, shape, TestGames.Simulate(mechanism, shape, 2, 5)));
        var error = Assert.Throws<ModelFileException>(() => ModelFile.Load(path, new TabularJointMechanism(3, 4), shape));
        Assert.Contains("'Congestion'", error.Message);
        Assert.Contains("at $.mechanism.type: expected mechanism type 'TabularJoint', found 'Congestion'", error.Message);
    }

    [Fact]
    public void ModelFile_WrongShape_FailsNamingExpectedAndFound()
    {
        var shape = new GameShape(3, 4);
        var mechanism = TestGames.Mechanism(PayoffForm.PerAgent, shape);
        string path = Path.Combine(_folder, "c.json");
        ModelFile.Save(path, Saved(mechanism, shape, TestGames.Simulate(mechanism, shape, 2, 5)));
        var error = Assert.Throws<ModelFileException>(() => ModelFile.Load(path, new CongestionMechanism(4), new GameShape(5, 4)));
        Assert.Contains("3 agents × 4 actions", error.Message);
        Assert.Contains("at $.game: expected a game of 5 agents × 4 actions", error.Message);
    }

    [Fact]
    public void ModelFile_WrongLayout_FailsNamingExpectedAndFound()
    {
        var shape = new GameShape(3, 4);
        var mechanism = TestGames.Mechanism(PayoffForm.PerAgent, shape);
        string path = Path.Combine(_folder, "c.json");
        ModelFile.Save(path, Saved(mechanism, shape, TestGames.Simulate(mechanism, shape, 2, 5)));
        // Same type and shape, but a model with 6 actions' worth of parameters.
        var error = Assert.Throws<ModelFileException>(() => ModelFile.Load(path, new CongestionMechanism(6), shape));
        Assert.Contains("c1[4]", error.Message);
        Assert.Contains("expected [c1[6]", error.Message);
    }

    [Fact]
    public void ModelFile_IsVersionedJson()
    {
        var shape = new GameShape(2, 3);
        var mechanism = TestGames.Mechanism(PayoffForm.PerAgent, shape);
        string path = Path.Combine(_folder, "v.json");
        ModelFile.Save(path, Saved(mechanism, shape, TestGames.Simulate(mechanism, shape, 2, 5)));
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal("diml-model", document.RootElement.GetProperty("format").GetString());
        Assert.Equal(1, document.RootElement.GetProperty("formatVersion").GetInt32());
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"formatVersion\": 1", "\"formatVersion\": 99"));
        var error = Assert.Throws<ModelFileException>(() => ModelFile.Read(path));
        Assert.Equal("$.formatVersion", error.JsonPath);
        Assert.Contains("expected format version 1 (this build reads no other), found the number 99", error.Message);
    }

    [Fact]
    public void ModelFile_RecordsValidationSettings_AndReadsOlderFilesWithoutThemAsOff()
    {
        var shape = new GameShape(2, 3);
        var mechanism = TestGames.Mechanism(PayoffForm.PerAgent, shape);
        string path = Path.Combine(_folder, "t.json");
        var saved = Saved(mechanism, shape, TestGames.Simulate(mechanism, shape, 2, 5));
        ModelFile.Save(path, saved with { Training = saved.Training! with { ValidationFraction = 0.25, Patience = 7, MinSteps = 300 } });
        var training = ModelFile.Read(path).Training!;
        Assert.Equal((0.25, 7, 300), (training.ValidationFraction, training.Patience, training.MinSteps));

        // A file written before these settings existed was fitted without them.
        string text = System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(path),
            ",\\s*\"validationFraction\": [0-9.]+,\\s*\"patience\": [0-9]+,\\s*\"minSteps\": [0-9]+", "");
        Assert.DoesNotContain("patience", text);
        File.WriteAllText(path, text);
        var old = ModelFile.Read(path).Training!;
        Assert.Equal((0.0, 0, 0), (old.ValidationFraction, old.Patience, old.MinSteps));
        Assert.Equal(7, old.Epochs);

        File.WriteAllText(path, text.Replace("\"epochs\": 7", "\"epochs\": 7, \"patience\": -2"));
        Assert.Equal("$.training.patience", Assert.Throws<ModelFileException>(() => ModelFile.Read(path)).JsonPath);
    }
}
