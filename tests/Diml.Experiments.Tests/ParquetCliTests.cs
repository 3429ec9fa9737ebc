namespace Diml.Experiments.Tests;

/// <summary>Parquet through the tool: chosen by the file's extension wherever trajectories are read or written.</summary>
public sealed class ParquetCliTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void SimulateFitAndEvaluate_OnParquet_GiveWhatTheCsvGives()
    {
        string parquet = _cli.PathOf("d.parquet"), csv = _cli.PathOf("d.csv");
        foreach (string output in new[] { parquet, csv })
        {
            var simulate = _cli.Run("simulate", "--mechanism", "public-goods", "--agents", "8", "--actions", "4", "--group-size", "4",
                "--episodes", "6", "--horizon", "5", "--seed", "3", "--out", output);
            Assert.True(simulate.ExitCode == 0, simulate.Error);
        }
        Assert.Equal("PAR1", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(parquet).AsSpan(0, 4)));
        Assert.True(Diml.Data.TrajectoryParquet.Read(parquet).Trajectories.ContentEquals(Diml.Data.TrajectoryCsv.Read(csv).Trajectories));

        var models = new List<string>();
        foreach (string data in new[] { parquet, csv })
        {
            string model = data + ".json";
            var fit = _cli.Run("fit", "--data", data, "--mechanism", "public-goods", "--epochs", "2", "--min-steps", "0", "--out", model);
            Assert.True(fit.ExitCode == 0, fit.Error);
            models.Add(model);
        }
        var fromParquet = Diml.Fitting.ModelFile.Read(models[0]);
        var fromCsv = Diml.Fitting.ModelFile.Read(models[1]);
        Assert.Equal(fromCsv.Parameters, fromParquet.Parameters);

        var evaluate = _cli.Run("evaluate", "--model", models[0], "--data", parquet);
        Assert.True(evaluate.ExitCode == 0, evaluate.Error);
        Assert.Contains("nll_test", evaluate.Output);
    }

    [Fact]
    public void Fit_OnADamagedParquetFile_FailsWithOneLocatedLine_AndWritesNothing()
    {
        string data = _cli.PathOf("bad.parquet"), model = _cli.PathOf("m.json");
        File.WriteAllText(data, "episode,t,agent,action\n0,0,0,1\n");
        var fit = _cli.Run("fit", "--data", data, "--mechanism", "congestion", "--out", model);

        Assert.Equal(1, fit.ExitCode);
        Assert.StartsWith($"diml fit: error: {data}: the file cannot be read as Parquet", Assert.Single(fit.ErrorLines));
        Assert.False(File.Exists(model));
    }
}
