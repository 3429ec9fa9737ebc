using Diml.Data;
using Diml.Fitting;

namespace Diml.Tests.Fitting;

/// <summary>The <c>inference</c> member of a model file: written and read back exactly, checked on reading.</summary>
public sealed class ModelFileInferenceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("diml-modelfile-inference-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static SavedModel Model(SavedInference inference)
    {
        var layout = new ParameterLayout([new ParameterBlock("c", 1, 2, 1, 0), new ParameterBlock("t", 0, 1, 1, 2)]);
        return new SavedModel("Congestion", PayoffForm.PerAgent, new GameShape(3, 2), layout, [0.5f, -0.25f, 0.125f], "LogitQ",
            new Dictionary<string, double> { ["alpha"] = 0.25 }, null, null) { Inference = inference };
    }

    private static SavedInference Inference() => new(SavedInference.ClusterRobust, Clusters: 12, ScoredDecisions: 1234, Nll: 987.654321, GradientNorm: 1.5e-7,
        Converged: true, Rank: 2, ["c[0]", "c[1]", "t"], [0.5000000001, -0.25, 0.125], [double.NaN, 0.03, double.NaN],
        [0.01, 0.002, -0.01, 0.002, 0.0009, -0.002, -0.01, -0.002, 0.01], [new SavedDirection("c[0] + t", [1, 0, 1])],
        [new SavedContrast("t - c[0]", -0.375, 0.14)]);

    [Fact]
    public void Inference_RoundTripsExactly_WithUnidentifiedErrorsAsNull()
    {
        string path = Path.Combine(_folder, "m.json");
        var saved = Inference();
        ModelFile.Save(path, Model(saved));
        Assert.Contains("\"standardError\": null", File.ReadAllText(path));
        var read = ModelFile.Read(path).Inference!;
        Assert.Equal(saved.Kind, read.Kind);
        Assert.Equal(saved.Clusters, read.Clusters);
        Assert.Equal(saved.ScoredDecisions, read.ScoredDecisions);
        Assert.Equal(saved.Nll, read.Nll);
        Assert.Equal(saved.GradientNorm, read.GradientNorm);
        Assert.True(read.Converged);
        Assert.Equal(saved.Rank, read.Rank);
        Assert.Equal(saved.Names, read.Names);
        Assert.Equal(saved.Estimates, read.Estimates);
        Assert.Equal(saved.StandardErrors, read.StandardErrors);
        Assert.Equal(saved.Covariance, read.Covariance);
        Assert.Equal("c[0] + t", Assert.Single(read.Unidentified).Name);
        Assert.Equal([1.0, 0, 1], read.Unidentified[0].Coefficients);
        Assert.Equal(saved.Contrasts, read.Contrasts);
        Assert.True(read.IsIdentified([-1, 0, 1]));
        Assert.False(read.IsIdentified([1, 0, 0]));
    }

    [Fact]
    public void ModelWithoutInference_HasNone()
    {
        string path = Path.Combine(_folder, "plain.json");
        ModelFile.Save(path, Model(Inference()) with { Inference = null });
        Assert.DoesNotContain("inference", File.ReadAllText(path));
        Assert.Null(ModelFile.Read(path).Inference);
    }

    [Fact]
    public void WrongCovarianceShape_IsALocatedError()
    {
        string path = Path.Combine(_folder, "bad.json");
        ModelFile.Save(path, Model(Inference()));
        string text = File.ReadAllText(path);
        // Drop the last row of the covariance.
        int start = text.IndexOf("\"covariance\"", StringComparison.Ordinal);
        int lastRow = text.LastIndexOf(",\n      [", text.IndexOf("\"unidentified\"", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(start > 0 && lastRow > start);
        int end = text.IndexOf(']', lastRow + 3);
        File.WriteAllText(path, text.Remove(lastRow, end + 1 - lastRow));
        var error = Assert.Throws<ModelFileException>(() => ModelFile.Read(path));
        Assert.Contains("$.inference.covariance", error.Message);
        Assert.Contains("3 rows", error.Message);
    }
}
