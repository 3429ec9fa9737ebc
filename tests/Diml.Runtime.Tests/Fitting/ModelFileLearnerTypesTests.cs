using Diml.Data;
using Diml.Fitting;

namespace Diml.Tests.Fitting;

/// <summary>The <c>learnerTypes</c> member of a model file: written and read back exactly, checked on reading.</summary>
public sealed class ModelFileLearnerTypesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("diml-modelfile-types-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static SavedModel Model(SavedLearnerTypes? types, IReadOnlyList<string>? estimated)
    {
        var layout = new ParameterLayout([new ParameterBlock("c", 1, 2, 1, 0), new ParameterBlock("t", 0, 1, 1, 2)]);
        return new SavedModel("Congestion", PayoffForm.PerAgent, new GameShape(3, 2), layout, [0.5f, -0.25f, 0.125f], "LogitQ",
            new Dictionary<string, double> { ["alpha"] = 0.25, ["epsilon"] = 0.1 }, null, null) { EstimatedLearnerParameters = estimated, LearnerTypes = types };
    }

    private static SavedLearnerTypes Types() => new(Subjects: 16, ScoredDecisions: 3040, Nll: 2584.1100000001, Parameters: 9, Converged: true,
        [0.5000000001, -0.25, 0.125],
        [
            new SavedLearnerType(0.375, 0.12, [new SavedNaturalValue("alpha", 0.1, 0.01, 0.08, 0.12), new SavedNaturalValue("epsilon", 0.05, double.NaN, double.NaN, double.NaN)]),
            new SavedLearnerType(0.625, double.NaN, [new SavedNaturalValue("alpha", 0.6, 0.03, 0.54, 0.66), new SavedNaturalValue("epsilon", 0.07, 0.01, 0.05, 0.09)]),
        ]);

    [Fact]
    public void LearnerTypes_RoundTripExactly_WithUnidentifiedErrorsAsNull()
    {
        string path = Path.Combine(_folder, "m.json");
        var saved = Types();
        ModelFile.Save(path, Model(saved, ["alpha", "epsilon"]));
        Assert.Contains("\"weightStandardError\": null", File.ReadAllText(path));
        var read = ModelFile.Read(path).LearnerTypes!;
        Assert.Equal(saved.Subjects, read.Subjects);
        Assert.Equal(saved.ScoredDecisions, read.ScoredDecisions);
        Assert.Equal(saved.Nll, read.Nll);
        Assert.Equal(saved.Parameters, read.Parameters);
        Assert.True(read.Converged);
        Assert.Equal(saved.MechanismParameters, read.MechanismParameters);
        Assert.Equal(2, read.Types.Count);
        for (int k = 0; k < 2; k++)
        {
            Assert.Equal(saved.Types[k].Weight, read.Types[k].Weight);
            Assert.Equal(saved.Types[k].WeightStandardError, read.Types[k].WeightStandardError);
            Assert.Equal(saved.Types[k].Values, read.Types[k].Values);
        }
        Assert.Equal((9 * Math.Log(3040)) + (2 * 2584.1100000001), read.Bic, 9);
        Assert.Equal((2 * 9) + (2 * 2584.1100000001), read.Aic, 9);
        Assert.Null(ModelFile.Read(Save("plain.json", Model(null, ["alpha"]))).LearnerTypes);
    }

    [Fact]
    public void WeightsNotSummingToOne_AreALocatedError()
    {
        string path = Save("bad.json", Model(Types(), ["alpha", "epsilon"]));
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"weight\": 0.625", "\"weight\": 0.5", StringComparison.Ordinal));
        var error = Assert.Throws<ModelFileException>(() => ModelFile.Read(path));
        Assert.Contains("$.learnerTypes.types", error.Message);
        Assert.Contains("weights summing to 1", error.Message);
    }

    [Fact]
    public void TypesNamingOtherParametersThanTheEstimated_AreALocatedError()
    {
        string path = Save("names.json", Model(Types(), ["alpha", "epsilon"]));
        string text = File.ReadAllText(path);
        int first = text.IndexOf("\"name\": \"epsilon\"", StringComparison.Ordinal);
        File.WriteAllText(path, text.Remove(first, "\"name\": \"epsilon\"".Length).Insert(first, "\"name\": \"beta\""));
        var error = Assert.Throws<ModelFileException>(() => ModelFile.Read(path));
        Assert.Contains("$.learnerTypes.types[0].learner[1].name", error.Message);
        Assert.Contains("'beta'", error.Message);
    }

    private string Save(string name, SavedModel model)
    {
        string path = Path.Combine(_folder, name);
        ModelFile.Save(path, model);
        return path;
    }
}
